import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { locateTscOutput, markdownSection, quickStartBlock, tsconfigOptions } from '../docs/blocks';
import { freePort } from '../helpers/app';
import {
  EMULATOR_BIN,
  PRESELECTED_USER,
  expectLoginGreetsUser,
  pastedVariables,
  startApp,
  startEmulatorBin,
  stop,
  userEnv,
  waitForHttp,
  waitForPasteLine,
  type Started,
} from '../helpers/quick-start';

// Installs the package as a project does before a registry release (README, Install), then uses it from a fresh Node
// process: run by `npm run test:consumers`.
// - From a git URL: a fresh `git clone` of this repository's committed HEAD, installed with
//   `npm install git+file://<clone>`. npm installs the clone's dependencies (devDependencies too: typescript,
//   esbuild) and runs its `prepare` script, which builds dist/. Uncommitted changes are NOT in this install: commit
//   them to test them here (CI runs on a fresh clone, where HEAD is the tree under test).
// - From a tarball: `npm pack --ignore-scripts` of this working tree's dist/ (built by `npm run test:consumers`;
//   --ignore-scripts: no rebuild under the other test files reading dist/), installed with `npm install <file>`.
// In the git install, the README's Quick start then runs as written: what the README says to install, from the npm
// registry; its ```ts block as app.ts, compiled by the project's tsc; `npx passport-mi-account-emulator`; a login.
const root = path.resolve(__dirname, '../..');
const exec = promisify(execFile);
const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
};
// A user's shell (test/helpers/quick-start.ts): no node_modules/.bin on PATH, so the clone's build can only use the
// tools its own install put there.
const env = userEnv({ npm_config_loglevel: 'error' });
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

async function run(command: string, args: string[], cwd: string, timeout = 60_000): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: err });
  }
}

/** A fresh project with one dependency, installed from `spec` as a user would (install scripts allowed). */
async function installProject(dir: string, spec: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await run('npm', [...NPM_INSTALL, spec], dir, 540_000);
}

// Every subpath of package.json "exports", through require; the demo credentials the emulator CLI prints.
const REQUIRE_CHECK = `'use strict';
const pkg = require('passport-mi-account/package.json');
const { MiAccountStrategy } = require('passport-mi-account');
const { DEMO_CLIENT } = require('passport-mi-account/emulator');
const names = {};
for (const subpath of Object.keys(pkg.exports)) {
  const specifier = subpath === '.' ? pkg.name : pkg.name + subpath.slice(1);
  names[subpath] = Object.keys(require(specifier)).sort();
}
console.log(JSON.stringify({ strategy: typeof MiAccountStrategy, bin: pkg.bin, names, demo: DEMO_CLIENT }));
`;

// The same through import, from an .mjs file; the class is the one require gives (one implementation).
const IMPORT_CHECK = `import { createRequire } from 'node:module';
import { MiAccountStrategy } from 'passport-mi-account';

const require = createRequire(import.meta.url);
const pkg = require('passport-mi-account/package.json');
const names = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath.endsWith('.json')) continue;
  const specifier = subpath === '.' ? pkg.name : pkg.name + subpath.slice(1);
  names[subpath] = Object.keys(await import(specifier)).sort();
}
const same = MiAccountStrategy === require('passport-mi-account').MiAccountStrategy;
console.log(JSON.stringify({ strategy: typeof MiAccountStrategy, same, names }));
`;

interface EmulatorRun {
  lines: string[];
  status: number;
}

/** `npx passport-mi-account-emulator` in the project: its output up to the line to paste, then stopped. */
async function runEmulatorBin(dir: string): Promise<EmulatorRun> {
  // --no: never download a package of that name; the project's own bin or nothing. Its own process group, stopped
  // as one (npx, the shell npm runs the bin in, node).
  const child: ChildProcess = spawn('npx', ['--no', EMULATOR_BIN], {
    cwd: dir,
    env: { ...env, MI_EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  try {
    const lines = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no MI_ACCOUNT_EMULATOR_HOST line in 60 s:\n${out}\n${err}`)),
        60_000,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^MI_ACCOUNT_EMULATOR_HOST=.*\n/m.test(out)) {
          clearTimeout(timer);
          resolve(out.split('\n').filter((line) => line !== ''));
        }
      });
      void closed.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npx ${EMULATOR_BIN} exited (${String(code)}) before its line to paste:\n${out}\n${err}`));
      });
    });
    const host = lines.find((line) => line.startsWith('MI_ACCOUNT_EMULATOR_HOST='))!.split(/[= ]/)[1]!;
    const { status } = await fetch(`http://${host}/oauth2/authorize`);
    return { lines, status };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // the group has exited already
    }
    await closed;
  }
}

