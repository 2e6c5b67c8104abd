// Writes ESM entry points (.mjs + .d.mts) that re-export the CommonJS build. One implementation serves both
// `require` and `import`, so classes such as MiAccountError stay identical (no dual-package hazard).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const entries = ['index', 'emulator/index', 'browser', 'entries/protocol', 'entries/button'];

for (const entry of entries) {
  const cjsFile = path.join(dist, `${entry}.js`);
  const names = Object.keys(require(cjsFile)).filter((name) => name !== 'default' && name !== '__esModule');
  const base = `./${path.basename(entry)}.js`;
  const hasDefault = 'default' in require(cjsFile);
  const js = [
    `import cjs from '${base}';`,
    names.length > 0 ? `export const { ${names.join(', ')} } = cjs;` : '',
    hasDefault ? 'export default cjs.default;' : '',
    '',
  ].filter((line, i, all) => line !== '' || i === all.length - 1);
  fs.writeFileSync(path.join(dist, `${entry}.mjs`), js.join('\n'));
  const dts = [`export * from '${base}';`, hasDefault ? `export { default } from '${base}';` : '', ''].filter(
    (line, i, all) => line !== '' || i === all.length - 1,
  );
  fs.writeFileSync(path.join(dist, `${entry}.d.mts`), dts.join('\n'));
}
