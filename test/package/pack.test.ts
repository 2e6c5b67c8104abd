import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: err });
  }
}

describe('the published package', () => {
  let work: string;
  let files: string[];

  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run npm run build first (npm test does)');
    work = mkdtempSync(path.join(tmpdir(), 'mi-pack-'));
    const packed = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
    ) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = packed[0]!.files.map((f) => f.path);
    const consumer = path.join(work, 'consumer');
    run('mkdir', ['-p', consumer], work);
    writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, packed[0]!.filename)],
      consumer,
    );
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('contains the build, README, LICENSE and CHANGELOG — no sources, tests or example app', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.mjs',
        'dist/index.d.ts',
        'dist/index.d.mts',
        'dist/emulator/index.js',
        'dist/browser.mjs',
        'dist/entries/protocol.js',
        'dist/entries/protocol.mjs',
        'dist/entries/protocol.d.ts',
        'dist/entries/protocol.d.mts',
        'dist/entries/button.js',
        'dist/entries/button.mjs',
        'dist/entries/button.d.ts',
        'dist/entries/button.d.mts',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'package.json',
      ]),
    );
    expect(
      files.filter(
        (f) =>
          /^(lib|test|example-app|scripts)\//.test(f) ||
          (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.mts')),
      ),
    ).toEqual([]);
  });

  it('loads through require, with /protocol, /button, /emulator, /browser and package.json resolvable', () => {
    const script = `
      const lib = require('passport-mi-account');
      const { compileRedirectUris } = require('passport-mi-account/protocol');
      const { localeFromAcceptLanguage } = require('passport-mi-account/button');
      const { startMiAccountEmulator } = require('passport-mi-account/emulator');
      const { buildImplicitAuthorizeUrl } = require('passport-mi-account/browser');
      const s = new lib.Strategy({ clientID: '1', clientSecret: 's', callbackURL: 'http://localhost/cb' }, () => {});
      console.log([s.name, lib.default === lib.MiAccountStrategy, typeof compileRedirectUris, localeFromAcceptLanguage('de-CH'), typeof startMiAccountEmulator, typeof buildImplicitAuthorizeUrl, require('passport-mi-account/package.json').name].join(','));`;
    expect(run('node', ['-e', script], path.join(work, 'consumer')).trim()).toBe(
      'mi-account,true,function,de,function,function,passport-mi-account',
    );
  });

  it('loads through import, with the same classes as require (no dual-package hazard)', () => {
    const script = `
      import MiAccountStrategy, { MiAccountError, signMac } from 'passport-mi-account';
      import { signMac as protocolSignMac } from 'passport-mi-account/protocol';
      import { miAccountButton } from 'passport-mi-account/button';
      import { startMiAccountEmulator } from 'passport-mi-account/emulator';
      import { parseImplicitCallback } from 'passport-mi-account/browser';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('passport-mi-account');
      const emulator = await startMiAccountEmulator({ clients: [{ clientID: '1', clientSecret: 's', redirectURIs: 'http://localhost/' }], users: [{ id: '1', nickname: 'A' }] });
      await emulator.close();
      console.log([new MiAccountStrategy({ clientID: '1', clientSecret: 's' }, () => {}).name, cjs.MiAccountError === MiAccountError, signMac === protocolSignMac, miAccountButton({ href: '/auth/mi' }).includes('href="/auth/mi"'), typeof parseImplicitCallback].join(','));`;
    writeFileSync(path.join(work, 'consumer', 'check.mjs'), script);
    expect(run('node', ['check.mjs'], path.join(work, 'consumer')).trim()).toBe('mi-account,true,true,true,function');
  });

  it.each([
    ['commonjs', 'node10', 'commonjs'],
    ['ESM (node16)', 'node16', 'node16'],
  ])('type-checks a consumer .ts file against the shipped declarations (%s)', (_name, resolution, moduleKind) => {
    const consumer = path.join(work, 'consumer');
    const file = resolution === 'node16' ? 'consumer.mts' : 'consumer.ts';
    writeFileSync(
      path.join(consumer, file),
      `import { MiAccountStrategy, MiAccountError, MiAccountClient, validateRedirectUri, type MiAccountProfile, type MiAccountFailureInfo } from 'passport-mi-account';
import { compileRedirectUris, MiScopes, type RedirectUriResult, type MiScopeName } from 'passport-mi-account/protocol';
import { miAccountButton, localeFromAcceptLanguage, type MiAccountButtonOptions } from 'passport-mi-account/button';
import { startMiAccountEmulator, type MiEmulator } from 'passport-mi-account/emulator';
import { buildImplicitAuthorizeUrl } from 'passport-mi-account/browser';
const strategy = new MiAccountStrategy({ clientID: '1', clientSecret: 's', scope: ['profile', 'openid'], locale: 'auto' },
  (accessToken: string, refreshToken: string, params: Record<string, unknown>, profile: MiAccountProfile, done) => done(null, { id: profile.id }));
const result: { ok: boolean } = validateRedirectUri('https://a.b/c', 'https://a.b/');
const client = new MiAccountClient({ clientID: 1, clientSecret: 's' });
const emulator: Promise<MiEmulator> = startMiAccountEmulator({ clients: [], users: [] });
const url: string = buildImplicitAuthorizeUrl({ clientID: '1', redirectURI: 'https://a.b/cb' }).url;
const code: number | undefined = new MiAccountError({ step: 'token exchange', code: 96013 }).code;
const info: MiAccountFailureInfo = { message: 'cancelled', reason: 'access_denied' };
const matched: RedirectUriResult = compileRedirectUris(['https://a.b/']).match('https://a.b/c');
const scope: MiScopeName = 'openid';
const buttonOptions: MiAccountButtonOptions = { href: '/auth/mi', locale: localeFromAcceptLanguage('de') };
const button: string = miAccountButton(buttonOptions) + MiScopes[scope];
export { strategy, result, client, emulator, url, code, info, matched, button };
`,
    );
    writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: moduleKind,
          moduleResolution: resolution,
          target: 'ES2022',
          skipLibCheck: false,
          typeRoots: [path.join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: [file],
      }),
    );
    expect(run(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], consumer)).toBe('');
  });

  it('ships no files outside the whitelist', () => {
    expect(readdirSync(root)).toContain('package.json');
    expect(
      files.every(
        (f) => f === 'package.json' || f.startsWith('dist/') || ['README.md', 'LICENSE', 'CHANGELOG.md'].includes(f),
      ),
    ).toBe(true);
  });
});
