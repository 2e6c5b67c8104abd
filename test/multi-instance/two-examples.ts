import { startExample, type RunningExample } from '../../example-app/server';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort } from '../helpers/app';
import { startRedisServer, type RedisServer } from './redis-server';

/** Redis, the emulator and two example-app instances A and B sharing their sessions in that Redis. */
export interface TwoExamples {
  redis: RedisServer;
  emulator: MiEmulator;
  a: RunningExample;
  b: RunningExample;
  /** The callback registered on Mi Account: it points at B. */
  publicCallbackURL: string;
  close(): Promise<void>;
}

/** The setup both Redis multi-instance suites share; stops what it started if a later step fails. */
export async function startTwoExamples(sessionSecret: string, serverLog: string[]): Promise<TwoExamples> {
  let redis: RedisServer | undefined;
  let emulator: MiEmulator | undefined;
  let a: RunningExample | undefined;
  let b: RunningExample | undefined;
  const close = async () => {
    await Promise.all([a?.close(), b?.close()]);
    await emulator?.close();
    await redis?.stop();
  };
  try {
    redis = await startRedisServer();
    // B's port comes first: the public callback (registered on Mi Account) points at B.
    const portB = await freePort();
    const publicCallbackURL = `http://127.0.0.1:${portB}/auth/mi/callback`;
    emulator = await startMiAccountEmulator({
      clients: [{ ...DEMO_CLIENT, redirectURIs: `http://127.0.0.1:${portB}/` }],
      users: DEMO_USERS,
      autoApprove: DEMO_USERS[0]!.id,
    });
    const options = {
      host: '127.0.0.1',
      env: {
        SESSION_SECRET: sessionSecret,
        MI_CALLBACK_URL: publicCallbackURL,
        MI_EMULATOR_URL: emulator.url,
        REDIS_URL: redis.url,
      },
      log: () => undefined,
      warn: (...args: unknown[]) => serverLog.push(args.map(String).join(' ')),
    };
    a = await startExample({ ...options, port: 0 });
    b = await startExample({ ...options, port: portB });
    return { redis, emulator, a, b, publicCallbackURL, close };
  } catch (err) {
    await close();
    throw err;
  }
}
