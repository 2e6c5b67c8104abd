import * as http from 'node:http';
import * as https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import type { Endpoint } from './http';

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

// The library's own agents: logins reuse connections to Mi Account without touching the app's global agents.
const direct = { 'http:': new http.Agent(KEEP_ALIVE), 'https:': new https.Agent(KEEP_ALIVE) };
// One agent per proxy URL and target protocol, so connections through a proxy are kept alive too.
const proxied = new Map<string, http.Agent>();
const MAX_PROXY_AGENTS = 16;

/** The agent a request goes through, and whether it goes through a proxy taken from the environment. */
export interface ChosenAgent {
  agent: http.Agent;
  /** True when HTTPS_PROXY/HTTP_PROXY (or ALL_PROXY) applies to this endpoint and NO_PROXY does not exclude it. */
  viaEnvProxy: boolean;
}

/**
 * Picks the agent for a call to Mi Account: the caller's `agent` option when given; else a proxy agent when
 * `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (lower case too, as curl and npm read them) send this endpoint through a
 * proxy; else the library's keep-alive agent. The environment is read on every call, as curl does.
 */
export function chooseAgent(endpoint: Endpoint, agent: http.Agent | undefined): ChosenAgent {
  if (agent) return { agent, viaEnvProxy: false };
  const proxy = getProxyForUrl(endpoint);
  if (!proxy) return { agent: direct[endpoint.protocol], viaEnvProxy: false };
  const key = `${endpoint.protocol} ${proxy}`;
  let chosen = proxied.get(key);
  if (!chosen) {
    // https targets tunnel through CONNECT; http targets send absolute-form requests to the proxy.
    chosen =
      endpoint.protocol === 'https:' ? new HttpsProxyAgent(proxy, KEEP_ALIVE) : new HttpProxyAgent(proxy, KEEP_ALIVE);
    if (proxied.size >= MAX_PROXY_AGENTS) proxied.clear();
    proxied.set(key, chosen);
  }
  return { agent: chosen, viaEnvProxy: true };
}

/**
 * Destroys the idle sockets `agent` keeps for the origin of `options`, so the next request opens a fresh connection:
 * after one idle socket to a host proved dead, the others (closed by the same server or load balancer) are suspect.
 */
export function dropIdleSockets(agent: http.Agent, options: http.RequestOptions): void {
  for (const socket of [...(agent.freeSockets[poolName(agent, options)] ?? [])]) socket.destroy();
}

/** The key of `agent`'s pools for a request with `options`, as http.Agent#addRequest computes it. */
export function poolName(agent: http.Agent, options: http.RequestOptions): string {
  // Request options overlaid with the agent's own.
  return agent.getName({
    ...options,
    host: options.hostname ?? options.host,
    ...(agent as unknown as { options?: http.AgentOptions }).options,
  } as http.ClientRequestArgs);
}
