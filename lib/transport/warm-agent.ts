import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket, type ConnectionOptions } from 'node:tls';
import { socketHost, socketPort, type Endpoint } from './endpoint';

/** A connection opened ahead that is still handshaking after this long, and not taken by a request, is abandoned. */
export const PRECONNECT_TIMEOUT_MS = 10_000;
/**
 * A connection freed this recently is in rotation: logins keep reusing it, and every reuse restarts its idle timer,
 * so it is there for a callback however short its idle timeout (pre-connecting anyway would churn connections).
 */
export const ROTATION_WINDOW_MS = 1_000;

type Created = (err: Error | null, stream: Duplex) => void;
/** What the agent's `createConnection` gets for a connection opened ahead: a request's options, and a TLS session. */
type AheadOptions = https.RequestOptions & Pick<ConnectionOptions, 'session'>;

/** A connection opened ahead of its request, waiting for one. */
interface Waiting {
  readonly socket: Socket;
  /** When its handshake completed; `undefined` while it is still handshaking. */
  connectedAt?: number;
  /** Removes the listeners it has while it waits. */
  detach(): void;
}

/** How an agent's pool for one origin stands: connections a request will find in time, and room for more. */
export interface PoolState {
  ready: number;
  room: number;
}

/**
 * The connections an agent opens ahead of its requests (while a user is on the consent page), kept per pool name until
 * its documented `createConnection` hook hands one to a request that would otherwise open a connection. They are
 * opened with the agent's own `createConnection` and the options Node's agent builds for a request (agent options
 * over the request's, the same servername), so the pool names match and a request gets a connection it could have
 * opened itself. Idle ones close after the agent's `timeout`; one still handshaking after
 * {@link PRECONNECT_TIMEOUT_MS} is abandoned; their errors are handled (a request that took one gets its own).
 */
export class ConnectionsAhead {
  private readonly waiting = new Map<string, Map<Socket, Waiting>>();
  // Sockets handed to a request: a request failing on one as on a reused one is sent once more (lib/http).
  private readonly handedOut = new WeakSet<Duplex>();
  // When each pooled socket last became idle, recorded in the agent's documented keepSocketAlive hook.
  private readonly idleSince = new WeakMap<Duplex, number>();
  // The last TLS session per pool name, so connections opened ahead resume like the agent's own.
  private readonly sessions = new Map<string, Buffer>();
  private readonly targets = new WeakMap<Endpoint, { options: https.RequestOptions; name: string }>();

  constructor(
    private readonly agent: http.Agent,
    readonly protocol: 'http:' | 'https:',
    private readonly options: Readonly<https.AgentOptions>,
    private readonly connect: (options: AheadOptions) => Duplex | null | undefined,
  ) {}

  /** Whether this agent's connections can be opened ahead: keep-alive, no proxy of Node's own (`proxyEnv`). */
  get usable(): boolean {
    return this.options.keepAlive === true && (this.options as { proxyEnv?: unknown }).proxyEnv === undefined;
  }

  /** A still-open connection opened ahead for the pool of `options`, taken out of waiting; else `undefined`. */
  take(options: http.ClientRequestArgs): Socket | undefined {
    const name = this.agent.getName(options);
    const pool = this.waiting.get(name);
    if (!pool) return undefined;
    const open = [...pool.values()].filter((entry) => !entry.socket.destroyed && entry.socket.writable);
    // The newest connected one lives longest; else the one furthest into its handshake.
    const entry = open.filter((candidate) => candidate.connectedAt !== undefined).pop() ?? open[0];
    if (!entry) return undefined;
    this.remove(name, entry);
    // As on a connection Node opens for the request (Node 22 and later pass it the request's or agent's timeout).
    entry.socket.setTimeout(options.timeout ?? 0);
    entry.socket.ref();
    this.handedOut.add(entry.socket);
    return entry.socket;
  }

  /** The name of this agent's pool for requests to `endpoint` (as `agent.getName` gives it), computed once. */
  poolName(endpoint: Endpoint): string {
    return this.target(endpoint).name;
  }
  /** Whether `socket` was opened ahead of the request it carries. */
  openedAhead(socket: Duplex): boolean {
    return this.handedOut.has(socket);
  }

