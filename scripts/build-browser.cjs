// Writes dist/browser.bundle.mjs: lib/browser.ts and what it imports as one ES module for browsers,
// served by the example app and picked by bundlers through the "browser" export condition.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const dist = path.join(__dirname, '..', 'dist');

async function main() {
  await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'lib', 'browser.ts')],
    outfile: path.join(dist, 'browser.bundle.mjs'),
    bundle: true,
    format: 'esm',
    // No Node polyfills: a Node built-in reaching lib/browser.ts fails the build instead.
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Types for TypeScript resolving with the "browser" condition: the same API as dist/browser.d.ts.
  fs.writeFileSync(path.join(dist, 'browser.bundle.d.mts'), "export * from './browser.js';\n");
}

main().catch((err) => {
  console.error(`build-browser: ${err && err.message ? err.message : err}`);
  process.exitCode = 1;
});
