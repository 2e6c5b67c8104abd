import { randomBytes } from 'node:crypto';
import { CookieStateStore } from '../../lib';
import type { MiEmulator } from '../../lib/emulator';
import {
  deliver,
  startLogin,
  startPublicCallbackEmulator,
  startStateApp,
  type CallbackAnswer,
  type StateApp,
} from '../helpers/state-app';

const KEY_1 = randomBytes(32).toString('base64url');
const KEY_2 = randomBytes(32).toString('base64url');

const WEAK_KEYS: Array<[string, string | string[]]> = [
  ['32 spaces', ' '.repeat(32)],
  ['one repeated character', 'a'.repeat(48)],
  ['64 zeros', '0'.repeat(64)],
  ['two repeated characters', `${'a'.repeat(16)}${'b'.repeat(16)}`],
  ['the alphabet in order', 'abcdefghijklmnopqrstuvwxyz012345'],
  ['counting digits', '12345678901234567890123456789012'],
  ['a repeated word', 'passwordpasswordpasswordpassword'],
  ['a repeated phrase', 'changeme-changeme-changeme-change'],
  ['a random half key repeated', `${'9f86d081884c7d65'}${'9f86d081884c7d65'}`],
  ['a short random key', randomBytes(12).toString('base64url')],
  ['a weak key in a rotation list', [KEY_1, ' '.repeat(32)]],
];

describe('CookieStateStore keys', () => {
  it.each(WEAK_KEYS)('refuses %s, saying how to generate a key', (_name, secret) => {
    expect(() => new CookieStateStore({ secret })).toThrow(/randomBytes\(32\)\.toString\('base64url'\)/);
  });

  it('never shows the key in its refusal', () => {
    const weak = 'my-password-my-password-my-password';
    expect(() => new CookieStateStore({ secret: weak })).toThrow(/repeats a 12-character pattern/);
    try {
      new CookieStateStore({ secret: weak });
    } catch (err) {
      expect((err as Error).message).not.toContain('my-password');
    }
  });

  it.each([
    ['base64url of 32 random bytes', () => randomBytes(32).toString('base64url')],
    ['hex of 32 random bytes', () => randomBytes(32).toString('hex')],
    ['hex of 16 random bytes', () => randomBytes(16).toString('hex')],
    ['base64 of 24 random bytes', () => randomBytes(24).toString('base64')],
  ])('accepts every one of 200 random keys: %s', (_name, generate) => {
    for (let i = 0; i < 200; i += 1) expect(() => new CookieStateStore({ secret: generate() })).not.toThrow();
  });
});

