import { createHmac, randomBytes } from 'node:crypto';
import type { MiEmulator } from '../../lib/emulator';
import type { CookieStateStoreOptions } from '../../lib';
import {
  deliver,
  startLogin,
  startPublicCallbackEmulator,
  startStateApp,
  type CallbackAnswer,
  type StateApp,
} from '../helpers/state-app';

const SHARED_SECRET = randomBytes(32).toString('base64url');

/** `name=value` of a cookie as the browser sends it, split into its name and the three dot-separated parts. */
function parts(cookie: string): { name: string; state: string; expires: string; signature: string } {
  const [name, value] = cookie.split('=') as [string, string];
  const [state, expires, signature] = value.split('.') as [string, string, string];
  return { name, state, expires, signature };
}

/** The callback path with its `state` parameter replaced. */
function withState(callback: string, state: string): string {
  const url = new URL(callback, 'http://callback.invalid');
  url.searchParams.set('state', state);
  return url.pathname + url.search;
}

describe('the CookieStateStore signature binds the whole cookie and the store it belongs to', () => {
  let emulator: MiEmulator;
  let callbackURL: string;
  const apps: StateApp[] = [];

  beforeAll(async () => {
    ({ emulator, callbackURL } = await startPublicCallbackEmulator());
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.stats.reset());

  async function app(options: Partial<CookieStateStoreOptions> = {}): Promise<StateApp> {
    const started = await startStateApp(emulator, callbackURL, { secret: SHARED_SECRET, secure: false, ...options });
    apps.push(started);
    return started;
  }

  /** Delivers the callback and expects a 403 state failure with `why`, before any token request. */
  async function expectRefused(target: StateApp, callback: string, cookie: string, why: RegExp): Promise<void> {
    const response = await deliver(target, callback, cookie);
    const body = (await response.json()) as CallbackAnswer;
    expect({ status: response.status, message: body.message }).toEqual({
      status: 403,
      message: expect.stringMatching(why),
    });
    expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
  }

  it('completes a normal login', async () => {
    const mi = await app();
    const login = await startLogin(mi);
    const response = await deliver(mi, login.callback, login.cookie);
    expect(response.status).toBe(200);
    expect(((await response.json()) as CallbackAnswer).user).toEqual({ name: 'Alex Chen' });
  });

  it('refuses a cookie minted by a store with another cookie name but the same secret', async () => {
    const partner = await app({ cookieName: 'partner_state' });
    const mi = await app();
    const login = await startLogin(partner);
    const { state, expires, signature } = parts(login.cookie);
    await expectRefused(mi, login.callback, `mi_oauth_state=${state}.${expires}.${signature}`, /signature/);
  });

  it('refuses a cookie signed with the same secret over the bare value, as a generic signed cookie would be', async () => {
    const mi = await app();
    const login = await startLogin(mi);
    const { name, state, expires } = parts(login.cookie);
    const generic = createHmac('sha256', SHARED_SECRET).update(`${state}.${expires}`).digest('base64url');
    await expectRefused(mi, login.callback, `${name}=${state}.${expires}.${generic}`, /signature/);
  });

  it.each([
    ['an extra fourth part', (c: string) => `${c}.extra`],
    ['an empty fourth part', (c: string) => `${c}.`],
  ])('refuses a genuine cookie with %s', async (_name, alter) => {
    const mi = await app();
    const login = await startLogin(mi);
    await expectRefused(mi, login.callback, alter(login.cookie), /malformed/);
  });

  it.each([
    ['leading zeros', (expires: string) => `00${expires}`],
    ['a plus sign', (expires: string) => `+${expires}`],
    ['hexadecimal digits', (expires: string) => `0x${Number(expires).toString(16)}`],
  ])('refuses a genuine cookie whose expiry is rewritten with %s (the same number)', async (_name, rewrite) => {
    const mi = await app();
    const login = await startLogin(mi);
    const { name, state, expires, signature } = parts(login.cookie);
    await expectRefused(mi, login.callback, `${name}=${state}.${rewrite(expires)}.${signature}`, /malformed/);
  });

  it('refuses a genuine cookie whose state was changed, even when the callback carries the changed state', async () => {
    const mi = await app();
    const login = await startLogin(mi);
    const { name, state, expires, signature } = parts(login.cookie);
    const tampered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
    const cookie = `${name}=${tampered}.${expires}.${signature}`;
    await expectRefused(mi, withState(login.callback, tampered), cookie, /signature/);
  });

  it('refuses a genuine cookie whose expiry was pushed into the future', async () => {
    const mi = await app();
    const login = await startLogin(mi);
    const { name, state, expires, signature } = parts(login.cookie);
    const later = String(Number(expires) + 3_600_000);
    await expectRefused(mi, login.callback, `${name}=${state}.${later}.${signature}`, /signature/);
  });

  it('still accepts a cookie of another instance with the same secret and cookie name (one app, several instances)', async () => {
    const first = await app();
    const second = await app();
    const login = await startLogin(first);
    expect((await deliver(second, login.callback, login.cookie)).status).toBe(200);
  });
});
