// The public surface of the built package, entry by entry: the runtime names (through require and import) and the
// type names of the shipped declarations. The lists change only on purpose: edit them here, and say so in CHANGELOG.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');

// Issue #24: the main entry holds the essentials; the rest lives in subpaths.
const MAIN_MAX_VALUES = 20;
const MAIN_MAX_NAMES = 45;

interface Surface {
  /** The built module under dist/, without extension. */
  file: string;
  /** Names with a runtime value (the CommonJS `exports` keys, the ESM namespace keys), sorted. */
  values: string[];
  /** Names that are types only, sorted. */
  types: string[];
}

const SURFACES: Record<string, Surface> = {
  'passport-mi-account': {
    file: 'index',
    values: [
      'CookieStateStore',
      'MI_ACCOUNT_LOGIN_CHANNEL',
      'MI_ACCOUNT_REQUEST_CHANNEL',
      'MI_ERROR_CODES',
      'MiAccountClient',
      'MiAccountError',
      'MiAccountRequestError',
      'MiAccountResponseError',
      'MiAccountStrategy',
      'MiAccountTokenStrategy',
      'MiScopes',
      'Strategy',
      'createNonce',
      'default',
      'miAccountButton',
      'normalizeScopes',
      'parseMiResponse',
      'signMac',
      'validateRedirectUri',
    ],
    types: [
      'CookieStateStoreOptions',
      'MiAccountAuthenticateOptions',
      'MiAccountClientOptions',
      'MiAccountCredentials',
      'MiAccountDoneCallback',
      'MiAccountErrorReason',
      'MiAccountFailureInfo',
      'MiAccountLoginEvent',
      'MiAccountProfile',
      'MiAccountRequest',
      'MiAccountRequestContext',
      'MiAccountStrategyOptions',
      'MiAccountStrategyOptionsWithRequest',
      'MiAccountTokenParams',
      'MiAccountTokenStrategyOptions',
      'MiAccountTokenVerifyFunction',
      'MiAccountTokenVerifyFunctionWithRequest',
      'MiAccountVerifyFunction',
      'MiAccountVerifyFunctionWithRequest',
      'MiAccountVerifyWithParams',
      'MiAccountVerifyWithProfile',
      'MiAccountVerifyWithRequestAndParams',
      'MiAccountVerifyWithRequestAndProfile',
      'TokenSet',
      'UsedStateStore',
    ],
  },
  'passport-mi-account/protocol': {
    file: 'entries/protocol',
    values: [
      'DEFAULT_AUTHORIZATION_URL',
      'DEFAULT_OPEN_API_URL',
      'DEFAULT_TOKEN_URL',
      'MI_ACCOUNT_ERROR_REASONS',
      'MI_ERROR_CODES',
      'MiScopes',
      'compileRedirectUris',
      'createNonce',
      'normalizeScopes',
      'parseMiResponse',
      'signMac',
      'validateRedirectUri',
    ],
    types: [
      'MiAccountStep',
      'MiErrorInfo',
      'MiScopeInput',
      'MiScopeName',
      'RedirectUriMatcher',
      'RedirectUriResult',
      'ResponseContext',
      'SignMacInput',
    ],
  },
  'passport-mi-account/button': {
    file: 'entries/button',
    values: ['BUTTON_LOCALES', 'localeFromAcceptLanguage', 'miAccountButton', 'miAccountButtonStyles', 'toMiLocale'],
    types: ['ButtonLocale', 'ButtonSize', 'ButtonTheme', 'MiAccountButtonOptions'],
  },
  'passport-mi-account/browser': {
    file: 'browser',
    values: ['MiImplicitGrantError', 'buildImplicitAuthorizeUrl', 'parseImplicitCallback'],
    types: [
      'ImplicitAuthorizeOptions',
      'ImplicitAuthorizeRequest',
      'ImplicitTokenResult',
      'MiImplicitGrantErrorReason',
    ],
  },
  'passport-mi-account/emulator': {
    file: 'emulator/index',
    values: ['DEMO_CLIENT', 'DEMO_USERS', 'startMiAccountEmulator'],
    types: [
      'MiEmulator',
      'MiEmulatorClient',
      'MiEmulatorFault',
      'MiEmulatorLanguage',
      'MiEmulatorOptions',
      'MiEmulatorStats',
      'MiEmulatorUser',
    ],
  },
};
const SPECIFIERS = Object.keys(SURFACES);

