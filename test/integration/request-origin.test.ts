import * as http from 'node:http';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { MiAccountError, MiAccountStrategy } from '../../lib';
import type { MiAccountStrategyOptions } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';
import { listenOnLoopback, type Listening } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, strategyOptionsFor, USERS } from '../helpers/mi';

// The longest usable host: a 253-character DNS name and a port.
const LONGEST_NAME = `${'a'.repeat(63)}.`.repeat(3) + 'b'.repeat(61);

/** Host values a client (or a proxy in front of the app) can send that name no usable origin. */
const HOSTILE_HOSTS: Array<[string, string]> = [
  ['a numeric last label', 'foo.1'],
  ['an IPv4 address out of range', '999.1.1.1'],
  ['a space', 'a b'],
  ['an unclosed IPv6 literal', '[::1'],
  ['a port above 65535', 'x:99999'],
  ['a shortened IPv4 address that URL rewrites (1.2.0.3)', '1.2.3'],
  ['a hexadecimal IPv4 address that URL rewrites (127.0.0.1)', '0x7f.1'],
  ['a 10 KB host', 'a'.repeat(10 * 1024)],
  ['a name longer than a DNS name and a port', 'a'.repeat(260)],
  ['userinfo, which URL would read as another host', 'attacker@127.0.0.1'],
  ['a path', '127.0.0.1/evil'],
  ['a query', 'app.example?x=1'],
  ['a fragment', 'app.example#x'],
  ['a backslash', 'app.example\\evil'],
  ['markup', '<img src=x onerror=alert(1)>'],
];

interface Answer {
  status: number;
  location?: string | undefined;
  body: string;
}

/** One GET over node:http (fetch may not set the Host header), with the given request target and headers. */
function get(url: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = http.get({ hostname, port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    request.on('error', reject);
  });
}

describe('a request origin that no URL can be built from is a 400 MiAccountError, never a TypeError', () => {
  let emulator: MiEmulator;
  let app: Listening;
  const errors: unknown[] = [];

  beforeAll(async () => {
    emulator = await startMiAccountEmulator({
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: 'http://app.example.com/auth' }],
      users: USERS,
      autoApprove: '1001',
    });
    const passport = new Passport();
    passport.use(
      new MiAccountStrategy(
        strategyOptionsFor(emulator) as MiAccountStrategyOptions,
        (_a: string, _r: string, _p: object, done: (e: null, u: object) => void) => done(null, {}),
      ),
    );
    const server = express();
    server.set('trust proxy', 'loopback'); // X-Forwarded-Host counts, as behind a reverse proxy
    server.use(session({ secret: 'request-origin-test', resave: false, saveUninitialized: false }));
    server.use(passport.initialize());
    server.get('/auth/mi', passport.authenticate('mi-account'));
    server.get('/auth/mi/callback', passport.authenticate('mi-account'), (_req, res) => res.send('ok'));
    // What an http-errors-style app does: answer with the error's status.
    server.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      const { status = 500, reason } = err as Partial<MiAccountError>;
      res.status(status).json({ name: err.name, reason, message: err.message });
    });
    app = await listenOnLoopback(server);
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });
  beforeEach(() => {
    errors.length = 0;
    emulator.stats.reset();
  });

  /** Expects a 400 answered through the app's error handler with a MiAccountError of reason invalid_argument. */
  function expectBadRequest(answer: Answer, header: string): void {
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      name: 'MiAccountError',
      reason: 'invalid_argument',
      message: expect.stringContaining(`the request's ${header} header`),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MiAccountError);
    expect(errors[0]).toMatchObject({ status: 400, reason: 'invalid_argument', expose: true });
    // The echoed host is clipped and shown in safe characters: a visitor may see the message (4xx, expose).
    const { message } = errors[0] as Error;
    expect(message.length).toBeLessThan(400);
    expect(/header "([^"]*)"/.exec(message)?.[1]).toMatch(/^[\w.:[\]?-]{1,59}…?$/);
  }

  it.each(HOSTILE_HOSTS)('answers the start of a login with Host carrying %s', async (_name, host) => {
    expectBadRequest(await get(app.url, '/auth/mi', { host }), 'Host');
  });

  it.each(HOSTILE_HOSTS)('answers a callback with Host carrying %s, before any token request', async (_name, host) => {
    expectBadRequest(await get(app.url, '/auth/mi/callback?code=abc&state=xyz', { host }), 'Host');
    expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  });

  it.each(HOSTILE_HOSTS)('answers a trusted X-Forwarded-Host carrying %s', async (_name, host) => {
    const answer = await get(app.url, '/auth/mi', { host: 'app.example.com', 'x-forwarded-host': host });
    expectBadRequest(answer, 'X-Forwarded-Host');
  });

  it.each([
    ['a name and port', 'app.example.com:8443', 'http://app.example.com:8443/auth/mi/callback'],
    ['an IPv4 address', '127.0.0.1', 'http://127.0.0.1/auth/mi/callback'],
    ['an IPv6 literal and port', '[::1]:3000', 'http://[::1]:3000/auth/mi/callback'],
    ['upper-case letters', 'App.Example.COM', 'http://app.example.com/auth/mi/callback'],
    ['a 253-character name and a port', `${LONGEST_NAME}:65535`, undefined],
  ])('still starts a login for a Host with %s', async (_name, host, redirectURI) => {
    const answer = await get(app.url, '/auth/mi', { host });
    expect(answer.status).toBe(302);
    const sent = new URL(answer.location!).searchParams.get('redirect_uri');
    expect(sent).toBe(redirectURI ?? `http://${host}/auth/mi/callback`);
    expect(errors).toEqual([]);
  });

  it('resolves the callback against the Host, not an absolute-form request target', async () => {
    const answer = await get(app.url, 'http://other.example/auth/mi', { host: 'app.example.com' });
    expect(answer.status).toBe(302);
    expect(new URL(answer.location!).searchParams.get('redirect_uri')).toBe('http://app.example.com/auth/mi/callback');
    expect(errors).toEqual([]);
  });
});
