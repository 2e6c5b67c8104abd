// What the benches share about the machine they run on: the Node binaries that run the apps, and free loopback ports.
'use strict';
const { execFileSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

/**
 * The Node binaries that run the apps: --node takes paths or major versions, comma-separated ("20,22,24"). A major
 * version is this Node when it is this one's line, else the line that scripts/node-lines.sh installs from the npm
 * registry. The Mi model and the driver stay on this Node, so only the app changes from one line to the next.
 */
function nodeLines(text) {
  if (!text) return [{ path: process.execPath, version: process.version }];
  const script = path.join(__dirname, '..', '..', 'scripts', 'node-lines.sh');
  return text.split(',').map((entry) => {
    const item = entry.trim();
    let binary = item;
    if (/^\d+$/.test(item)) {
      const stdio = ['ignore', 'pipe', 'inherit'];
      binary =
        process.versions.node.split('.')[0] === item
          ? process.execPath
          : execFileSync('bash', [script, item], { encoding: 'utf8', stdio }).trim();
    }
    return { path: binary, version: execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() };
  });
}

/** A port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

module.exports = { nodeLines, freePort };
