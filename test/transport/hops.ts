import { createServer, connect, type Server } from 'node:net';
import { loopbackSockets } from './loopback-sockets';

export interface CuttingHop {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Client connections accepted. */
  readonly connections: number;
  /** Requests cut: sent on a connection that had already carried a response. */
  readonly cuts: number;
  close(): Promise<void>;
}

/**
 * A TCP hop in front of `targetPort` that cuts every reused connection, as a load balancer closing idle keep-alive
 * connections does at the worst moment: the first request of a connection passes, and any byte the client sends
 * after the answer began resets the connection (TCP RST) without reaching the server.
 */
export async function startCuttingHop(targetPort: number): Promise<CuttingHop> {
  const { track, listen } = loopbackSockets();
  const state = { connections: 0, cuts: 0 };
  const server: Server = createServer((client) => {
    state.connections += 1;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    track(client);
    track(upstream);
    let answered = false;
    client.on('data', (chunk) => {
      if (!answered) return void upstream.write(chunk);
      state.cuts += 1;
      client.resetAndDestroy();
      upstream.destroy();
    });
    upstream.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const { port, close } = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get cuts() {
      return state.cuts;
    },
    close,
  };
}

/** What a scripted server does with a request. */
export type RawAnswer = 'answer' | 'reset' | 'reset-after-headers' | 'close-after-headers';

export interface ScriptedServer {
  url: string;
  readonly connections: number;
  /** Requests received (complete request heads), over all connections. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A bare HTTP/1.1 server on a socket level: each request head is answered, reset, or answered with headers and half a
 * body then reset or closed, as `script(nth request of the connection, nth connection)` says (both from 1). Answers carry `extraHeaders` (e.g. a Keep-Alive hint).
 */
export async function startScriptedServer(
  script: (requestOnConnection: number, connection: number) => RawAnswer,
  extraHeaders: Record<string, string> = {},
): Promise<ScriptedServer> {
  const { track, listen } = loopbackSockets();
  const state = { connections: 0, requests: 0 };
  const body = '{"result":"ok","data":{}}';
  const head = (length: number) =>
    [
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      `Content-Length: ${length}`,
      'Connection: keep-alive',
      ...Object.entries(extraHeaders).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');
  const server = createServer((socket) => {
    state.connections += 1;
    const connection = state.connections;
    track(socket);
    let buffered = '';
    let onConnection = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        buffered = buffered.slice(end + 4);
        onConnection += 1;
        state.requests += 1;
        const action = script(onConnection, connection);
        if (action === 'answer') socket.write(head(Buffer.byteLength(body)) + body);
        else if (action === 'reset') return void socket.resetAndDestroy();
        else {
          socket.write(head(Buffer.byteLength(body)) + body.slice(0, 5));
          // Cut mid-body: with a reset (RST), or closed in good order (FIN) as a crashing upstream's proxy may do.
          setTimeout(() => (action === 'reset-after-headers' ? socket.resetAndDestroy() : socket.end()), 20);
          return;
        }
      }
    });
  });
  const { port, close } = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close,
  };
}
