#!/usr/bin/env node
// npm run bench:wan: callback legs across a modelled WAN. Mi Account (the emulator behind TLS, two hosts, each
// direction delayed by RTT/2) runs in one process, each app in a fresh process per run (one cold login, then warm
// ones), and this process drives the logins. Prints cold and warm legs in RTT units, min/median/max over rounds.
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { login, closeDriver } = require('./wan/driver');
const { ACCOUNT_HOST, OPEN_API_HOST } = require('./wan/hosts');
const { EMULATOR_OPTIONS, KINDS, LABELS } = require('./wan/strategies');
const { inRtt, medians, spread } = require('./wan/summary');
const { createTestCertificate } = require('./wan/test-cert');

const CLIENT_ID = '2882303761517383915';
const CLIENT_SECRET = 'wan-bench-secret-value';
const USERS = [{ id: '1001', nickname: 'Bench User', phone: '+86 1', email: 'b@example.com' }];
// The issue's targets for this project, with every profile scope (#16).
const TARGET_RTT = 2.3;

const { values: args } = parseArgs({
  options: {
    rtt: { type: 'string', default: '40,80' },
    tls: { type: 'string', default: '1.3,1.2' },
    rounds: { type: 'string', default: '5' },
    warm: { type: 'string', default: '8' },
    'consent-ms': { type: 'string', default: '1000' },
    kinds: { type: 'string', default: KINDS.join(',') },
    prime: { type: 'boolean', default: false },
    'prime-logins': { type: 'string', default: '1' },
    'write-readme': { type: 'boolean', default: false },
  },
});
const list = (text) => text.split(',').map((item) => item.trim());
const rtts = list(args.rtt).map(Number);
const tlsVersions = list(args.tls).map((v) => `TLSv${v}`);
const rounds = Number(args.rounds);
const warm = Number(args.warm);
const consentMs = Number(args['consent-ms']);
const kinds = list(args.kinds);
const prime = args.prime;
// How many logins prime the app's code (8 at a time): one compiles it, a few hundred let V8 optimize it.
const primeLogins = Number(args['prime-logins']);
for (const kind of kinds) if (!KINDS.includes(kind)) throw new Error(`--kinds: unknown ${kind} (${KINDS.join(', ')})`);
if (rtts.some((r) => !(r > 0)) || !(rounds >= 1) || !(warm >= 1) || !(consentMs >= 0))
  throw new Error('--rtt, --rounds and --warm must be positive numbers, --consent-ms ≥ 0');
if (!(primeLogins >= 1)) throw new Error('--prime-logins must be a positive number');
for (const v of tlsVersions) if (v !== 'TLSv1.2' && v !== 'TLSv1.3') throw new Error(`--tls: ${v} is not 1.2 or 1.3`);

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Forks a script with a JSON argument and resolves once it sends its first message. */
function forkWithReady(script, settings, env = process.env) {
  const child = fork(path.join(__dirname, 'wan', script), [JSON.stringify(settings)], { env, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
    child.once('message', (message) => {
      child.removeAllListeners('exit');
      resolve({ child, ready: message.ready });
    });
  });
}

const exited = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));

/** The Mi side of one network configuration: one site per strategy kind, each registering its app's callback. */
async function startRemote(network, appPorts) {
  const sites = kinds.map((name) => ({
    name,
    emulatorOptions: {
      clients: [
        {
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectURIs: [
            `http://127.0.0.1:${appPorts[name]}/auth/callback`,
            `http://127.0.0.1:${appPorts[name]}/prime/callback`,
          ],
          sensitiveScopes: true,
        },
      ],
      users: USERS,
      autoApprove: '1001',
      ...EMULATOR_OPTIONS[name],
    },
  }));
  const { child, ready } = await forkWithReady('remote-process.js', { ...network, prime, sites });
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', (reply) => resolve(reply.connections));
      child.send(message);
    });
  return {
    urls: ready,
    connections: (site) => ask({ type: 'connections', site }),
    reset: (site) => ask({ type: 'reset', site }),
    close: async () => {
      if (child.connected) child.send({ type: 'close' });
      await exited(child);
    },
  };
}

// The app trusts the test CA through Node's own variable (no library option needed) and talks to the model directly.
function appEnvironment(caFile) {
  const proxies = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !proxies.has(name)));
  return { ...env, NODE_EXTRA_CA_CERTS: caFile };
}

/** Collects the app's busy time per measured callback; `first(n)` resolves with the first n once they have arrived. */
function callbackBusy(child) {
  const values = [];
  let waiting;
  child.on('message', (message) => {
    if (typeof message.callbackBusyMs !== 'number') return;
    values.push(message.callbackBusyMs);
    if (waiting && values.length >= waiting.n) waiting.resolve(values.slice(0, waiting.n));
  });
  child.once('exit', (code) => waiting?.reject(new Error(`the app exited (${code}) after ${values.length} callbacks`)));
  return {
    // The report leaves the app as its response does, so it may arrive just after the driver's last login.
    first: (n) =>
      values.length >= n
        ? Promise.resolve(values.slice(0, n))
        : new Promise((resolve, reject) => (waiting = { n, resolve, reject })),
  };
}