  /** Opens a connection to `endpoint` ahead of a request; settles when its handshake completes or fails. */
  open(endpoint: Endpoint): Promise<Socket> {
    const { options, name } = this.target(endpoint);
    const session = this.sessions.get(name);
    let created: Duplex | null | undefined;
    try {
      created = this.connect(session ? { ...options, session } : options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!(created instanceof Socket)) {
      created?.destroy();
      return Promise.reject(new Error('the agent opened no socket'));
    }
    const socket = created;
    this.watch(name, socket);
    // Like an idle pooled socket: it keeps no process alive.
    socket.unref();
    const onTimeout = () => socket.destroy(entry.connectedAt ? undefined : new Error('pre-connect timed out'));
    // Only waiting: a request that takes it listens itself, and 'close' follows any error.
    const onError = () => undefined;
    const onClose = () => this.remove(name, entry);
    const entry: Waiting = {
      socket,
      detach: () => socket.off('timeout', onTimeout).off('error', onError).off('close', onClose),
    };
    socket.on('timeout', onTimeout).on('error', onError).once('close', onClose);
    socket.setTimeout(PRECONNECT_TIMEOUT_MS);
    const pool = this.waiting.get(name) ?? new Map<Socket, Waiting>();
    this.waiting.set(name, pool.set(socket, entry));
    const connected = socket instanceof TLSSocket ? 'secureConnect' : 'connect';
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        socket.off(connected, onConnect).off('error', onFail).off('close', onShut);
        if (error) return reject(error);
        entry.connectedAt = performance.now();
        // Idle from now on: closed after the agent's idle timeout, as a pooled socket would be.
        if (this.waiting.get(name)?.get(socket) === entry) socket.setTimeout(this.options.timeout ?? 0);
        resolve(socket);
      };
      const onConnect = () => settle();
      const onFail = (error: Error) => settle(error);
      const onShut = () => settle(new Error('the connection closed during the handshake'));
      socket.once(connected, onConnect).once('error', onFail).once('close', onShut);
    });
  }

  /**
   * Connections to `endpoint` a request arriving within `horizonMs` finds (busy ones, idle ones that stay open that
   * long or are in rotation, connections opened ahead), counted up to `wanted`; and how many more the agent allows.
   */
  count(endpoint: Endpoint, horizonMs: number, wanted: number): PoolState {
    const { name } = this.target(endpoint);
    const now = performance.now();
    const free = this.agent.freeSockets[name] ?? [];
    const busy = this.agent.sockets[name]?.length ?? 0;
    const timeout = this.options.timeout ?? 0;
    let ready = busy;
    let waiting = 0;
    for (const entry of this.waiting.get(name)?.values() ?? []) {
      if (entry.socket.destroyed) continue;
      waiting += 1;
      const left = entry.connectedAt === undefined || !timeout ? Infinity : timeout - (now - entry.connectedAt);
      if (left >= horizonMs) ready += 1;
    }
    // Newest last: counting stops once enough are ready, however many idle sockets the pool keeps.
    for (let i = free.length - 1; i >= 0 && ready < wanted; i -= 1) {
      if (this.staysReady(free[i] as Socket, now, horizonMs)) ready += 1;
    }
    const total = this.agent.maxTotalSockets === Infinity ? 0 : this.total();
    const room = Math.min(this.agent.maxSockets - busy - free.length - waiting, this.agent.maxTotalSockets - total);
    return { ready, room };
  }

  /** Records when `socket` became idle in the pool; `kept` is what the agent's own hook answered. */
  keep<T>(socket: Duplex, kept: T): T {
    if (kept) this.idleSince.set(socket, performance.now());
    return kept;
  }

  /** Feeds the TLS sessions of a connection of pool `name` (the agent's own or one opened ahead) to later ones. */
  watch<T extends Duplex | null | undefined>(name: string, socket: T): T {
    const limit = (this.options as https.AgentOptions).maxCachedSessions ?? 100;
    if (!(socket instanceof TLSSocket) || limit === 0) return socket;
    socket.on('session', (session: Buffer) => {
      this.sessions.delete(name);
      if (this.sessions.size >= limit) this.sessions.delete(this.sessions.keys().next().value as string);
      this.sessions.set(name, session);
    });
    socket.once('close', (hadError: boolean) => hadError && this.sessions.delete(name));
    return socket;
  }

  /** Closes the idle connections opened ahead for pool `name` (after one to the same host proved dead). */
  dropIdle(name: string): void {
    for (const entry of this.waiting.get(name)?.values() ?? []) {
      if (entry.connectedAt !== undefined) entry.socket.destroy();
    }
  }

  /** Closes every connection still waiting. */
  destroy(): void {
    for (const pool of this.waiting.values()) for (const entry of pool.values()) entry.socket.destroy();
  }

  private remove(name: string, entry: Waiting): void {
    const pool = this.waiting.get(name);
    if (pool?.get(entry.socket) !== entry) return;
    entry.detach();
    pool.delete(entry.socket);
    if (pool.size === 0) this.waiting.delete(name);
  }

  private staysReady(socket: Socket, now: number, horizonMs: number): boolean {
    const since = this.idleSince.get(socket);
    if (since === undefined || socket.destroyed) return false;
    const idle = now - since;
    // No idle timeout: the socket lives until the server closes it, which the pool notices.
    if (!socket.timeout) return true;
    const left = socket.timeout - idle;
    return left >= horizonMs || (idle < ROTATION_WINDOW_MS && left >= ROTATION_WINDOW_MS);
  }

  private total(): number {
    let total = 0;
    for (const lists of [this.agent.sockets, this.agent.freeSockets]) {
      for (const list of Object.values(lists)) total += list?.length ?? 0;
    }
    for (const pool of this.waiting.values()) total += pool.size;
    return total;
  }

  // The options Node's agent gives createConnection for a request to `endpoint`: the agent's over the request's, the
  // servername from the host (none for an IP), TCP keep-alive. Computed once per endpoint: pre-connect counts on every
  // login start, and every request names its pool.
  private target(endpoint: Endpoint): { options: https.RequestOptions; name: string } {
    let target = this.targets.get(endpoint);
    if (!target) {
      const host = socketHost(endpoint);
      const options: https.RequestOptions = { host, port: socketPort(endpoint), noDelay: true, ...this.options };
      if (!options.servername && options.servername !== '') options.servername = isIP(String(options.host)) ? '' : host;
      Object.assign(options, { keepAlive: true, keepAliveInitialDelay: this.options.keepAliveMsecs || 1000 });
      target = { options, name: this.agent.getName(options) };
      this.targets.set(endpoint, target);
    }
    return target;
  }
}

