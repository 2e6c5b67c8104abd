// TLS in front of the emulator, as Mi Account's own front ends terminate HTTPS: one plain connection per TLS one.
'use strict';
const net = require('node:net');
const tls = require('node:tls');

/**
 * Starts a TLS terminator on 127.0.0.1 (a free port) that pipes each decrypted connection to `target` ({ host, port }).
 * `tlsVersion` is 'TLSv1.2' or 'TLSv1.3' (both min and max, so the handshake has that version's round trips).
 */
async function startTlsFront({ key, cert, tlsVersion, target }) {
  const sockets = new Set();
  const options = { key, cert, minVersion: tlsVersion, maxVersion: tlsVersion, noDelay: true };
  const server = tls.createServer(options, (secure) => {
    const plain = net.connect({ host: target.host, port: target.port, noDelay: true });
    sockets.add(secure).add(plain);
    secure.pipe(plain).pipe(secure);
    const close = () => {
      secure.destroy();
      plain.destroy();
    };
    secure.on('error', close).on('close', () => sockets.delete(secure));
    plain.on('error', close).on('close', () => {
      sockets.delete(plain);
      secure.end();
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    host: '127.0.0.1',
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startTlsFront };
