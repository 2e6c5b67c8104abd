import * as http from 'node:http';
import { isIP, type Socket } from 'node:net';
import { chooseAgent, poolName } from './agents';
import { parseEndpoint, type Endpoint } from './http';
import { traceRequest } from '../observability/trace';

/** Pre-connects handshaking at once, across every client of the process: a flood of logins cannot open more. */
export const MAX_PRECONNECTS_IN_FLIGHT = 16;
/** An idle pooled connection counts as ready for a callback only when it stays open at least this long. */
export const CONSENT_HORIZON_MS = 10_000;
/** While a code is exchanged, a pooled connection is ready for the profile step when it stays open this long. */
export const PROFILE_HORIZON_MS = 2_000;
/**
 * A connection freed this recently is in rotation: logins keep reusing it, and every reuse restarts its idle timer,
 * so it is there for a callback however short its idle timeout (pre-connecting anyway would churn connections).
 */
export const ROTATION_WINDOW_MS = 1_000;
/** A pre-connect still handshaking after this long, and not yet taken by a request, is abandoned. */
export const PRECONNECT_TIMEOUT_MS = 10_000;
/**
 * After a pre-connect to a host fails, none is opened to it for this long, doubling with each failed round up to
 * {@link PRECONNECT_BACKOFF_MAX_MS}; one that succeeds starts over. So a host that refuses or resets costs a few
 * connections per window however many logins start.
 */
export const PRECONNECT_BACKOFF_MS = 1_000;
export const PRECONNECT_BACKOFF_MAX_MS = 60_000;

/** What a client offers for pre-connecting: its endpoints and its `agent` option. */
export interface PreconnectClient {
  readonly tokenURL: string;
  readonly openApiURL: string;
  readonly agent: http.Agent | undefined;
}

/** Connections a pre-connect wants to one Mi Account origin. */
interface Want {
  endpoint: Endpoint;
  connections: number;
}

type Pool = http.Agent & {
  createSocket?: unknown;
  connect?: unknown;
  keepAlive?: boolean;
  protocol?: string;
  totalSocketCount: number;
};

let inFlight = 0;
// Handshakes in progress per agent and pool name: they count as connections a login will find.
const handshaking = new WeakMap<http.Agent, Map<string, number>>();
// Per agent and pool name, failed rounds in a row and when pre-connecting may start again.
const backoffs = new WeakMap<http.Agent, Map<string, { failures: number; until: number }>>();
// When each pooled socket last became idle, recorded through the agent's 'free' event.
const idleSince = new WeakMap<Socket, number>();
const watched = new WeakSet<http.Agent>();
// Parsed endpoints per client, and how many Open API calls its profile step makes in parallel.
const endpoints = new WeakMap<PreconnectClient, { token?: Endpoint; openApi?: Endpoint }>();
const profileCalls = new WeakMap<PreconnectClient, number>();

/** The Open API calls a profile step runs in parallel for `scopes`: /user/profile and /user/phoneAndEmail. */
export function parallelProfileCalls(scopes: readonly string[]): number {
  // /user/openidV2 runs only when the token response lacks openId, which Mi Account always sends: not counted.
  return (scopes.includes('1') ? 1 : 0) + (scopes.includes('4') || scopes.includes('6') ? 1 : 0);
}

/** Remembers how many Open API calls `client`'s profile step runs in parallel (used while a code is exchanged). */
export function expectProfileCalls(client: PreconnectClient, calls: number): void {
  profileCalls.set(client, calls);
}

/**
 * The authorization leg: once the redirect is sent (or on the next turn of the event loop), opens a connection to
 * the token host and one per parallel profile call to the Open API host, where the pool has none ready.
 */
export function preconnectLogin(client: PreconnectClient, req: object, calls: number): void {
  expectProfileCalls(client, calls);
  const run = () => {
    const { token, openApi } = clientEndpoints(client);
    preconnect(
      [
        { endpoint: token, connections: 1 },
        { endpoint: openApi, connections: calls },
      ],
      client.agent,
    );
  };
  const res = (req as { res?: http.ServerResponse }).res;
  if (res && typeof res.once === 'function' && res.writableFinished === false) {
    // Only after a redirect: a state store failure answers with an error page and no login follows.
    res.once('finish', () => res.statusCode >= 300 && res.statusCode < 400 && run());
  } else {
    setImmediate(run);
  }
}

