import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { ROOT, serverInternals } from './support';

const SERVER = join(ROOT, 'example-app', 'server.js');
const STRONG_SECRET = randomBytes(32).toString('base64url');

interface Started {
  child: ChildProcess;
  url: string;
  port: number;
  output: () => string;
}

/** The environment of `NODE_ENV=production node example-app/server.js`: nothing inherited but PATH. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', ...extra };
}

/** Starts the example app in its own process; resolves with its URL once the whole banner is printed. */
function startProduction(extra: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [SERVER], { env: productionEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example app did not start:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /example app: (http:\/\/[^\s]+:(\d+))[^]*\n {2}timings: .*\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, port: Number(match[2]), output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example app exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the app expecting it to refuse to start: resolves with its exit code and output. */
function expectRefusal(extra: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: productionEnv({ PORT: '0', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const read = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.includes('example app: http')) child.kill('SIGTERM'); // it started: the refusal failed
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A raw HTTP/1.1 GET, so the Host header (and others) can be anything a client could send. */
function rawGet(port: number, path: string, headers: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`),
    );
    let data = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n', 2);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body });
    });
  });
}

describe('example app started with NODE_ENV=production', () => {
  describe('refuses to start without a strong SESSION_SECRET, saying how to make one', () => {
    it.each([
      ['SESSION_SECRET unset', {}],
      ['SESSION_SECRET=x', { SESSION_SECRET: 'x' }],
      ['32 spaces', { SESSION_SECRET: ' '.repeat(32) }],
      ['one repeated character', { SESSION_SECRET: 'a'.repeat(64) }],
      ['a repeated word', { SESSION_SECRET: 'passwordpasswordpasswordpassword' }],
      ['a short random value', { SESSION_SECRET: randomBytes(12).toString('base64url') }],
    ])('%s', async (_name, env: Record<string, string>) => {
      const { code, output } = await expectRefusal(env);
      expect(code).not.toBe(0);
      expect(output).toContain('SESSION_SECRET');
      expect(output).toContain("randomBytes(32).toString('base64url')");
      expect(output).not.toContain('example app: http');
      if ((env.SESSION_SECRET?.trim().length ?? 0) >= 8) expect(output).not.toContain(env.SESSION_SECRET);
    });
  });

  describe('refuses to start with sessions in memory unless told to, saying how to choose', () => {
    it('without REDIS_URL or ALLOW_MEMORY_SESSIONS=1', async () => {
      const { code, output } = await expectRefusal({ SESSION_SECRET: STRONG_SECRET });
      expect(code).not.toBe(0);
      expect(output).toContain('REDIS_URL');
      expect(output).toContain('ALLOW_MEMORY_SESSIONS=1');
      expect(output).toMatch(/memory/i);
      expect(output).not.toContain('example app: http');
    });

    it('naming every setting to change at once (a missing SESSION_SECRET and no REDIS_URL)', async () => {
      const { code, output } = await expectRefusal({});
      expect(code).not.toBe(0);
      expect(output).toContain("randomBytes(32).toString('base64url')");
      expect(output).toContain('ALLOW_MEMORY_SESSIONS=1');
    });
  });

  describe('running', () => {
    let app: Started;
    let registered: string;

    beforeAll(async () => {
      const port = await freePort();
      registered = `https://127.0.0.1:${port}/`;
      app = await startProduction({
        PORT: String(port),
        SESSION_SECRET: STRONG_SECRET,
        MI_REDIRECT_URIS: registered,
        ALLOW_MEMORY_SESSIONS: '1',
      });
    });
    afterAll(() => stop(app.child));

    it('says in its banner that sessions are in memory because ALLOW_MEMORY_SESSIONS=1', () => {
      expect(app.output()).toMatch(/sessions: +in memory \(ALLOW_MEMORY_SESSIONS=1\)/);
    });

    it('sends the session cookie Secure and HSTS behind a TLS-terminating proxy (X-Forwarded-Proto: https)', async () => {
      const response = await fetch(`${app.url}/auth/mi`, {
        headers: { 'x-forwarded-proto': 'https' },
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
        `${registered}auth/mi/callback`,
      );
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('mi-example.sid='));
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    });

    it('sends HSTS on every page', async () => {
      const response = await fetch(`${app.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    });

    const BAD_HOSTS: Array<[string, string, string]> = [
      ['a space in the Host', '/auth/mi', 'Host: exa mple\r\n'],
      ['an unclosed IPv6 bracket', '/auth/mi', 'Host: [::1\r\n'],
      ['a port above 65535', '/auth/mi', 'Host: 127.0.0.1:99999\r\n'],
      ['a slash in the Host', '/auth/mi', 'Host: a/b\r\n'],
      ['an empty Host', '/auth/mi', 'Host: \r\n'],
      ['userinfo in the Host', '/auth/mi', 'Host: 127.0.0.1@evil.example\r\n'],
      ['a Host that is not registered', '/auth/mi', 'Host: evil.example\r\n'],
      ['a malformed Host on the callback', '/auth/mi/callback?code=abc&state=x', 'Host: exa mple\r\n'],
      ['a malformed Host on the home page', '/', 'Host: exa mple\r\n'],
      ['a malformed Host on the error page path', '/login?failed=1', 'Host: [::1\r\n'],
      ['two X-Forwarded-Host values', '/auth/mi', 'Host: 127.0.0.1\r\nX-Forwarded-Host: a.example, b.example\r\n'],
      ['a malformed X-Forwarded-Host', '/auth/mi', 'Host: 127.0.0.1\r\nX-Forwarded-Host: exa mple\r\n'],
      ['a name ending in a number, read as IPv4 by URL parsers', '/auth/mi', 'Host: foo.1\r\n'],
      ['an IPv4 address with an octet above 255', '/auth/mi', 'Host: 999.1.1.1\r\n'],
      ['a shortened IPv4 address that URL parsers rewrite', '/auth/mi', 'Host: 1.2.3\r\n'],
      ['an empty label', '/auth/mi', 'Host: a..b\r\n'],
      ['a 10 KB Host', '/auth/mi', `Host: ${`${'a'.repeat(63)}.`.repeat(160)}example\r\n`],
      ['a name ending in a number on the callback', '/auth/mi/callback?code=abc&state=x', 'Host: foo.1\r\n'],
      ['a name ending in a number in X-Forwarded-Host', '/auth/mi', 'Host: 127.0.0.1\r\nX-Forwarded-Host: foo.1\r\n'],
    ];

    it.each(BAD_HOSTS)('answers %s with a plain 400 page', async (_name, path, headers) => {
      const { status, head, body } = await rawGet(app.port, path, headers);
      expect(status).toBe(400);
      expect(head).toMatch(/content-type: text\/plain/i);
      expect(body).not.toContain(registered);
      expect(body).not.toMatch(/registered|redirect/i);
      expect(serverInternals(body)).toEqual([]);
      expect(body.length).toBeLessThan(200);
    });

    it('logs no stack trace for any of these Hosts', () => {
      expect(app.output()).not.toMatch(/^\s+at /m);
      expect(app.output()).not.toContain('unexpected error');
    });

    it('answers a Mi Account error the user caused (96013 on the callback: status 400) with 400, not 502', async () => {
      const start = await fetch(`${app.url}/auth/mi`, {
        headers: { 'x-forwarded-proto': 'https' },
        redirect: 'manual',
      });
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const cookie = start.headers.getSetCookie()[0]!.split(';')[0]!;
      const response = await fetch(`${app.url}/auth/mi/callback?error=96013&state=${encodeURIComponent(state)}`, {
        headers: { 'x-forwarded-proto': 'https', cookie },
        redirect: 'manual',
      });
      const body = await response.text();
      expect(response.status).toBe(400);
      expect(body).not.toContain(registered);
      expect(serverInternals(body)).toEqual([]);
    });

    it('still serves a well-formed Host', async () => {
      const { status } = await rawGet(app.port, '/', `Host: 127.0.0.1:${app.port}\r\n`);
      expect(status).toBe(200);
    });
  });
});
