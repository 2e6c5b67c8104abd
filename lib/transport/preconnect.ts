import type * as http from 'node:http';
import { chooseAgent } from './agents';
import { parseEndpoint, type Endpoint } from './endpoint';
import { connectionsAhead, PRECONNECT_TIMEOUT_MS, ROTATION_WINDOW_MS, type ConnectionsAhead } from './warm-agent';
import { traceRequest } from '../observability/trace';

export { PRECONNECT_TIMEOUT_MS, ROTATION_WINDOW_MS };

/** Pre-connects handshaking at once, across every client of the process: a flood of logins cannot open more. */
export const MAX_PRECONNECTS_IN_FLIGHT = 16;
/** An idle pooled connection counts as ready for a callback only when it stays open at least this long. */
export const CONSENT_HORIZON_MS = 10_000;
/** While a code is exchanged, a pooled connection is ready for the profile step when it stays open this long. */
export const PROFILE_HORIZON_MS = 2_000;
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

let inFlight = 0;
// Per agent and origin (`protocol//host`), failed rounds in a row and when pre-connecting may start again.
const backoffs = new WeakMap<ConnectionsAhead, Map<string, { failures: number; until: number }>>();
// Parsed endpoints per client, and how many Open API calls its profile step makes in parallel.
const endpoints = new WeakMap<PreconnectClient, { token: Endpoint | undefined; openApi: Endpoint | undefined }>();
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
 * Opens (and TLS-handshakes) up to `connections` connections per origin ahead of the requests, counting as already
 * there the idle pooled ones that stay open past `horizonMs` or are in rotation ({@link ROTATION_WINDOW_MS}), the busy
 * ones and those opened ahead (handshaking or idle). Only the library's own kind of agent is filled (lib/warm-agent,
 * with keep-alive): not a caller's other agent, nor an environment proxy's. Never throws; a failed connection is
 * only published on the request tracing channel, and opens no other to its host for a while
 * ({@link PRECONNECT_BACKOFF_MS}).
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
      const key = originOf(want.endpoint);
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
  const ahead = connectionsAhead(chosen.agent);
  if (chosen.proxy || !ahead?.usable || ahead.protocol !== endpoint.protocol) return;
  if (performance.now() < (backoffs.get(ahead)?.get(originOf(endpoint))?.until ?? 0)) return;
  const { ready, room } = ahead.count(endpoint, horizonMs, want.connections);
  let missing = Math.min(want.connections - ready, room);
  while (missing > 0 && inFlight < MAX_PRECONNECTS_IN_FLIGHT) {
    missing -= 1;
    open(ahead, endpoint);
  }
}

function open(ahead: ConnectionsAhead, endpoint: Endpoint): void {
  inFlight += 1;
  const origin = originOf(endpoint);
  const call = { step: 'preconnect', method: 'CONNECT', host: endpoint.host, endpoint: '' } as const;
  ahead
    .open(endpoint)
    .finally(() => (inFlight -= 1))
    .then(
      (socket) => {
        backoffs.get(ahead)?.delete(origin);
        // A host that completes the handshake, then resets the idle connection at once, is failing all the same.
        const openedAt = performance.now();
        socket.once('close', (hadError) => {
          if (hadError && performance.now() - openedAt < ROTATION_WINDOW_MS) backOff(ahead, origin);
        });
      },
      (err: unknown) => {
        backOff(ahead, origin);
        // Only failures are published: a success has neither status nor error, which subscribers may rely on.
        return traceRequest(call, () => Promise.reject(err));
      },
    )
    .catch(() => undefined);
}

function backOff(ahead: ConnectionsAhead, origin: string): void {
  const now = performance.now();
  const byOrigin = backoffs.get(ahead) ?? new Map<string, { failures: number; until: number }>();
  backoffs.set(ahead, byOrigin);
  const last = byOrigin.get(origin);
  // Pre-connects opened in the same round fail together: the wait grows once per round, not once per socket.
  if (last && now < last.until) return;
  const failures = (last?.failures ?? 0) + 1;
  const wait = Math.min(PRECONNECT_BACKOFF_MS * 2 ** (failures - 1), PRECONNECT_BACKOFF_MAX_MS);
  byOrigin.set(origin, { failures, until: now + wait });
}

function originOf(endpoint: Endpoint): string {
  return `${endpoint.protocol}//${endpoint.host}`;
}

function clientEndpoints(client: PreconnectClient): { token: Endpoint | undefined; openApi: Endpoint | undefined } {
  let parsed = endpoints.get(client);
  if (!parsed) {
    parsed = { token: parseEndpoint(client.tokenURL), openApi: parseEndpoint(client.openApiURL) };
    endpoints.set(client, parsed);
  }
  return parsed;
}
