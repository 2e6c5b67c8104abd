import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback proxy in front of the emulator that plays a Mi Account refusing every MAC signature. */
export interface MacRefusingProxy {
  /** `http://127.0.0.1:<port>`: use it as `openApiURL`. */
  readonly url: string;
  /** Open API calls that carried an Authorization header (each answered 96012). */
  readonly signed: number;
  /** Open API calls without one (forwarded to the emulator). */
  readonly unsigned: number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target`, except an Open API call with an Authorization header, which gets
 * `{"result":"error","code":96012}` — what Mi answers when its canonicalisation differs from the client's.
 */
export async function startMacRefusingProxy(target: string): Promise<MacRefusingProxy> {
  const upstream = new URL(target);
  const counts = { signed: 0, unsigned: 0 };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/user/')) {
      if (req.headers.authorization !== undefined) {
        counts.signed += 1;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ result: 'error', description: 'invalid mac', code: 96012 }));
        return;
      }
      counts.unsigned += 1;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get signed() {
      return counts.signed;
    },
    get unsigned() {
      return counts.unsigned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
