// Running the README's Quick start as a user does, in a project that has the package installed: the emulator from
// `npx passport-mi-account-emulator`, the app started with the line it prints, a login through its consent page.
// Shared by test/package/readme-quick-start.test.ts (the built dist/, linked) and test/consumers/install.test.ts (a
// project that installed the package from a git URL).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DEMO_USERS } from '../../lib/emulator/demo';
import { UserAgent } from './browserless';

export const EMULATOR_BIN = 'passport-mi-account-emulator';

/** The user the emulator's consent page preselects: the first demo user, Alex Morgan. */
export const PRESELECTED_USER = DEMO_USERS[0]!;

/**
 * The environment of a user's shell: none of the Quick start's settings inherited from the one running jest, none of
 * the variables `npm test` sets for this repository (npx would look for the bin in this repository), no
 * node_modules/.bin on PATH.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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

/** A process started in its own process group, with what it printed so far. */
export interface Started {
  child: ChildProcess;
  output: () => string;
  closed: Promise<number | null>;
}

export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  // detached: its own process group, stopped as one (npx runs the bin in a shell, which runs node).
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, closed };
}

/** Stops the process's whole group: SIGTERM, then SIGKILL after 5 s. */
export async function stop(started: Started | undefined): Promise<void> {
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
export async function waitForLine(started: Started, pattern: RegExp, what: string, ms = 30_000): Promise<string> {
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
export async function waitForHttp(started: Started, url: string, ms = 30_000): Promise<void> {
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

/**
 * `npx passport-mi-account-emulator` in `cwd`, with `redirectURIs` registered for the demo app (README: "On another
 * port, start the emulator with the app's redirect URI registered") and a free port of its own.
 */
export function startEmulatorBin(cwd: string, redirectURIs: readonly string[]): Started {
  // --no: never download a package of that name; the project's own bin or nothing.
  const env = userEnv({ MI_REDIRECT_URIS: redirectURIs.join(';'), MI_EMULATOR_PORT: '0' });
  return start('npx', ['--no', EMULATOR_BIN], cwd, env);
}

/** The line the emulator prints to paste in front of the app's command: `MI_ACCOUNT_EMULATOR_HOST=… MI_CLIENT_ID=…`. */
export function waitForPasteLine(emulator: Started): Promise<string> {
  return waitForLine(emulator, /^MI_ACCOUNT_EMULATOR_HOST=/, `npx ${EMULATOR_BIN}`);
}

/** The variables of the paste line. */
export function pastedVariables(pasteLine: string): Record<string, string> {
  return Object.fromEntries(pasteLine.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
}

/** `node app.js` in `dir`, as the README starts the app: the paste line in front, with PORT. */
export function startApp(dir: string, pasteLine: string, port: number): Started {
  return start(process.execPath, ['app.js'], dir, userEnv({ ...pastedVariables(pasteLine), PORT: String(port) }));
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
export function submission(
  page: string,
  button: { name: string; value: string },
): { action: string; body: URLSearchParams } {
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

/**
 * The README's login, step by step, each checked: the app's page links the button to /auth/mi, which leads to the
 * consent page on `emulatorHost`; approving as the preselected user comes back through the callback to a page that
 * greets them by name.
 */
export async function expectLoginGreetsUser(home: string, emulatorHost: string): Promise<void> {
  const agent = new UserAgent();
  const page = await (await agent.get(home)).text();
  const href = /<a\b[^>]*\bhref="([^"]+)"/.exec(page)?.[1];
  expect(href).toBe('/auth/mi');
  const { final: consent, hops } = await agent.follow(new URL(unescapeHtml(href!), home).toString());
  const consentUrl = hops[hops.length - 1]!;
  expect(new URL(consentUrl).host).toBe(emulatorHost);
  const consentPage = await consent.text();
  expect(consent.status).toBe(200);

  const { action, body } = submission(consentPage, { name: 'decision', value: 'approve' });
  expect(body.get('user')).toBe(PRESELECTED_USER.id);
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
  expect(await final.text()).toContain(`Hello, ${PRESELECTED_USER.nickname}!`);
}
