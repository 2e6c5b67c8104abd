import { createServer, type Socket } from 'node:net';
import { loopbackSockets, type ListeningRaw } from './loopback-sockets';

/** What a loopback "proxy" does with each connection. */
export type Behaviour =
  | 'reset-after-200' // answers CONNECT with 200, then resets the connection on the client's TLS hello
  | 'close-after-200' // answers CONNECT with 200, then closes the connection on the client's TLS hello
  | 'reset-on-hello' // resets on the first bytes (a TLS hello to an https:// proxy that fails its own handshake)
  | 'close-on-hello' // closes on the first bytes
  | 'hang-after-200' // answers CONNECT with 200, then never answers the TLS hello
  | 'refuse-407'; // answers CONNECT with 407 Proxy Authentication Required

export interface FakeProxy extends ListeningRaw {
  /** The first bytes of each connection, as latin1 text (a TLS hello is binary). */
  readonly firstBytes: string[];
}

/** A plain-TCP "proxy" on 127.0.0.1: like tinyproxy, it closes a connection whose first bytes are not HTTP. */
export async function startFakeProxy(behaviour: Behaviour): Promise<FakeProxy> {
  const sockets = loopbackSockets();
  const firstBytes: string[] = [];
  const server = createServer((socket: Socket) => {
    sockets.track(socket);
    socket.once('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      firstBytes.push(text);
      if (behaviour === 'reset-on-hello') return void socket.resetAndDestroy();
      if (behaviour === 'close-on-hello' || !text.startsWith('CONNECT ')) return void socket.end();
      if (behaviour === 'refuse-407') {
        return void socket.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\nContent-Length: 0\r\n\r\n',
        );
      }
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      socket.once('data', () => {
        if (behaviour === 'reset-after-200') socket.resetAndDestroy();
        else if (behaviour === 'close-after-200') socket.end();
      });
    });
  });
  const listening = await sockets.listen(server);
  return { ...listening, firstBytes };
}