/**
 * An `http.Agent` that can open connections ahead of its requests ({@link ConnectionsAhead}): the library's own agent
 * for `http:` Mi Account URLs, and the kind of `agent` option that pre-connect fills.
 */
export class WarmHttpAgent extends http.Agent {
  /** The connections this agent opened ahead of requests. */
  readonly ahead: ConnectionsAhead;

  constructor(options: http.AgentOptions = {}) {
    super(options);
    this.ahead = new ConnectionsAhead(this, 'http:', options, (opened) => super.createConnection(opened));
  }

  override createConnection(options: http.ClientRequestArgs, callback?: Created): Duplex | null | undefined {
    return this.ahead.take(options) ?? super.createConnection(options, callback);
  }

  override keepSocketAlive(socket: Duplex): unknown {
    return this.ahead.keep(socket, super.keepSocketAlive(socket) as unknown);
  }

  override destroy(): void {
    this.ahead.destroy();
    super.destroy();
  }
}

/**
 * An `https.Agent` that can open connections ahead of its requests ({@link ConnectionsAhead}), with the agent's TLS
 * options and servername: the library's own agent for `https:` Mi Account URLs, and the kind of `agent` option that
 * pre-connect fills.
 */
export class WarmHttpsAgent extends https.Agent {
  /** The connections this agent opened ahead of requests. */
  readonly ahead: ConnectionsAhead;

  constructor(options: https.AgentOptions = {}) {
    super(options);
    this.ahead = new ConnectionsAhead(this, 'https:', options, (opened) => super.createConnection(opened));
  }

  override createConnection(options: http.ClientRequestArgs, callback?: Created): Duplex | null | undefined {
    const taken = this.ahead.take(options);
    if (taken) return taken;
    return this.ahead.watch(this.getName(options), super.createConnection(options, callback));
  }

  override keepSocketAlive(socket: Duplex): unknown {
    return this.ahead.keep(socket, super.keepSocketAlive(socket) as unknown);
  }

  override destroy(): void {
    this.ahead.destroy();
    super.destroy();
  }
}

/** The connections `agent` opens ahead, when it is of the library's kind; `undefined` for any other agent. */
export function connectionsAhead(agent: http.Agent): ConnectionsAhead | undefined {
  return agent instanceof WarmHttpAgent || agent instanceof WarmHttpsAgent ? agent.ahead : undefined;
}
