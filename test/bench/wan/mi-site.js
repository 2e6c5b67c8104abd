// One Mi Account across a WAN: an emulator behind TLS, reached through two delay hops with distinct addresses, one
// for the account host (token) and one for the open API host, so an app opens its connections as on the real service.
'use strict';
const { startMiAccountEmulator } = require('../../../dist/emulator');
const { startDelayHop } = require('./delay-hop');
const { ACCOUNT_HOST, OPEN_API_HOST } = require('./hosts');
const { startTlsFront } = require('./tls-front');

/**
 * Starts the site. `emulatorOptions` go to startMiAccountEmulator; rttMs, tlsVersion ('TLSv1.2' | 'TLSv1.3'), key and
 * cert shape the network; `prime` adds primeUrls, the same hosts on other ports. Resolves to
 * { urls, primeUrls, connections(), reset(), close() }; connections() counts per host, through `urls` only.
 */
async function startMiSite({ emulatorOptions, rttMs, tlsVersion, key, cert, prime = false }) {
  const emulator = await startMiAccountEmulator(emulatorOptions);
  const front = await startTlsFront({ key, cert, tlsVersion, target: { host: '127.0.0.1', port: emulator.port } });
  const target = { host: front.host, port: front.port };
  const hops = [];
  const urlsThrough = async () => {
    const account = await startDelayHop({ listenHost: ACCOUNT_HOST, target, rttMs });
    const open = await startDelayHop({ listenHost: OPEN_API_HOST, target, rttMs });
    hops.push(account, open);
    return {
      urls: {
        // The browser's way to the consent page is not the app's network: the driver goes to the emulator directly.
        authorizationURL: emulator.authorizationURL,
        tokenURL: `https://${account.host}:${account.port}/oauth2/token`,
        openApiURL: `https://${open.host}:${open.port}`,
      },
      account,
      open,
    };
  };
  const { urls, account, open } = await urlsThrough();
  // Other ports, so other connection pools: a login through them warms the app's code, not its connections.
  const primeUrls = prime ? (await urlsThrough()).urls : undefined;
  return {
    urls,
    primeUrls,
    connections: () => ({ account: account.connections(), open: open.connections() }),
    reset: () => {
      account.resetConnections();
      open.resetConnections();
    },
    close: async () => {
      await Promise.all(hops.map((hop) => hop.close()));
      await front.close();
      await emulator.close();
    },
  };
}

module.exports = { startMiSite };
