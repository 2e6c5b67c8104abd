import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FORMATS, allBlocks, compileBlock, foreignPackages, formatManifest } from '../docs/blocks';
import {
  APPS_DEPENDENCIES,
  FASTIFY_MAIN,
  Files,
  HARNESS,
  KOA_MAIN,
  NEST_MAIN,
  NEST_TSCONFIG,
  TYPES_SOURCE,
  docsBlockOptions,
  typesTsconfig,
} from './projects';

// Consumer projects built from the npm pack output, as a new user would: run by `npm run test:consumers`.
const root = path.resolve(__dirname, '../..');
const tsc = path.join(root, 'node_modules/.bin/tsc');
const exec = promisify(execFile);

async function run(command: string, args: string[], cwd: string, timeout = 240_000): Promise<string> {
  try {
    const { stdout } = await exec(command, args, {
      cwd,
      timeout,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
    });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: err });
  }
}

function write(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
}

function manifest(dependencies: Record<string, string>, type?: 'module' | 'commonjs'): string {
  return JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, ...(type ? { type } : {}), dependencies });
}

/** One npm install per group of consumers that can share dependencies; every consumer in its own directory. */
async function install(dir: string, dependencies: Record<string, string>): Promise<void> {
  write(dir, { 'package.json': manifest(dependencies) });
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
}

interface LoginResult {
  status: number;
  body: { user?: Record<string, unknown> | null };
  hops: string[];
  trap?: string;
  button?: boolean;
}

async function runApp(dir: string, file: string): Promise<LoginResult> {
  const stdout = await run(process.execPath, [file], dir, 60_000);
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${file} printed no RESULT line:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as LoginResult;
}

// The docs blocks that import what only these consumer projects install (NestJS, Fastify, Koa): test/docs compiles the
// others, and checks that each of these blocks' packages is in APPS_DEPENDENCIES.
const docsBlocks = allBlocks().filter((block) => foreignPackages(block).length > 0);

const expectedUser = { name: 'Alex Chen', macKey: 'string', openId: expect.any(String), id: expect.any(String) };

describe('consumer projects built from npm pack', () => {
  let work: string;
  let tarball: string;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build first');
    work = mkdtempSync(path.join(tmpdir(), 'mi-consumers-'));
    // --ignore-scripts: pack the dist/ built by npm run test:consumers; the prepare script would rebuild it (rm -rf
    // first) under the other test files reading it.
    const packed = JSON.parse(
      await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
    ) as Array<{
      filename: string;
    }>;
    tarball = `file:${path.join(work, packed[0]!.filename)}`;
    const types = { passport: '^0.7.0', '@types/passport': '^1.0.17', '@types/node': '^20.19.0' };
    await Promise.all([
      install(path.join(work, 'express4'), {
        'passport-mi-account': tarball,
        express: '^4.21.0',
        '@types/express': '^4.17.21',
        ...types,
      }),
      install(path.join(work, 'express5'), {
        'passport-mi-account': tarball,
        express: '^5.1.0',
        '@types/express': '^5.0.0',
        ...types,
      }),
      install(path.join(work, 'apps'), { 'passport-mi-account': tarball, ...APPS_DEPENDENCIES }),
    ]);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(['express4', 'express5'])('strict TypeScript, module node16, against %s types', (express) => {
    it.each(['commonjs', 'module'] as const)('compiles as %s: every verify form, per-login options', async (type) => {
      const dir = path.join(work, express, type === 'module' ? 'esm' : 'cjs');
      write(dir, { 'package.json': manifest({}, type), 'tsconfig.json': typesTsconfig(), 'index.ts': TYPES_SOURCE });
      await expect(run(tsc, ['-p', 'tsconfig.json'], dir)).resolves.toBe('');
    });
  });

  describe('TypeScript blocks of README.md and docs/*.md that import NestJS, Fastify or Koa', () => {
    it('are there: the NestJS, Fastify and Koa recipes of docs/frameworks.md', () => {
      const imports = docsBlocks.flatMap((block) => block.packages);
      expect(imports).toEqual(expect.arrayContaining(['@nestjs/passport', '@fastify/passport', 'koa-passport']));
    });

    // As in test/docs/code-blocks.test.ts: each block its own module of a `tsc --init` project, as CommonJS and as
    // ESM, here against the packed package and the frameworks' own types.
    it.each(docsBlocks.map((block) => [block.name, block] as const))(
      '%s compiles as CommonJS and as ESM',
      (_name, block) => {
        const diagnostics = FORMATS.flatMap((format) => {
          const dir = path.join(work, 'apps', 'docs', format);
          write(dir, { 'package.json': formatManifest(format) });
          return compileBlock(dir, block, format, docsBlockOptions(block)).map((line) => `[${format}] ${line}`);
        });
        expect(diagnostics).toEqual([]);
      },
    );
  });

  it('NestJS 11 (@nestjs/passport): logs in through the emulator, validate gets params via callbackArity', async () => {
    const dir = path.join(work, 'apps', 'nest');
    write(dir, {
      'package.json': manifest({}, 'commonjs'),
      'tsconfig.json': NEST_TSCONFIG,
      'main.ts': NEST_MAIN,
      'harness.cjs': HARNESS,
    });
    await run(tsc, ['-p', 'tsconfig.json'], dir);
    writeFileSync(path.join(dir, 'dist', 'harness.cjs'), HARNESS);
    const result = await runApp(dir, 'dist/main.js');
    expect(result.hops).toEqual(['/auth/mi', '/oauth2/authorize', '/auth/mi/callback']);
    expect(result.status).toBe(200);
    expect(result.body.user).toMatchObject(expectedUser);
    expect(result.trap).toMatch(
      /asks for the token response .* PassportStrategy\(MiAccountStrategy, 'mi-account', true\)/s,
    );
  });

  it('Fastify 5 (@fastify/passport): logs in through the emulator', async () => {
    const dir = path.join(work, 'apps', 'fastify');
    write(dir, { 'package.json': manifest({}, 'commonjs'), 'main.js': FASTIFY_MAIN, 'harness.cjs': HARNESS });
    const result = await runApp(dir, 'main.js');
    expect(result.hops).toEqual(['/auth/mi', '/oauth2/authorize', '/auth/mi/callback', '/profile']);
    expect(result.body.user).toMatchObject(expectedUser);
  });

  it('Koa 3 (koa-passport): logs in through the emulator; its login page renders passport-mi-account/button', async () => {
    const dir = path.join(work, 'apps', 'koa');
    write(dir, { 'package.json': manifest({}, 'commonjs'), 'main.js': KOA_MAIN, 'harness.cjs': HARNESS });
    const result = await runApp(dir, 'main.js');
    expect(result.hops).toEqual(['/auth/mi', '/oauth2/authorize', '/auth/mi/callback', '/profile']);
    expect(result.body.user).toMatchObject(expectedUser);
    expect(result.button).toBe(true);
  });
});
