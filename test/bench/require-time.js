#!/usr/bin/env node
// The cost of require('passport-mi-account') against passport-oauth2's own, each in a fresh Node process: pairs of
// runs, interleaved (their order alternating), medians compared. Used by npm run bench and test/package/require-time.
// Run alone: node test/bench/require-time.js [runs] → JSON.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const SUBJECTS = {
  ours: path.join(root, 'dist', 'index.js'),
  passportOAuth2: require.resolve('passport-oauth2', { paths: [root] }),
};

/** Milliseconds that require(file) takes in a fresh Node process (module loading only: no DEBUG namespace enabled). */
function timeRequire(file) {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  return Number(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, DEBUG: '' } }),
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Medians of `runs` interleaved fresh-process requires of each, and their ratio. */
function measureRequireTime(runs = 21) {
  for (const file of Object.values(SUBJECTS)) timeRequire(file); // a cold file cache would bill whichever runs first
  const times = { ours: [], passportOAuth2: [] };
  for (let i = 0; i < runs; i += 1) {
    const order = i % 2 === 0 ? ['ours', 'passportOAuth2'] : ['passportOAuth2', 'ours'];
    for (const subject of order) times[subject].push(timeRequire(SUBJECTS[subject]));
  }
  const ours = median(times.ours);
  const passportOAuth2 = median(times.passportOAuth2);
  return { runs, ours, passportOAuth2, ratio: ours / passportOAuth2 };
}

module.exports = { measureRequireTime };

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(measureRequireTime(Number(process.argv[2]) || undefined))}\n`);
}