/** Runs an ES module script in a fresh Node process inside the package, whose "exports" resolve its own name. */
function runModule(script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '' },
  });
}

/** Exported names of a declaration file, split into names with a value and type-only names, each sorted. */
function declaredNames(program: ts.Program, file: string): { values: string[]; types: string[] } {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

describe('the exports of each entry point', () => {
  let runtime: Record<string, { require: string[]; import: string[] }>;
  let program: ts.Program;

  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run npm run build first (npm test does)');
    runtime = JSON.parse(
      runModule(`
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const names = {};
        for (const specifier of ${JSON.stringify(SPECIFIERS)}) {
          names[specifier] = { require: Object.keys(require(specifier)).sort(), import: Object.keys(await import(specifier)).sort() };
        }
        console.log(JSON.stringify(names));`),
    ) as typeof runtime;
    const files = Object.values(SURFACES).flatMap(({ file }) => [`dist/${file}.d.ts`, `dist/${file}.d.mts`]);
    program = ts.createProgram(
      files.map((file) => path.join(root, file)),
      { strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
    );
  }, 60_000);

  describe.each(SPECIFIERS)('%s', (specifier) => {
    const { file, values, types } = SURFACES[specifier]!;

    it('has exactly the listed runtime names, through require and through import', () => {
      expect(runtime[specifier]).toEqual({ require: values, import: values });
    });

    it.each(['d.ts', 'd.mts'])('declares exactly the listed values and types (.%s)', (extension) => {
      expect(declaredNames(program, path.join(root, `dist/${file}.${extension}`))).toEqual({ values, types });
    });
  });

  it(`keeps the main entry to the essentials: at most ${MAIN_MAX_VALUES} runtime values, ${MAIN_MAX_NAMES} names`, () => {
    const { values, types } = SURFACES['passport-mi-account']!;
    expect(values.length).toBeLessThanOrEqual(MAIN_MAX_VALUES);
    expect(values.length + types.length).toBeLessThanOrEqual(MAIN_MAX_NAMES);
  });

  it('gives the protocol helpers and classes once: the main entry and the subpaths share them', () => {
    const out = runModule(`
      import { createRequire } from 'node:module';
      import * as esm from 'passport-mi-account';
      import * as esmProtocol from 'passport-mi-account/protocol';
      const require = createRequire(import.meta.url);
      const main = require('passport-mi-account');
      const protocol = require('passport-mi-account/protocol');
      const shared = ['validateRedirectUri', 'signMac', 'createNonce', 'parseMiResponse', 'MiScopes', 'normalizeScopes', 'MI_ERROR_CODES'];
      let thrown;
      try { protocol.parseMiResponse('<html>'); } catch (err) { thrown = err; }
      console.log(JSON.stringify({
        sameFunctions: shared.every((name) => main[name] === protocol[name] && esm[name] === main[name] && esmProtocol[name] === main[name]),
        sameError: thrown instanceof main.MiAccountError && thrown instanceof esm.MiAccountResponseError,
        defaultIsStrategy: main.default === main.MiAccountStrategy && esm.default === main.MiAccountStrategy && main.Strategy === main.MiAccountStrategy,
      }));`);
    expect(JSON.parse(out)).toEqual({ sameFunctions: true, sameError: true, defaultIsStrategy: true });
  });

  it('loads the login button on its first use, with the same HTML as passport-mi-account/button', () => {
    const out = runModule(`
      import { createRequire } from 'node:module';
      import path from 'node:path';
      const require = createRequire(import.meta.url);
      const inButton = path.join('dist', 'button') + path.sep;
      const buttonModules = () => Object.keys(require.cache).filter((file) => file.includes(inButton)).length;
      const { miAccountButton } = await import('passport-mi-account');
      const before = buttonModules();
      const html = miAccountButton({ href: '/auth/mi', locale: 'de', theme: 'dark' });
      const button = await import('passport-mi-account/button');
      console.log(JSON.stringify({ before, loaded: buttonModules() > 0, same: html === button.miAccountButton({ href: '/auth/mi', locale: 'de', theme: 'dark' }) }));`);
    expect(JSON.parse(out)).toEqual({ before: 0, loaded: true, same: true });
  });
});
