// The emulator in its own process for the benchmark, so that Mi Account's work is not billed to the app.
// Options arrive as JSON in argv[2]; the parent asks for stats over IPC.
'use strict';
const { startMiAccountEmulator } = require('../../dist/emulator');

startMiAccountEmulator(JSON.parse(process.argv[2])).then((emulator) => {
  process.on('message', (message) => {
    if (message === 'reset') emulator.stats.reset();
    if (message === 'reset' || message === 'stats') {
      process.send({ stats: { requests: { ...emulator.stats.requests }, connections: emulator.stats.connections } });
    }
    if (message === 'close') emulator.close().then(() => process.exit(0));
  });
  process.send({
    ready: {
      url: emulator.url,
      authorizationURL: emulator.authorizationURL,
      tokenURL: emulator.tokenURL,
      openApiURL: emulator.openApiURL,
    },
  });
});