/**
 * What the installed package's README tells a new project to install from the npm registry: the names of the Install
 * section's `npm install <names>` (not the git URL or the tarball), and of the Quick start's `npm install -D <names>`.
 */
function readmeInstalls(readme: string): { dependencies: string[]; devDependencies: string[] } {
  const names = (args: string) => args.split(/\s+/).filter((arg) => /^(@[\w.-]+\/)?[\w.-]+$/.test(arg));
  const install = markdownSection(readme, 'Install');
  const quickStart = markdownSection(readme, 'Quick start');
  return {
    dependencies: [...install.matchAll(/^npm install ([^#\n]*)/gm)].flatMap((match) => names(match[1]!)),
    devDependencies: [...quickStart.matchAll(/`npm install -D ([^`]+)`/g)].flatMap((match) => names(match[1]!)),
  };
}

type Installs = Record<'git' | 'tarball', string>;

describe('installed from a git URL or an npm pack tarball, before a registry release', () => {
  let work: string;
  let head: string;
  const projects = {} as Installs;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build first');
    if (!existsSync(path.join(root, '.git'))) throw new Error(`${root} is not a git checkout: no git URL to install`);
    work = mkdtempSync(path.join(tmpdir(), 'mi-install-'));
    head = (await run('git', ['rev-parse', 'HEAD'], root)).trim();
    const clone = path.join(work, 'repo');
    await run('git', ['clone', '--quiet', '--no-hardlinks', root, clone], work);
    const packed = JSON.parse(
      await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
    ) as Array<{ filename: string }>;
    projects.git = path.join(work, 'git');
    projects.tarball = path.join(work, 'tarball');
    await Promise.all([
      installProject(projects.git, `git+file://${clone}`),
      installProject(projects.tarball, path.join(work, packed[0]!.filename)),
    ]);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(['git', 'tarball'] as const)('from %s', (kind) => {
    const installed = (): string => path.join(projects[kind], 'node_modules', rootManifest.name);

    it('is the built package: dist/ (built on install from git), docs, no sources', () => {
      const entries = readdirSync(installed()).sort();
      expect(entries).toEqual(expect.arrayContaining(['dist', 'package.json', 'README.md', 'LICENSE']));
      expect(entries.filter((entry) => !/^(dist|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(entry))).toEqual(
        [],
      );
      // The git install is the clone's committed HEAD.
      if (kind === 'git')
        expect(readFileSync(path.join(projects.git, 'package-lock.json'), 'utf8')).toContain(`#${head}`);
    });

    it('require works in a fresh Node process, for the main entry and every subpath of "exports"', async () => {
      const result = JSON.parse(await run(process.execPath, ['-e', REQUIRE_CHECK], projects[kind])) as {
        strategy: string;
        bin: Record<string, string>;
        names: Record<string, string[]>;
      };
      expect(result.strategy).toBe('function');
      expect(result.bin).toEqual({ [EMULATOR_BIN]: 'dist/emulator/cli.js' });
      expect(Object.keys(result.names)).toEqual(Object.keys(rootManifest.exports));
      expect(result.names['.']).toContain('MiAccountStrategy');
      expect(result.names['./emulator']).toEqual(expect.arrayContaining(['startMiAccountEmulator', 'DEMO_CLIENT']));
      expect(Object.entries(result.names).filter(([, names]) => names.length === 0)).toEqual([]);
    });

    it('import works from an .mjs file, for the main entry and every subpath; the same classes as require', async () => {
      writeFileSync(path.join(projects[kind], 'check.mjs'), IMPORT_CHECK);
      const result = JSON.parse(await run(process.execPath, ['check.mjs'], projects[kind])) as {
        strategy: string;
        same: boolean;
        names: Record<string, string[]>;
      };
      expect(result).toMatchObject({ strategy: 'function', same: true });
      const required = JSON.parse(await run(process.execPath, ['-e', REQUIRE_CHECK], projects[kind])) as {
        names: Record<string, string[]>;
      };
      const { ['./package.json']: _json, ...requiredNames } = required.names;
      expect(result.names).toEqual(requiredNames);
    });

    it(`npx ${EMULATOR_BIN} starts the emulator and prints the lines to paste`, async () => {
      expect(readFileSync(path.join(installed(), 'dist/emulator/cli.js'), 'utf8').split('\n')[0]).toBe(
        '#!/usr/bin/env node',
      );
      const { demo } = JSON.parse(await run(process.execPath, ['-e', REQUIRE_CHECK], projects[kind])) as {
        demo: { clientID: string; clientSecret: string };
      };
      const { lines, status } = await runEmulatorBin(projects[kind]);
      const url = /^Mi Account emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(lines[0] ?? '');
      expect(url).not.toBeNull();
      const credentials = `MI_CLIENT_ID=${demo.clientID} MI_CLIENT_SECRET=${demo.clientSecret}`;
      expect(lines).toContain(`MI_ACCOUNT_EMULATOR_HOST=127.0.0.1:${url![2]!} ${credentials}`);
      // No example app in an installed copy: no line to start one.
      expect(lines.join('\n')).not.toContain('npm start');
      expect(status).toBeLessThan(500); // it was serving
    }, 90_000);
  });

  describe("from git: the README's Quick start, run as written in the project", () => {
    const dir = () => projects.git;
    // The README that came with the installed package: the same commit as its code.
    const readme = () => path.join(dir(), 'node_modules', rootManifest.name, 'README.md');
    let installs: ReturnType<typeof readmeInstalls>;
    let port: number;
    let emulator: Started | undefined;
    let app: Started | undefined;
    let pasteLine = '';

    beforeAll(async () => {
      installs = readmeInstalls(readFileSync(readme(), 'utf8'));
      await run('npm', [...NPM_INSTALL, ...installs.dependencies], dir(), 300_000);
      // tsc and node stand in for `npx tsx app.ts`, as in test/package/readme-quick-start.test.ts: no tsx.
      const tools = installs.devDependencies.filter((name) => name !== 'tsx');
      await run('npm', [...NPM_INSTALL, '-D', ...tools], dir(), 300_000);
      // The project's package.json has no "type" (as `npm init` writes it): CommonJS.
      writeFileSync(
        path.join(dir(), 'tsconfig.json'),
        JSON.stringify({ compilerOptions: tsconfigOptions('cjs'), files: ['app.ts'] }, null, 2),
      );
      writeFileSync(path.join(dir(), 'app.ts'), quickStartBlock(readme()).code);
      port = await freePort();
      emulator = startEmulatorBin(dir(), [`http://localhost:${port}/`]);
      pasteLine = await waitForPasteLine(emulator);
    }, 660_000);

    afterAll(async () => {
      await Promise.all([app, emulator].map((started) => stop(started)));
    });

    it('the README names what to install: express, express-session and passport; typescript to compile app.ts', () => {
      expect(installs.dependencies).toEqual(expect.arrayContaining(['express', 'express-session', 'passport']));
      expect(installs.devDependencies).toContain('typescript');
    });

    it("app.ts, the Quick start verbatim, compiles with the project's own tsc (npx tsc; tsc --init options)", async () => {
      // --no: the project's TypeScript, never the registry's unrelated package named "tsc"; --: else npx takes
      // `--no tsc` for an option and its value, and -p for its own --package.
      const result = await exec('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.json'], {
        cwd: dir(),
        env,
        timeout: 120_000,
      }).then(
        ({ stdout }) => stdout,
        (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
      expect(locateTscOutput(result, quickStartBlock(readme()))).toBe('');
      expect(existsSync(path.join(dir(), 'app.js'))).toBe(true);
    }, 150_000);

    it(`npx ${EMULATOR_BIN}, the app with its line to paste: logging in as ${PRESELECTED_USER.nickname} greets them`, async () => {
      if (!existsSync(path.join(dir(), 'app.js'))) throw new Error('app.js is missing: app.ts did not compile');
      app = startApp(dir(), pasteLine, port);
      const home = `http://localhost:${port}/`;
      await waitForHttp(app, home);
      await expectLoginGreetsUser(home, pastedVariables(pasteLine).MI_ACCOUNT_EMULATOR_HOST!);
    }, 60_000);
  });
});
