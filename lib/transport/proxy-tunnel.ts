import * as http from 'node:http';
import * as https from 'node:https';
import { connect as netConnect, isIP, isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { EnvProxy } from './proxy-env';

/** A proxy that has not answered a CONNECT after this long has failed (the request's own deadline is usually sooner). */
export const TUNNEL_TIMEOUT_MS = 30_000;

type Created = (err: Error | null, stream?: Duplex) => void;

/**
 * An `https.Agent` that reaches https hosts through an HTTP proxy's `CONNECT` tunnel, then speaks TLS to the host
 * inside it. Connections are pooled per host and kept alive as with any `https.Agent`; the agent's TLS options
 * (`ca`…) apply to the host, the default trust store to an `https:` proxy. Every error of the proxy connection, at
 * any time, ends the request with an error: none is left without a listener (https-proxy-agent crashed the process
 * when a proxy closed during the TLS handshake, TooTallNate/proxy-agents#277).
 */
export class TunnelAgent extends https.Agent {
  constructor(
    readonly proxy: EnvProxy,
    options?: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    // Node's agent takes a failure as the error alone (`oncreate(err)`), which its typings do not say.
    const created = callback as Created | undefined;
    const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    const authority = `${isIPv6(host) ? `[${host}]` : host}:${Number(options.port) || 443}`;
    openTunnel(this.proxy, authority).then(
      (tunnel) => {
        const socket = tls.connect({ ...(options as tls.ConnectionOptions), socket: tunnel });
        // The TLS socket owns the tunnel from now on: the tunnel's errors and close end it.
        tunnel.on('error', (err) => socket.destroy(err));
        tunnel.on('close', () => socket.destroy());
        socket.on('close', () => tunnel.destroy());
        // Node's request and agent listen on the socket only from the next tick on: none of its errors may escape.
        socket.on('error', ignore);
        created?.(null, socket);
      },
      (err: Error) => created?.(err),
    );
    return undefined;
  }
}

/**
 * An `http.Agent` for http hosts through an HTTP proxy: its connections go to the proxy, which receives each request
 * in absolute form (the caller writes `http://host/path` as the request path and the `Proxy-Authorization` header).
 */
export class ForwardAgent extends http.Agent {
  constructor(
    readonly proxy: EnvProxy,
    options?: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(): Duplex {
    return connectToProxy(this.proxy);
  }
}

/** Opens a connection to `proxy` itself: TLS for an `https:` proxy, plain TCP for an `http:` one. */
function connectToProxy(proxy: EnvProxy): Duplex {
  const { hostname: host, port } = proxy;
  return proxy.protocol === 'https:'
    ? tls.connect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
    : netConnect({ host, port });
}

/** Asks `proxy` for a tunnel to `authority` (`host:port`); resolves with the open connection once it answers 200. */
function openTunnel(proxy: EnvProxy, authority: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { host: authority };
    if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
    const req = http.request({
      method: 'CONNECT',
      path: authority,
      headers,
      // No agent: the connection is the tunnel's alone, never pooled.
      createConnection: () => connectToProxy(proxy),
    });
    const fail = (why: string) => reject(new Error(`the proxy ${why} (tunnel to ${authority})`));
    req.setTimeout(TUNNEL_TIMEOUT_MS, () => {
      req.destroy();
      fail(`did not answer CONNECT within ${TUNNEL_TIMEOUT_MS} ms`);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      const failure = new Error(`the proxy failed before the tunnel to ${authority} opened: ${err.message}`, {
        cause: err,
      });
      reject(Object.assign(failure, { code: err.code }));
    });
    req.once('connect', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node's request stops listening to the socket here; the TLS socket built on it forwards its errors later.
      socket.on('error', ignore);
      if (res.statusCode !== 200) {
        socket.destroy();
        return fail(`answered CONNECT with ${res.statusCode} ${res.statusMessage}`.trimEnd());
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    // A proxy may answer CONNECT with a body-carrying response Node does not treat as a tunnel.
    req.once('response', (res: http.IncomingMessage) => {
      res.resume();
      fail(`answered CONNECT with ${res.statusCode} ${res.statusMessage}`.trimEnd());
    });
    req.end();
  });
}

function ignore(): void {
  // Errors of a connection that is being closed anyway, or that its owner also receives.
}