/** While a code is exchanged: opens the Open API connections the profile step will need, where the pool has none. */
export function preconnectProfile(client: PreconnectClient): void {
  const calls = profileCalls.get(client) ?? 0;
  if (calls === 0) return;
  preconnect([{ endpoint: clientEndpoints(client).openApi, connections: calls }], client.agent, PROFILE_HORIZON_MS);
}

/**
 * Opens (and TLS-handshakes) up to `connections` sockets per origin into the agent's free pool, counting as already
 * there the idle sockets that stay open past `horizonMs` or are in rotation ({@link ROTATION_WINDOW_MS}), the busy
 * ones and the handshakes in progress. Skips agents it cannot fill (environment proxies, agent-base proxy agents,
 * agents without keep-alive or of the other protocol). Never throws; a failed connection is only published on the
 * request tracing channel, and opens no other to its host for a while ({@link PRECONNECT_BACKOFF_MS}).
 */
export function preconnect(
  wants: ReadonlyArray<Want | { endpoint: undefined; connections: number }>,
  agent?: http.Agent,
  horizonMs = CONSENT_HORIZON_MS,
): void {
  try {
    const merged = new Map<string, Want>();
    for (const want of wants) {
      if (!want.endpoint || want.connections <= 0) continue;
      const key = `${want.endpoint.protocol}//${want.endpoint.host}`;
      const seen = merged.get(key);
      if (seen) seen.connections += want.connections;
      else merged.set(key, { endpoint: want.endpoint, connections: want.connections });
    }
    for (const want of merged.values()) fill(want, agent, horizonMs);
  } catch {
    // A pre-connect is an optimisation: nothing it does may fail a login.
  }
}

function fill(want: Want, agentOption: http.Agent | undefined, horizonMs: number): void {
  const { endpoint } = want;
  const chosen = chooseAgent(endpoint, agentOption);
  const agent = chosen.agent as Pool;
  if (chosen.proxy || !canFill(agent, endpoint)) return;
  watch(agent);
  const { options, name } = poolOf(agent, endpoint);
  const now = performance.now();
  if (now < (backoffs.get(agent)?.get(name)?.until ?? 0)) return;
  const free = agent.freeSockets[name] ?? [];
  let ready = 0;
  // Newest last: counting stops once enough are ready, however many idle sockets the pool keeps.
  for (let i = free.length - 1; i >= 0 && ready < want.connections; i -= 1) {
    if (staysReady(free[i] as Socket, now, horizonMs)) ready += 1;
  }
  const busy = agent.sockets[name]?.length ?? 0;
  const pending = handshaking.get(agent)?.get(name) ?? 0;
  const pooled = busy + free.length;
  let missing = Math.min(want.connections - ready - busy - pending, agent.maxSockets - pooled);
  while (missing > 0 && inFlight < MAX_PRECONNECTS_IN_FLIGHT && agent.totalSocketCount < agent.maxTotalSockets) {
    missing -= 1;
    open(agent, endpoint, options, name);
  }
}

function canFill(agent: Pool, endpoint: Endpoint): boolean {
  return (
    agent instanceof http.Agent &&
    agent.keepAlive === true &&
    agent.protocol === endpoint.protocol &&
    typeof agent.createSocket === 'function' &&
    // agent-base proxy agents (https-proxy-agent…) connect per request and need a real one: not pre-connectable.
    typeof agent.connect !== 'function'
  );
}

// Request options and pool name per endpoint and agent, computed once: fill runs on every login start.
const pools = new WeakMap<Endpoint, WeakMap<http.Agent, { options: http.RequestOptions; name: string }>>();

function poolOf(agent: http.Agent, endpoint: Endpoint): { options: http.RequestOptions; name: string } {
  let byAgent = pools.get(endpoint);
  if (!byAgent) pools.set(endpoint, (byAgent = new WeakMap()));
  let pool = byAgent.get(agent);
  if (!pool) {
    const options = requestOptions(endpoint);
    byAgent.set(agent, (pool = { options, name: poolName(agent, options) }));
  }
  return pool;
}

// The options lib/http sends, so the socket lands in the pool the requests look in (same name, same TLS servername).
function requestOptions(endpoint: Endpoint): http.RequestOptions & { servername: string } {
  const hostname = endpoint.hostname.replace(/^\[|\]$/g, '');
  return {
    protocol: endpoint.protocol,
    hostname,
    host: hostname,
    port: endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80),
    servername: isIP(hostname) ? '' : hostname,
  };
}

