import { setMaxListeners } from 'node:events';
import { Agent, get as httpGet } from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startExample, type RunningExample } from '../../example-app/server';
import { DEMO_USERS } from '../../lib/emulator';
import '../e2e/support'; // fails with "run npm run build first" when dist/ is missing

/** A positive integer from the environment, or the default. */
function envInt(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new TypeError(`${name} must be a positive integer, got "${text}"`);
  return Number(text);
}

const LOGINS = envInt('LOAD_LOGINS', 1000);
/** Logins in flight at once; default all of them. */
const CONCURRENCY = Math.min(envInt('LOAD_CONCURRENCY', LOGINS), LOGINS);
const TIME_LIMIT_MS = envInt('LOAD_TIME_LIMIT_S', 60) * 1000;
const USER = DEMO_USERS[0]!;

interface LoadResult {
  latenciesMs: number[];
  failures: string[];
  totalMs: number;
}

interface Answer {
  status: number;
  location: string | undefined;
  /** name=value of the session cookie the answer sets, if any. */
  sessionCookie: string | undefined;
  body: string;
}

/**
 * A bare GET over node:http: client and server share one process here, so the lightest client leaves the most
 * CPU to the app and the emulator (fetch costs about twice as much per request).
 */
function get(agent: Agent, url: string, signal: AbortSignal, cookie?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent, signal, headers: cookie ? { cookie } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const setCookie = (response.headers['set-cookie'] ?? []).find((line) => line.startsWith('mi-example.sid='));
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location,
          sessionCookie: setCookie?.split(';')[0],
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.on('error', reject);
  });
}

function redirectOf(answer: Answer, step: string): string {
  if (answer.status !== 302 || !answer.location) throw new Error(`${step}: expected a 302, got ${answer.status}`);
  return answer.location;
}

function cookieOf(answer: Answer, step: string): string {
  if (!answer.sessionCookie) throw new Error(`${step}: no session cookie`);
  return answer.sessionCookie;
}

/** One browser's login: app → emulator (auto-approve) → app callback → /profile. Returns its duration. */
async function login(agent: Agent, baseURL: string, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  const start = await get(agent, `${baseURL}/auth/mi`, signal);
  const authorizeURL = redirectOf(start, 'GET /auth/mi');
  const callbackURL = redirectOf(await get(agent, authorizeURL, signal), 'GET /oauth2/authorize');
  const callback = await get(agent, callbackURL, signal, cookieOf(start, 'GET /auth/mi'));
  const next = redirectOf(callback, 'GET /auth/mi/callback');
  if (next !== '/profile') throw new Error(`GET /auth/mi/callback: redirected to ${next}, not /profile`);
  const profile = await get(agent, `${baseURL}/profile`, signal, cookieOf(callback, 'GET /auth/mi/callback'));
  if (profile.status !== 200 || !profile.body.includes(`<h1 id="nickname">${USER.nickname}</h1>`))
    throw new Error(`GET /profile: status ${profile.status} without the user's nickname`);
  return performance.now() - started;
}

/** Runs `count` logins, at most `concurrency` at a time, all aborted at the time limit. */
async function runLogins(baseURL: string, count: number, concurrency: number): Promise<LoadResult> {
  const deadline = new AbortController();
  // Every request in flight listens on this one signal: a thousand at once is expected, not a leak.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(new Error(`time limit of ${TIME_LIMIT_MS} ms reached`)), TIME_LIMIT_MS);
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  // One keep-alive pool for all simulated browsers: connections are reused as a browser would reuse its own.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      try {
        latenciesMs.push(await login(agent, baseURL, deadline.signal));
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
  return { latenciesMs, failures, totalMs: performance.now() - started };
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function table(result: LoadResult): string {
  const sorted = [...result.latenciesMs].sort((x, y) => x - y);
  const ms = (value: number) => value.toFixed(1);
  const rows: Array<[string, string]> = [
    ['logins', String(LOGINS)],
    ['concurrency', String(CONCURRENCY)],
    ['failures', String(result.failures.length)],
    ['total time', `${(result.totalMs / 1000).toFixed(2)} s`],
    ['logins/s', (result.latenciesMs.length / (result.totalMs / 1000)).toFixed(0)],
    ['p50', `${ms(percentile(sorted, 50))} ms`],
    ['p95', `${ms(percentile(sorted, 95))} ms`],
    ['p99', `${ms(percentile(sorted, 99))} ms`],
    ['max', `${ms(sorted[sorted.length - 1] ?? NaN)} ms`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const rule = `+-${'-'.repeat(width)}-+-${'-'.repeat(valueWidth)}-+`;
  const lines = rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value.padStart(valueWidth)} |`);
  return [
    '',
    `Load: logins through the example app and its emulator on loopback (Node ${process.version}, ${availableParallelism()} CPUs)`,
    rule,
    ...lines,
    rule,
    // Why p99 of an all-at-once start is about the total time (libuv/libuv#3696).
    'Latency includes the wait to be accepted: Node accepts one new connection per event-loop turn.',
    '',
  ].join('\n');
}

describe(`load: ${LOGINS} logins through the example app, ${CONCURRENCY} at a time, within ${TIME_LIMIT_MS / 1000} s`, () => {
  let example: RunningExample;
  const serverLog: string[] = [];

  beforeAll(async () => {
    example = await startExample({
      port: 0,
      host: '127.0.0.1',
      env: { SESSION_SECRET: 'load-test-secret' },
      log: () => undefined,
      warn: (...args) => serverLog.push(args.map(String).join(' ')),
      emulatorOptions: { autoApprove: USER.id },
    });
  });
  afterAll(() => example?.close());

  it(
    'completes every login with zero failures, one code exchange each, in time',
    async () => {
      const result = await runLogins(example.url, LOGINS, CONCURRENCY);
      // Straight to stdout: the table is the point of npm run test:load, not a console.log with a stack frame.
      process.stdout.write(table(result));

      expect({ failures: result.failures.length, first: result.failures.slice(0, 5) }).toEqual({
        failures: 0,
        first: [],
      });
      expect(result.latenciesMs).toHaveLength(LOGINS);
      expect(result.totalMs).toBeLessThan(TIME_LIMIT_MS);
      expect(example.emulator!.stats.requests['/oauth2/token']).toBe(LOGINS);
      expect(serverLog).toEqual([]);
    },
    TIME_LIMIT_MS + 30_000,
  );
});
