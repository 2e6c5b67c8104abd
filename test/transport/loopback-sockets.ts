import { connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** A listening raw server: its port, and a close that first destroys the sockets it tracked. */
export interface ListeningRaw {
  port: number;
  close(): Promise<void>;
}

/** The sockets of a raw loopback server (hop, relay, TLS front), kept so close() is not held open by a kept-alive peer. */
export function loopbackSockets() {
  const sockets = new Set<Socket>();
  return {
    /** Keeps `socket` until it closes; its errors are expected (the tests reset connections on purpose). */
    track(socket: Socket): void {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    },
    /** Pipes `client` both ways to 127.0.0.1:`targetPort`; either side closing closes the other. */
    relay(client: Socket, targetPort: number): void {
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    },
    /** Listens on 127.0.0.1 (any free port). */
    async listen(server: Server): Promise<ListeningRaw> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      };
    },
  };
}
