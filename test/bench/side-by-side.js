#!/usr/bin/env node
// npm run bench:side-by-side: the app's CPU per login callback, passport-mi-account against the hand-written client
// (test/bench/wan/hand-written-strategy.js), both in ONE app process that takes their logins in turn. Sharing the
// process, they share the machine's moments, the heap and Node's own compiled code, so the ratio is their own code's
// and moves by about ±0.01 between runs; apps in separate processes (bench:wan) stray by ±0.1 on a virtual machine.
// With --against DIR, a third app runs another build of the library (its dist/ folder): an A/B of a change.
// Mi Account is the emulator behind TLS 1.3 on loopback (no WAN delay), in this process with the driver.
'use strict';
const { fork } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { startMiAccountEmulator } = require('../../dist/emulator');
const { freePort, nodeLines } = require('./machine');
const { login, closeDriver } = require('./wan/driver');
const { spread } = require('./wan/summary');
const { createTestCertificate } = require('./wan/test-cert');
const { startTlsFront } = require('./wan/tls-front');

const CLIENT = { clientID: '2882303761517383915', clientSecret: 'side-by-side-secret-value' };
const USERS = [{ id: '1001', nickname: 'Bench User', phone: '+86 1', email: 'b@example.com' }];

const { values: args } = parseArgs({
  options: {
    node: { type: 'string', default: '' },
    rounds: { type: 'string', default: '3' },
    logins: { type: 'string', default: '600' },
    prime: { type: 'string', default: '200' },
    against: { type: 'string', default: '' },
  },
});
const rounds = Number(args.rounds);
const logins = Number(args.logins);
const prime = Number(args.prime);
if (!(rounds >= 1) || !(logins >= 1) || !(prime >= 0)) throw new Error('--rounds and --logins ≥ 1, --prime ≥ 0');

/** One Mi Account for one app: the emulator, and TLS in front of its token endpoint and Open API. */
async function startMiSite(route, port, certificate, emulatorOptions) {
  const redirectURIs = [`http://127.0.0.1:${port}/${route}/callback`];
  const emulator = await startMiAccountEmulator({
    clients: [{ ...CLIENT, redirectURIs, sensitiveScopes: true }],
    users: USERS,
    autoApprove: '1001',
    ...emulatorOptions,
  });
  const { key, cert } = certificate;
  const front = await startTlsFront({
    key,
    cert,
    tlsVersion: 'TLSv1.3',
    target: { host: '127.0.0.1', port: emulator.port },
  });
  return {
    urls: {
      authorizationURL: emulator.authorizationURL,
      tokenURL: `https://127.0.0.1:${front.port}/oauth2/token`,
      openApiURL: `https://127.0.0.1:${front.port}`,
    },
    close: async () => {
      await front.close();
      await emulator.close();
    },
  };
}

const median = (values) => spread(values).median;

/** A reproducible random sequence in [0, 1) (mulberry32), so a run's orders can be replayed. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `items` in a random order (Fisher–Yates). */
function shuffled(items, random) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** One round: a fresh app process on `node`, primed, then `logins` logins per app taking turns; CPU per callback. */
async function runRound(node, apps, port, caFile, round) {
  const settings = { port, client: CLIENT, apps };
  const child = fork(path.join(__dirname, 'side-by-side', 'app-process.js'), [JSON.stringify(settings)], {
    execPath: node.path,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    stdio: 'inherit',
  });
  const cpu = Object.fromEntries(apps.map(({ route }) => [route, []]));
  try {
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the app exited with code ${code} before it was ready`)));
    });
    child.removeAllListeners('exit');
    child.on('message', (message) => message.route && cpu[message.route].push(message.cpuMs));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < prime; i += 1) for (const { route } of apps) await login(url, 0, route);
    const primed = Object.fromEntries(apps.map(({ route }) => [route, cpu[route].length]));
    // Each turn takes the apps in a new order: an app's cost depends on which one ran just before it (what that one
    // left in the CPU's caches), so every app follows every other one equally often.
    const random = seededRandom(round);
    for (let i = 0; i < logins; i += 1) {
      for (const { route } of shuffled(apps, random)) await login(url, 0, route);
    }
    // The last reports leave the app with its responses: wait until each app's are all in.
    const deadline = Date.now() + 5000;
    while (apps.some(({ route }) => cpu[route].length < primed[route] + logins) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return Object.fromEntries(apps.map(({ route }) => [route, cpu[route].slice(primed[route])]));
  } finally {
    closeDriver();
    child.kill();
  }
}

async function main() {
  const started = Date.now();
  const nodes = nodeLines(args.node);
  const certificate = createTestCertificate(['127.0.0.1']);
  const port = await freePort();
  const apps = [
    { route: 'ours', kind: 'ours', dist: path.join(__dirname, '..', '..', 'dist'), label: 'passport-mi-account' },
    { route: 'hand', kind: 'hand-written', label: 'hand-written client' },
  ];
  if (args.against)
    apps.push({ route: 'against', kind: 'ours', dist: args.against, label: `--against ${args.against}` });
  const sites = [];
  try {
    for (const app of apps) {
      const site = await startMiSite(
        app.route,
        port,
        certificate,
        app.kind === 'ours' ? {} : { standardTokenResponse: true },
      );
      sites.push(site);
      app.urls = site.urls;
    }
    const rows = [];
    for (const node of nodes) {
      const all = Object.fromEntries(apps.map(({ route }) => [route, []]));
      const ratios = [];
      for (let round = 1; round <= rounds; round += 1) {
        process.stderr.write(`bench:side-by-side: ${node.version}, round ${round}/${rounds}\n`);
        const cpu = await runRound(node, apps, port, certificate.caFile, round);
        for (const { route } of apps) all[route].push(...cpu[route]);
        ratios.push(median(cpu.ours) / median(cpu.hand));
      }
      rows.push({ node, all, ratios });
    }
    const cpus = os.cpus();
    console.log(
      `Machine: ${cpus[0]?.model.trim()}, ${cpus.length} cores, ${os.platform()} ${os.arch()}. \`npm run bench:side-by-side\`: one app process per round with every app in it, ${prime} priming logins per app, then ${logins} per app taking turns; ${rounds} rounds; Mi Account on loopback behind TLS 1.3; took ${Math.round((Date.now() - started) / 1000)} s.\n`,
    );
    const against = args.against ? ' | --against build / hand-written' : '';
    console.log(
      `| Node | app CPU per callback: passport-mi-account / hand-written client (median) | ratio (range of the rounds) | target ≤ 1.05 ×${against} |`,
    );
    console.log(`|---|---|---|---${args.against ? '|---' : ''}|`);
    for (const { node, all, ratios } of rows) {
      const ours = median(all.ours);
      const hand = median(all.hand);
      const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
      const verdict = ours / hand <= 1.05 ? 'met' : 'missed';
      const extra = args.against ? ` | ${(median(all.against) / hand).toFixed(3)} × |` : ' |';
      console.log(
        `| ${node.version} | ${ours.toFixed(3)} / ${hand.toFixed(3)} ms | ${(ours / hand).toFixed(3)} (${range}) × | ${verdict}${extra}`,
      );
    }
  } finally {
    await Promise.all(sites.map((site) => site.close()));
    certificate.remove();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
