// The Mi side of the WAN bench in its own process: one site (emulator, TLS, two delay hops) per strategy kind, so the
// app and the driver do not share an event loop with it. Settings arrive as JSON in argv[2]; counts go over IPC.
'use strict';
const { startMiSite } = require('./mi-site');

async function main() {
  const { sites, ...network } = JSON.parse(process.argv[2]);
  const running = new Map();
  for (const { name, emulatorOptions } of sites) running.set(name, await startMiSite({ ...network, emulatorOptions }));
  process.on('message', async (message) => {
    if (message.type === 'close') {
      for (const site of running.values()) await site.close();
      process.exit(0);
    }
    const site = running.get(message.site);
    if (message.type === 'reset') site.reset();
    process.send({ connections: site.connections() });
  });
  process.on('disconnect', () => process.exit(0));
  const ready = [...running].map(([name, site]) => [name, { urls: site.urls, primeUrls: site.primeUrls }]);
  process.send({ ready: Object.fromEntries(ready) });
}

main().catch((err) => {
  process.stderr.write(`WAN model failed to start: ${err.stack || err}\n`);
  process.exit(1);
});