/** One run: a fresh app process, one cold login, then `warm` warm ones. */
async function runOnce(kind, remote, port, caFile) {
  await remote.reset(kind);
  const settings = {
    kind,
    port,
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: `http://127.0.0.1:${port}/auth/callback`,
    ...remote.urls[kind].urls,
    prime: remote.urls[kind].primeUrls,
  };
  const { child } = await forkWithReady('app-process.js', settings, appEnvironment(caFile));
  const busy = callbackBusy(child);
  try {
    const appUrl = `http://127.0.0.1:${port}`;
    for (let primed = 0; prime && primed < primeLogins; primed += 8) {
      await Promise.all(Array.from({ length: Math.min(8, primeLogins - primed) }, () => login(appUrl, 0, 'prime')));
    }
    const cold = await login(appUrl, consentMs);
    const coldConnections = await remote.connections(kind);
    const warmLegs = [];
    for (let i = 0; i < warm; i += 1) warmLegs.push(await login(appUrl, consentMs));
    const [coldBusy, ...warmBusy] = await busy.first(warm + 1);
    return { cold, warm: warmLegs, coldBusy, warmBusy, coldConnections, connections: await remote.connections(kind) };
  } finally {
    closeDriver();
    if (child.connected) child.send('close');
    await exited(child);
  }
}

function table(results, machine, seconds) {
  const lines = [
    `Machine: ${machine}. \`npm run bench:wan\`: RTT ${rtts.join(' and ')} ms, TLS ${tlsVersions.map((v) => v.slice(4)).join(' and ')}; rounds: ${rounds}, each a fresh app process with 1 cold login${prime ? ` (its code primed by ${primeLogins === 1 ? 'a login' : `${primeLogins} logins`} through other ports)` : ''} then ${warm} warm; ${consentMs} ms on the consent page; took ${Math.round(seconds)} s. Legs: median × RTT (min–max), then the median in ms.`,
    '',
    '| RTT, TLS | strategy | cold callback leg | warm callback leg | app busy per callback, cold / warm (median) | connections opened, cold login (account + open API host) | target (#16) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { rttMs, tlsVersion, kind, runs } of results) {
    const cold = runs.map((r) => r.cold);
    const warmLegs = runs.flatMap((r) => r.warm);
    const count = (c) => `${c.account} + ${c.open}`;
    const distinct = (pick) => [...new Set(runs.map((r) => count(pick(r))))].join(', ');
    const conns = `${distinct((r) => r.coldConnections)}; all ${warm + 1} logins: ${distinct((r) => r.connections)}`;
    const busy = medians(
      runs.map((r) => r.coldBusy),
      runs.flatMap((r) => r.warmBusy),
    );
    const verdict = (values) => (spread(values).median / rttMs <= TARGET_RTT ? 'met' : 'missed');
    const target =
      kind === 'ours'
        ? `cold ≤ ${TARGET_RTT} × (${verdict(cold)}), warm ≤ ${TARGET_RTT} × (${verdict(warmLegs)})`
        : 'comparison';
    lines.push(
      `| ${rttMs} ms, ${tlsVersion.slice(4)} | ${LABELS[kind]} | ${inRtt(cold, rttMs)} | ${inRtt(warmLegs, rttMs)} | ${busy} | ${conns} | ${target} |`,
    );
  }
  return lines.join('\n');
}

async function writeReadme(text) {
  const readme = path.join(__dirname, '..', '..', 'README.md');
  const content = fs.readFileSync(readme, 'utf8');
  // A primed run has its own table: the cold leg of a long-running app, beside the fresh process's.
  const marker = prime ? 'bench-wan-primed' : 'bench-wan';
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  if (!content.includes(start)) throw new Error(`README has no ${marker} markers`);
  const updated = content.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${text}\n${end}`);
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(readme)) || {};
  fs.writeFileSync(readme, await prettier.format(updated, { ...options, filepath: readme }));
  process.stderr.write('bench:wan: README updated\n');
}

async function main() {
  const cpu = os.cpus();
  const machine = `${cpu[0] ? cpu[0].model.trim() : 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const began = performance.now();
  const cert = createTestCertificate([ACCOUNT_HOST, OPEN_API_HOST]);
  const results = [];
  try {
    for (const rttMs of rtts) {
      for (const tlsVersion of tlsVersions) {
        const appPorts = {};
        for (const kind of kinds) appPorts[kind] = await freePort();
        const remote = await startRemote({ rttMs, tlsVersion, key: cert.key, cert: cert.cert }, appPorts);
        const byKind = new Map(kinds.map((kind) => [kind, []]));
        try {
          // Rounds alternate the strategies, so a slow moment of the machine hits all of them.
          for (let round = 1; round <= rounds; round += 1) {
            process.stderr.write(`bench:wan: RTT ${rttMs} ms, ${tlsVersion}, round ${round}/${rounds}\n`);
            for (const kind of kinds) byKind.get(kind).push(await runOnce(kind, remote, appPorts[kind], cert.caFile));
          }
        } finally {
          await remote.close();
        }
        for (const [kind, runs] of byKind) results.push({ rttMs, tlsVersion, kind, runs });
      }
    }
  } finally {
    cert.remove();
  }
  const text = table(results, machine, (performance.now() - began) / 1000);
  process.stdout.write(`${text}\n`);
  if (args['write-readme']) await writeReadme(text);
}

main().catch((err) => {
  process.stderr.write(`bench:wan failed: ${err.stack || err}\n`);
  process.exit(1);
});