function staysReady(socket: Socket, now: number, horizonMs: number): boolean {
  const since = idleSince.get(socket);
  if (since === undefined || socket.destroyed) return false;
  const idle = now - since;
  // No idle timeout: the socket lives until the server closes it, which the pool notices.
  if (!socket.timeout) return true;
  const left = socket.timeout - idle;
  return left >= horizonMs || (idle < ROTATION_WINDOW_MS && left >= ROTATION_WINDOW_MS);
}

function watch(agent: http.Agent): void {
  if (watched.has(agent)) return;
  watched.add(agent);
  // Runs after the agent's own 'free' listener: the socket is in the free pool (or destroyed) by then.
  agent.on('free', (socket: Socket) => idleSince.set(socket, performance.now()));
}

function open(agent: Pool, endpoint: Endpoint, options: http.RequestOptions, name: string): void {
  inFlight += 1;
  const counts = handshaking.get(agent) ?? new Map<string, number>();
  handshaking.set(agent, counts);
  counts.set(name, (counts.get(name) ?? 0) + 1);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    inFlight -= 1;
    const left = (counts.get(name) ?? 1) - 1;
    if (left > 0) counts.set(name, left);
    else counts.delete(name);
  };
  const call = { step: 'preconnect', method: 'CONNECT', host: endpoint.host, endpoint: '' } as const;
  // Only failures are published: a success has neither status nor error, which subscribers may rely on.
  new Promise<void>((resolve, reject) => {
    const stub = { getHeader: () => undefined };
    const created = (err: Error | null, socket?: Socket) => {
      if (err || !socket) {
        finish();
        return reject(err ?? new Error('the agent created no socket'));
      }
      const connected = endpoint.protocol === 'https:' ? 'secureConnect' : 'connect';
      const deadline = setTimeout(() => {
        // Still handshaking and still idle in the pool: give up; a request that took it keeps its own deadline.
        if (agent.freeSockets[name]?.includes(socket)) socket.destroy(new Error('pre-connect timed out'));
      }, PRECONNECT_TIMEOUT_MS);
      deadline.unref();
      const onConnect = () => settle();
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(new Error('the connection closed during the handshake'));
      const settle = (error?: Error) => {
        clearTimeout(deadline);
        socket.off(connected, onConnect).off('error', onError).off('close', onClose);
        finish();
        if (error) {
          backOff(agent, name);
          return reject(error);
        }
        backoffs.get(agent)?.delete(name);
        // A host that completes the handshake, then resets the idle connection at once, is failing all the same.
        const openedAt = performance.now();
        socket.once('close', (hadError) => {
          if (hadError && performance.now() - openedAt < ROTATION_WINDOW_MS) backOff(agent, name);
        });
        resolve();
      };
      socket.once(connected, onConnect).once('error', onError).once('close', onClose);
      // The agent's 'free' path puts it in the pool (or hands it to a queued request) while it still handshakes,
      // so a request arriving mid-handshake takes it instead of opening another connection.
      (socket as Socket & { _httpMessage?: unknown })._httpMessage = { shouldKeepAlive: true };
      socket.emit('free');
    };
    (agent.createSocket as (req: unknown, options: unknown, cb: typeof created) => void).call(
      agent,
      stub,
      { ...options },
      created,
    );
  }).catch((err: unknown) => traceRequest(call, () => Promise.reject(err)).catch(() => undefined));
}

function backOff(agent: http.Agent, name: string): void {
  const now = performance.now();
  const byName = backoffs.get(agent) ?? new Map<string, { failures: number; until: number }>();
  backoffs.set(agent, byName);
  const last = byName.get(name);
  // Pre-connects opened in the same round fail together: the wait grows once per round, not once per socket.
  if (last && now < last.until) return;
  const failures = (last?.failures ?? 0) + 1;
  const wait = Math.min(PRECONNECT_BACKOFF_MS * 2 ** (failures - 1), PRECONNECT_BACKOFF_MAX_MS);
  byName.set(name, { failures, until: now + wait });
}

function clientEndpoints(client: PreconnectClient): { token?: Endpoint; openApi?: Endpoint } {
  let parsed = endpoints.get(client);
  if (!parsed) {
    parsed = { token: parseEndpoint(client.tokenURL), openApi: parseEndpoint(client.openApiURL) };
    endpoints.set(client, parsed);
  }
  return parsed;
}
