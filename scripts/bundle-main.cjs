// Bundles the main entry (dist/index.js) into one file over tsc's output, so that require('passport-mi-account')
// reads one module instead of ~50: at most 1.4 × passport-oauth2's own require time (issue #24). The subpath
// entry passport-mi-account/protocol re-exports the main entry's helpers, so both share one MiAccountError.
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

esbuild
  .build({
    entryPoints: [path.join(root, 'lib', 'index.ts')],
    outfile: path.join(root, 'dist', 'index.js'),
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Dependencies (passport-oauth2, debug…) stay require()d from node_modules.
    packages: 'external',
    sourcemap: true,
    sourcesContent: true,
    logLevel: 'warning',
    plugins: [
      {
        // The button is loaded on its first call (lib/button/lazy): it stays in its own files, out of the bundle.
        name: 'button-stays-lazy',
        setup(build) {
          build.onResolve({ filter: /^\.\/render$/ }, (args) =>
            args.importer.endsWith(`${path.sep}button${path.sep}lazy.ts`)
              ? { path: './button/render.js', external: true }
              : undefined,
          );
        },
      },
    ],
  })
  .catch(() => process.exit(1));
