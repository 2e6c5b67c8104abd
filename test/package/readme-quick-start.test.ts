// The README's Quick start, exactly as a user follows it: its ```ts block, verbatim, saved as app.ts in a fresh
// project that has the package installed (its built dist/, through package.json exports), compiled by tsc under the
// options of `tsc --init` (strict, exactOptionalPropertyTypes…) as CommonJS and as ESM; the emulator started as the
// README says (`npx passport-mi-account-emulator`, with the app's redirect URI in MI_REDIRECT_URIS, as for a port
// other than 3000), the app started with the line the emulator prints to paste, and a login through the emulator's
// consent page as the preselected demo user, ending on the app's page greeting that user by name.
// tsc and node stand in for `npx tsx app.ts`: the same code, the same format (from package.json "type").
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEMO_USERS } from '../../lib/emulator/demo';
import {
  FORMATS,
  ROOT,
  assertBuilt,
  extractBlocks,
  formatManifest,
  linkNodeModules,
  tsconfigOptions,
  type CodeBlock,
  type ModuleFormat,
} from '../docs/blocks';
import { freePort } from '../helpers/app';
import { UserAgent } from '../helpers/browserless';

const exec = promisify(execFile);
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
};
const BIN = 'passport-mi-account-emulator';

/** The first ```ts block under the README's "## Quick start" heading, before the next "## " heading. */
function quickStartBlock(): CodeBlock {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^## Quick start\s*$/i.test(line));
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const next = lines.findIndex((line, index) => index > start && /^## /.test(line));
  const end = next < 0 ? lines.length : next;
  const blanked = lines.map((line, index) => (index > start && index < end ? line : '')).join('\n');
  const block = extractBlocks('README.md', blanked)[0];
  if (!block) throw new Error(`README.md:${start + 1} "## Quick start" has no \`\`\`ts block`);
  return block;
}

/** A process started in its own process group, with what it printed so far. */
interface Started {
  child: ChildProcess;
  output: () => string;
  closed: Promise<number | null>;
}

/**
 * The environment of a user's shell: none of the Quick start's settings inherited from the one running jest, none of
 * the variables `npm test` sets for this repository (npx would look for the bin in this repository), no
 * node_modules/.bin on PATH.
 */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env)
    .filter(([name]) => !/^(MI_|SESSION_SECRET$|PORT$|DEBUG$)/.test(name))
    .filter(([name]) => !/^(npm_(?!config_)|npm_config_(local_prefix|call|yes)$|init_cwd$)/i.test(name))
    .map(([name, value]) =>
      name === 'PATH'
        ? [
            name,
            value
              ?.split(path.delimiter)
              .filter((dir) => !dir.endsWith(`node_modules${path.sep}.bin`))
              .join(path.delimiter),
          ]
        : [name, value],
    );
  return { ...Object.fromEntries(inherited), NODE_ENV: 'development', npm_config_update_notifier: 'false', ...extra };
}

function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  // detached: its own process group, stopped as one in afterAll (npx runs the bin in a shell, which runs node).
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, closed };
}

async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-started.child.pid!, signal);
    } catch {
      // the group has exited already
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 5_000);
  await started.closed;
  clearTimeout(timer);
}

/** Waits for a line of the process's output matching `pattern`; fails when the process exits first. */
async function waitForLine(started: Started, pattern: RegExp, what: string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const line = started
      .output()
      .split('\n')
      .find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: no line matching ${String(pattern)}; its output:\n${started.output()}`);
}

/** Waits until `url` answers; fails with the app's output when it exits or does not listen in time. */
async function waitForHttp(started: Started, url: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) break;
    const answered = await fetch(url, { redirect: 'manual' }).then(
      async (res) => (await res.arrayBuffer(), true),
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer on ${url}; its output:\n${started.output()}`);
}

const unescapeHtml = (text: string): string =>
  text.replace(/&(#\d+|#x[\da-f]+|amp|lt|gt|quot|apos);/gi, (entity, name: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.replace(/^#x/i, '0x').replace(/^#/, '')));
    return named[name.toLowerCase()] ?? entity;
  });

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) found[match[1]!] = unescapeHtml(match[2] ?? '');
  return found;
}

