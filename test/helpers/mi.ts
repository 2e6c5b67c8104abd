import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator, MiEmulatorClient, MiEmulatorOptions, MiEmulatorUser } from '../../lib/emulator';
import { freePort, startTestApp, TestApp } from './app';
import { UserAgent } from './browserless';
import type { MiAccountStrategyOptions } from '../../lib';

export const CLIENT_ID = '2882303761517383915';
export const CLIENT_SECRET = 'test-app-secret-Zq8x';

export const USERS: MiEmulatorUser[] = [
  {
    id: '1001',
    nickname: 'Alex Chen',
    avatar: 'https://cdn.example/avatar/1001.jpg',
    unionId: 'union-1001',
    phone: '+86 138 0013 8000',
    email: 'alex@example.com',
  },
  { id: '1002', nickname: '雷小米', legacyUserId: 58219736 },
];

/** The test client's credentials and the emulator's endpoints: what every MiAccountStrategy under test is given. */
export function strategyOptionsFor(emulator: MiEmulator) {
  return {
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: '/auth/mi/callback',
    authorizationURL: emulator.authorizationURL,
    tokenURL: emulator.tokenURL,
    openApiURL: emulator.openApiURL,
  };
}

export interface Harness {
  emulator: MiEmulator;
  app: TestApp;
  close(): Promise<void>;
}

/** Starts the emulator and a real Express app whose MiAccountStrategy points at it. */
export async function startHarness(
  strategy: Partial<MiAccountStrategyOptions> = {},
  emulatorOptions: Partial<MiEmulatorOptions> = {},
  client: Partial<MiEmulatorClient> = {},
): Promise<Harness> {
  // The registered redirect URI must carry the app's port, so the port is chosen first.
  const port = await freePort();
  const emulator = await startMiAccountEmulator({
    clients: [
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectURIs: `http://127.0.0.1:${port}/auth`,
        sensitiveScopes: true,
        ...client,
      },
    ],
    users: USERS,
    autoApprove: '1001',
    ...emulatorOptions,
  });
  const app = await startTestApp(
    {
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authorizationURL: emulator.authorizationURL,
      tokenURL: emulator.tokenURL,
      openApiURL: emulator.openApiURL,
      ...strategy,
    },
    port,
  );
  return {
    emulator,
    app,
    close: async () => {
      await app.close();
      await emulator.close();
    },
  };
}

/** Runs one login in a fresh cookie jar; returns the last response (the profile JSON on success). */
export async function login(
  app: TestApp,
  path = '/auth/mi',
): Promise<{ final: Response; hops: string[]; agent: UserAgent }> {
  const agent = new UserAgent();
  const { final, hops } = await agent.follow(app.url + path);
  return { final, hops, agent };
}

/** Runs `times` logins one after another; returns how many ended on the profile (the transport tests' measure). */
export async function countLogins(app: TestApp, times: number): Promise<number> {
  let completed = 0;
  for (let i = 0; i < times; i += 1) {
    const { final } = await login(app);
    if (final.status === 200) completed += 1;
    await final.arrayBuffer();
  }
  return completed;
}

/** Starts a login and answers the emulator's consent form as the given user. */
export async function loginAs(
  app: TestApp,
  userId: string,
  decision: 'approve' | 'deny' = 'approve',
  path = '/auth/mi',
): Promise<Response> {
  const agent = new UserAgent();
  const start = await agent.get(app.url + path);
  const authorize = new URL(start.headers.get('location')!);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user', userId);
  form.set('decision', decision);
  const consent = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const callback = consent.headers.get('location');
  if (!callback) throw new Error(`consent POST answered ${consent.status} without a redirect`);
  return (await agent.follow(callback)).final;
}
