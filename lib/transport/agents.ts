import type * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Endpoint } from './endpoint';
import { proxyFor, type EnvProxy } from './proxy-env';
import { ForwardAgent, TunnelAgent } from './proxy-tunnel';
import { connectionsAhead, WarmHttpAgent, WarmHttpsAgent } from './warm-agent';

/**
 * Idle keep-alive sockets close after this long, so a connection opened when a login starts survives a user's 5–30 s
 * on the consent page. A shorter `Keep-Alive: timeout=N` hint from the server wins (Node then closes the socket 1 s
 * before N), a server that closes sooner without saying so is covered by the one retry on a fresh connection
 * (lib/http), and 30 s stays far under the 4–20 min after which NAT gateways drop idle connections silently.
 */
export const FREE_SOCKET_TIMEOUT_MS = 30_000;

/** Connections per Mi Account origin at once; more requests wait in the agent's queue. */
export const MAX_SOCKETS = 256;

const KEEP_ALIVE = {
  keepAlive: true,
  maxSockets: MAX_SOCKETS,
  // As many idle as busy: a burst's connections stay for the next one instead of being closed and reopened.
  maxFreeSockets: MAX_SOCKETS,
  scheduling: 'lifo',
  timeout: FREE_SOCKET_TIMEOUT_MS,
} as const;

// The library's own agents: logins reuse connections to Mi Account without touching the app's global agents, and
// pre-connect opens connections ahead in them (lib/transport/preconnect).
const direct = { 'http:': new WarmHttpAgent(KEEP_ALIVE), 'https:': new WarmHttpsAgent(KEEP_ALIVE) };
// One agent per proxy URL and target protocol, so connections through a proxy are kept alive too.
const proxied = new Map<string, http.Agent>();
const MAX_PROXY_AGENTS = 16;

/** The agent a request goes through, and the proxy from the environment it goes through, if any. */
export interface ChosenAgent {
  agent: http.Agent;
  /** Set when `https_proxy`/`http_proxy`/`ALL_PROXY` applies to this endpoint and `NO_PROXY` does not exclude it. */
  proxy?: EnvProxy;
}

/**
 * Picks the agent for a call to Mi Account: the caller's `agent` option when given; else, when the environment names
 * a proxy for this endpoint by curl's rules (lib/proxy-env), a tunnelling agent for https (CONNECT) or a forwarding
 * agent for http (absolute-form requests); else the library's keep-alive agent. The environment is read on every
 * call, as curl does. Throws lib/proxy-env's ProxyConfigurationError for a proxy variable it cannot use.
 */
export function chooseAgent(endpoint: Endpoint, agent: http.Agent | undefined): ChosenAgent {
  if (agent) return { agent };
  const proxy = proxyFor(endpoint);
  if (!proxy) return { agent: direct[endpoint.protocol] };
  const key = `${endpoint.protocol} ${proxy.key}`;
  let chosen = proxied.get(key);
  if (!chosen) {
    chosen = endpoint.protocol === 'https:' ? new TunnelAgent(proxy, KEEP_ALIVE) : new ForwardAgent(proxy, KEEP_ALIVE);
    if (proxied.size >= MAX_PROXY_AGENTS) proxied.clear();
    proxied.set(key, chosen);
  }
  return { agent: chosen, proxy };
}

/**
 * Destroys the idle sockets `agent` keeps in pool `name` (and those it opened ahead), so the next request opens a fresh
 * connection: after one idle socket to a host proved dead, the others (closed by the same server or load balancer)
 * are suspect.
 */
export function dropIdleSockets(agent: http.Agent, name: string): void {
  for (const socket of [...(agent.freeSockets[name] ?? [])]) socket.destroy();
  connectionsAhead(agent)?.dropIdle(name);
}

/** The name of `agent`'s pool that holds the busy `socket` (as `agent.getName` gave it) for a request to `endpoint`. */
export function poolOf(agent: http.Agent, socket: Socket, endpoint: Endpoint): string | undefined {
  // The library's agents know the name per endpoint; for other agents the busy socket is searched (on an error only).
  const ahead = connectionsAhead(agent);
  if (ahead) return ahead.poolName(endpoint);
  for (const name in agent.sockets) if (agent.sockets[name]?.includes(socket)) return name;
  return undefined;
}

/** Whether a request on `socket` went out on a connection opened before it: reused from the pool, or opened ahead. */
export function openedBefore(agent: http.Agent, socket: Socket, request: http.ClientRequest): boolean {
  return request.reusedSocket || connectionsAhead(agent)?.openedAhead(socket) === true;
}
