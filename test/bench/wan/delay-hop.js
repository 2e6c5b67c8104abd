// A delay hop: a TCP proxy on loopback that plays one WAN path, so every handshake and request pays the round trip.
// Each direction is delayed by RTT/2, and the client's first bytes also wait for the TCP handshake the kernel skipped
// on loopback (1 RTT): a client that writes at t reaches the server at max(t, connect + RTT) + RTT/2, as on a WAN.
'use strict';
const net = require('node:net');

const END = Symbol('end of stream');
const GONE = Symbol('connection closed');

/**
 * One direction of a connection: chunks (and the end of stream) leave in order, each at its own release time.
 * @param {net.Socket} to where the delayed bytes are written
 */
function delayLine(to) {
  const queue = [];
  let timer;
  const drain = () => {
    timer = undefined;
    const now = performance.now();
    // Half a millisecond early is on time: timers fire on whole milliseconds.
    while (queue.length > 0 && queue[0].at <= now + 0.5) {
      const { chunk } = queue.shift();
      if (to.destroyed) continue;
      if (chunk === END) to.end();
      else if (chunk === GONE) to.destroy();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, queue[0].at - now);
  };
  return {
    /** Queues a chunk, END or GONE for release at `at` (a performance.now() time). */
    push(chunk, at) {
      queue.push({ chunk, at });
      if (timer === undefined) timer = setTimeout(drain, Math.max(0, queue[0].at - performance.now()));
    },
  };
}

/**
 * Starts a delay hop listening on `listenHost` (a free port), forwarding to `target` ({ host, port }).
 * Resolves to { host, port, connections(), resetConnections(), close() }; `connections()` counts accepted clients.
 */
async function startDelayHop({ listenHost, target, rttMs }) {
  const half = rttMs / 2;
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections += 1;
    const connectedAt = performance.now();
    // The client may write at once (loopback finished its handshake); on a WAN it could write only after one RTT.
    const upstreamAt = (now) => Math.max(now, connectedAt + rttMs) + half;
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    sockets.add(client).add(upstream);
    const toServer = delayLine(upstream);
    const toClient = delayLine(client);
    const toServerAt = () => upstreamAt(performance.now());
    const toClientAt = () => performance.now() + half;
    client.on('data', (chunk) => toServer.push(chunk, toServerAt()));
    client.on('end', () => toServer.push(END, toServerAt()));
    upstream.on('data', (chunk) => toClient.push(chunk, toClientAt()));
    upstream.on('end', () => toClient.push(END, toClientAt()));
    // A close (FIN already forwarded, or a reset) travels too, behind the bytes sent before it.
    client
      .on('error', () => undefined)
      .on('close', () => {
        sockets.delete(client);
        toServer.push(GONE, toServerAt());
      });
    upstream
      .on('error', () => undefined)
      .on('close', () => {
        sockets.delete(upstream);
        toClient.push(GONE, toClientAt());
      });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, resolve);
  });
  return {
    host: listenHost,
    port: server.address().port,
    connections: () => connections,
    resetConnections: () => {
      connections = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startDelayHop };
