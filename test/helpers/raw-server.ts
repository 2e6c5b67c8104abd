import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MiAccountClient } from '../../lib';

export interface RawServer {
  url: string;
  requests: Array<{ method: string; url: URL; headers: IncomingMessage['headers'] }>;
  connections: number;
  close(): Promise<void>;
}

/** A bare HTTP server on loopback that records requests and answers with the given handler. */
export async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RawServer> {
  const state: RawServer = { url: '', requests: [], connections: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    state.requests.push({
      method: req.method ?? '',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
    });
    handler(req, res);
  });
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A MiAccountClient whose token endpoint and Open API are `server` (2 s timeout), for tests of what it makes of answers. */
export function clientOf(server: RawServer, clientID: string, clientSecret: string): MiAccountClient {
  return new MiAccountClient({
    clientID,
    clientSecret,
    redirectURI: 'https://app.example/cb',
    tokenURL: `${server.url}/oauth2/token`,
    openApiURL: server.url,
    timeout: 2000,
  });
}