/** What a browser sends when the user presses the form's button `name=value`: its fields, checked radios only. */
function submission(page: string, button: { name: string; value: string }): { action: string; body: URLSearchParams } {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error(`no form on the page:\n${page}`);
  const { method = 'get', action = '' } = attributes(form[1]!);
  if (method.toLowerCase() !== 'post') throw new Error(`the form's method is ${method}, not post`);
  const body = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const field = attributes(input[1]!);
    if (!field.name || ((field.type === 'radio' || field.type === 'checkbox') && !('checked' in field))) continue;
    body.append(field.name, field.value ?? '');
  }
  if (!new RegExp(`<button[^>]*name="${button.name}"[^>]*value="${button.value}"`).test(form[2]!))
    throw new Error(`the form has no button ${button.name}=${button.value}`);
  body.append(button.name, button.value);
  return { action, body };
}

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
    const binFile = manifest.bin[BIN];
    if (!binFile) throw new Error(`package.json has no bin ${BIN}`);
    mkdirSync(path.join(work, 'node_modules', '.bin'));
    writeFileSync(
      path.join(work, 'node_modules', '.bin', BIN),
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
    // README: "On another port, start the emulator with the app's redirect URI registered".
    const redirectURIs = FORMATS.map((format) => `http://localhost:${ports[format]}/`).join(';');
    emulator = start('npx', ['--no', BIN], work, userEnv({ MI_REDIRECT_URIS: redirectURIs, MI_EMULATOR_PORT: '0' }));
    pasteLine = await waitForLine(emulator, /^MI_ACCOUNT_EMULATOR_HOST=/, `npx ${BIN}`);
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
      const located = result.replace(
        /^app\.ts\((\d+),(\d+)\)/gm,
        (_match, line: string, column: string) => `${block.document}:${block.line + Number(line)}:${column}`,
      );
      expect(located).toBe('');
      expect(existsSync(path.join(dir(), 'app.js'))).toBe(true);
    }, 60_000);

    it(`logs in through the emulator's consent page as ${DEMO_USERS[0]!.nickname}; the page greets them by name`, async () => {
      if (!existsSync(path.join(dir(), 'app.js'))) throw new Error('app.js is missing: app.ts did not compile');
      // "put that line in front of the command that starts the app", with PORT: the paste line's variables.
      const pasted = Object.fromEntries(pasteLine.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
      const port = ports[format];
      const app = start(process.execPath, ['app.js'], dir(), userEnv({ ...pasted, PORT: String(port) }));
      apps.push(app);
      const home = `http://localhost:${port}/`;
      await waitForHttp(app, home);

      const agent = new UserAgent();
      const page = await (await agent.get(home)).text();
      const href = /<a\b[^>]*\bhref="([^"]+)"/.exec(page)?.[1];
      expect(href).toBe('/auth/mi');
      const { final: consent, hops } = await agent.follow(new URL(unescapeHtml(href!), home).toString());
      const consentUrl = hops[hops.length - 1]!;
      expect(new URL(consentUrl).host).toBe(pasted.MI_ACCOUNT_EMULATOR_HOST);
      const consentPage = await consent.text();
      expect(consent.status).toBe(200);

      const { action, body } = submission(consentPage, { name: 'decision', value: 'approve' });
      // The preselected demo user is the first one: Alex Morgan.
      expect(body.get('user')).toBe(DEMO_USERS[0]!.id);
      const approved = await fetch(new URL(action, consentUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const callback = approved.headers.get('location');
      expect(approved.status).toBe(302);
      const { final, hops: back } = await agent.follow(new URL(callback!, consentUrl).toString());
      expect(back.map((url) => new URL(url).pathname)).toEqual(['/auth/mi/callback', '/']);
      expect(final.status).toBe(200);
      expect(await final.text()).toContain(`Hello, ${DEMO_USERS[0]!.nickname}!`);
    }, 60_000);
  });
});