describe('CookieStateStore over HTTP', () => {
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

  async function instance(options: Partial<ConstructorParameters<typeof CookieStateStore>[0]> = {}) {
    const app = await startStateApp(emulator, callbackURL, { secret: KEY_1, secure: false, ...options });
    apps.push(app);
    return app;
  }

  describe('key rotation', () => {
    it('completes a login signed with the old key on an instance that lists the new key first', async () => {
      const old = await instance({ secret: KEY_1 });
      const rotated = await instance({ secret: [KEY_2, KEY_1] });
      const login = await startLogin(old);
      const response = await deliver(rotated, login.callback, login.cookie);
      expect(response.status).toBe(200);
      expect(((await response.json()) as CallbackAnswer).user).toEqual({ name: 'Alex Chen' });
    });

    it('signs new logins with the first key of the list', async () => {
      const rotated = await instance({ secret: [KEY_2, KEY_1] });
      const onlyNew = await instance({ secret: KEY_2 });
      const login = await startLogin(rotated);
      expect((await deliver(onlyNew, login.callback, login.cookie)).status).toBe(200);
    });

    it('refuses a cookie signed with a key that was dropped from the list', async () => {
      const old = await instance({ secret: KEY_1 });
      const onlyNew = await instance({ secret: [KEY_2] });
      const login = await startLogin(old);
      const response = await deliver(onlyNew, login.callback, login.cookie);
      expect(response.status).toBe(403);
      expect(((await response.json()) as CallbackAnswer).message).toMatch(/signature does not verify/);
      expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
    });
  });

  describe('used states', () => {
    it('forgets used states once their lifetime is over', async () => {
      const app = await instance({ maxAgeMs: 1500 });
      for (let i = 0; i < 20; i += 1) {
        const login = await startLogin(app);
        expect((await deliver(app, login.callback, login.cookie)).status).toBe(200);
      }
      expect(app.store.usedStateCount).toBe(20);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(app.store.usedStateCount).toBe(0);
    });

    it('remembers at most maxUsedStates, and still refuses a replay of a recent one', async () => {
      const app = await instance({ maxUsedStates: 10 });
      let last = await startLogin(app);
      for (let i = 0; i < 30; i += 1) {
        last = await startLogin(app);
        expect((await deliver(app, last.callback, last.cookie)).status).toBe(200);
      }
      expect(app.store.usedStateCount).toBe(10);
      emulator.stats.reset();
      const replay = await deliver(app, last.callback, last.cookie);
      expect(replay.status).toBe(403);
      expect(((await replay.json()) as CallbackAnswer).message).toMatch(/already used/);
      expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
    });
  });

  describe('__Host- prefix', () => {
    it('names a Secure cookie __Host-…, with Path=/ and no Domain, and reads it back', async () => {
      const app = await instance({ secure: true });
      const start = await fetch(`${app.url}/auth/start`, { redirect: 'manual' });
      const setCookie = start.headers.getSetCookie()[0]!;
      expect(setCookie).toMatch(
        /^__Host-mi_oauth_state=[\w-]+\.\d+\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
      );
      const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const target = new URL(authorize.headers.get('location')!);
      const response = await deliver(app, target.pathname + target.search, setCookie.split(';')[0]!);
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-mi_oauth_state=; Path=\/; Max-Age=0;.*; Secure$/);
    });

    it('ignores a cookie without the prefix (one a sibling subdomain or plain http could set)', async () => {
      const app = await instance({ secure: true });
      const attacker = await startLogin(app);
      const planted = attacker.cookie.replace(/^__Host-/, '');
      const response = await deliver(app, attacker.callback, planted);
      expect(response.status).toBe(403);
      expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
    });

    it('refuses a Secure cookie with a path other than /', () => {
      expect(() => new CookieStateStore({ secret: KEY_1, path: '/auth' })).toThrow(
        /__Host- prefix, which requires path "\/"/,
      );
      expect(() => new CookieStateStore({ secret: KEY_1, path: '/auth', secure: false })).not.toThrow();
    });
  });

  describe('duplicate state cookies', () => {
    // Login CSRF by cookie tossing: the attacker starts a login, plants their signed cookie beside the victim's,
    // and sends the victim to the attacker's callback.
    it.each([
      ['planted before the victim’s', (planted: string, own: string) => `${planted}; ${own}`],
      ['planted after the victim’s', (planted: string, own: string) => `${own}; ${planted}`],
      ['planted twice', (planted: string) => `${planted}; ${planted}`],
      ['planted between other cookies', (planted: string, own: string) => `a=1; ${planted}; b=2; ${own}; c=3`],
    ])('refuses a callback that carries the state cookie twice: %s', async (_name, header) => {
      const app = await instance();
      const attacker = await startLogin(app);
      const victim = await startLogin(app);
      emulator.stats.reset();
      const response = await deliver(app, attacker.callback, header(attacker.cookie, victim.cookie));
      expect(response.status).toBe(403);
      expect(((await response.json()) as CallbackAnswer).message).toMatch(/more than once/);
      expect(emulator.stats.requests['/oauth2/token'] ?? 0).toBe(0);
    });

    it('still accepts the one genuine cookie among other cookies', async () => {
      const app = await instance();
      const login = await startLogin(app);
      expect((await deliver(app, login.callback, `a=1; ${login.cookie}; mi_oauth_state_x=2`)).status).toBe(200);
    });
  });
});
