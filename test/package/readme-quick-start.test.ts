// The README's Quick start, exactly as a user follows it: its ```ts block, verbatim, saved as app.ts in a fresh
// project that has the package installed (its built dist/, through package.json exports), compiled by tsc under the
// options of `tsc --init` (strict, exactOptionalPropertyTypes…) as CommonJS and as ESM; the emulator started as the
// README says (`npx passport-mi-account-emulator`, with the app's redirect URI in MI_REDIRECT_URIS, as for a port
// other than 3000), the app started with the line the emulator prints to paste, and a login through the emulator's
// consent page as the preselected demo user, ending on the app's page greeting that user by name.
// tsc and node stand in for `npx tsx app.ts`: the same code, the same format (from package.json "type").
// test/consumers/install.test.ts does the same in a project that installed the package from a git URL.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  FORMATS,
  ROOT,
  assertBuilt,
  formatManifest,
  linkNodeModules,
  locateTscOutput,
  quickStartBlock,
  tsconfigOptions,
  type ModuleFormat,
} from '../docs/blocks';
import { freePort } from '../helpers/app';
import {
  EMULATOR_BIN,
  PRESELECTED_USER,
  expectLoginGreetsUser,
  pastedVariables,
  startApp,
  startEmulatorBin,
  stop,
  waitForHttp,
  waitForPasteLine,
  type Started,
} from '../helpers/quick-start';

const exec = promisify(execFile);
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
};

describe("README's Quick start: compiled as written, logging in against the emulator", () => {
  const block = quickStartBlock();
  let work: string;
  const ports = {} as Record<ModuleFormat, number>;
  let emulator: Started | undefined;
  let pasteLine = '';
  const apps: Started[] = [];

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'mi-quick-start-'));
    linkNodeModules(work);
    // As npm links a bin on install: node_modules/.bin/<name> runs the package's "bin" file (a wrapper, as npm writes
    // on Windows: the shared dist/ is not made executable here).
    const binFile = manifest.bin[EMULATOR_BIN];
    if (!binFile) throw new Error(`package.json has no bin ${EMULATOR_BIN}`);
    mkdirSync(path.join(work, 'node_modules', '.bin'));
    writeFileSync(
      path.join(work, 'node_modules', '.bin', EMULATOR_BIN),
      `#!/bin/sh\nexec node "$(dirname "$0")/../${manifest.name}/${binFile}" "$@"\n`,
      { mode: 0o755 },
    );
    for (const format of FORMATS) {
      const dir = path.join(work, format);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'package.json'), formatManifest(format));
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: tsconfigOptions(format), files: ['app.ts'] }, null, 2),
      );
      writeFileSync(path.join(dir, 'app.ts'), block.code);
      ports[format] = await freePort();
    }
    emulator = startEmulatorBin(
      work,
      FORMATS.map((format) => `http://localhost:${ports[format]}/`),
    );
    pasteLine = await waitForPasteLine(emulator);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...apps, emulator].map((started) => stop(started)));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is a complete app in one block: it builds the Express app and listens', () => {
    expect(block.code).toContain("from 'passport-mi-account'");
    expect(block.code).toMatch(/\.listen\(/);
  });

  it('the emulator prints the line to paste: MI_ACCOUNT_EMULATOR_HOST, MI_CLIENT_ID, MI_CLIENT_SECRET', () => {
    expect(pasteLine).toMatch(/^MI_ACCOUNT_EMULATOR_HOST=127\.0\.0\.1:\d+ MI_CLIENT_ID=\S+ MI_CLIENT_SECRET=\S+$/);
  });

  describe.each(FORMATS)('as %s', (format) => {
    const dir = () => path.join(work, format);

    it('compiles as written with tsc (tsc --init options: strict, exactOptionalPropertyTypes…)', async () => {
      const result = await exec(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir() }).then(
        ({ stdout }) => stdout,
        (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
      // app.ts(12,5): error … → README.md:43:5: error …
      const located = locateTscOutput(result, block);
      expect(located).toBe('');
      expect(existsSync(path.join(dir(), 'app.js'))).toBe(true);
    }, 60_000);

    it(`logs in through the emulator's consent page as ${PRESELECTED_USER.nickname}; the page greets them by name`, async () => {
      if (!existsSync(path.join(dir(), 'app.js'))) throw new Error('app.js is missing: app.ts did not compile');
      // "put that line in front of the command that starts the app", with PORT.
      const app = startApp(dir(), pasteLine, ports[format]);
      apps.push(app);
      const home = `http://localhost:${ports[format]}/`;
      await waitForHttp(app, home);
      await expectLoginGreetsUser(home, pastedVariables(pasteLine).MI_ACCOUNT_EMULATOR_HOST!);
    }, 60_000);
  });
});
