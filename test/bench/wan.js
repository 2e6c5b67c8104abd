#!/usr/bin/env node
// npm run bench:wan: callback legs and the app's CPU across a modelled WAN. Mi Account (the emulator behind TLS, two
// hosts, each direction delayed by RTT/2) runs in one process, each app in a fresh process per round (one cold login,
// then warm ones taking turns with the other apps of its Node line), and this process drives the logins. Prints, per Node line that runs the apps (--node), the app's
// CPU per callback against a hand-written passport-oauth2 client making the same three calls, and the cold and warm
// legs in RTT units (the summary), then every strategy's figures, min/median/max over rounds.
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { freePort, nodeLines } = require('./machine');
const { login, closeDriver } = require('./wan/driver');
const { ACCOUNT_HOST, OPEN_API_HOST } = require('./wan/hosts');
const { EMULATOR_OPTIONS, KINDS, LABELS } = require('./wan/strategies');
const { inRtt, medians, ranged, sideBySide, spread } = require('./wan/summary');
const { createTestCertificate } = require('./wan/test-cert');

const CLIENT_ID = '2882303761517383915';
const CLIENT_SECRET = 'wan-bench-secret-value';
const USERS = [{ id: '1001', nickname: 'Bench User', phone: '+86 1', email: 'b@example.com' }];
// The targets: each callback leg at the floor of 2 round trips plus the app's own time (#16); the cold leg within
// 0.3 × RTT of the warm one, and the app's CPU per warm callback within 1.05 × the hand-written client's (#24).
const TARGET_RTT = 2.3;
const TARGET_COLD_OVER_WARM = 0.3;
const TARGET_CPU_RATIO = 1.05;

const { values: args } = parseArgs({
  options: {
    rtt: { type: 'string', default: '40,80' },
    tls: { type: 'string', default: '1.3,1.2' },
    rounds: { type: 'string', default: '5' },
    warm: { type: 'string', default: '8' },
    'consent-ms': { type: 'string', default: '1000' },
    kinds: { type: 'string', default: KINDS.join(',') },
    node: { type: 'string', default: '' },
    prime: { type: 'boolean', default: false },
    'prime-logins': { type: 'string', default: '1' },
    'write-docs': { type: 'boolean', default: false },
    raw: { type: 'string', default: '' },
    'from-raw': { type: 'string', default: '' },
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

const nodes = nodeLines(args.node);

/** Forks a script (on `execPath`) with a JSON argument and resolves once it sends its first message. */
function forkWithReady(script, settings, env = process.env, execPath = process.execPath) {
  const options = { env, execPath, stdio: 'inherit' };
  const child = fork(path.join(__dirname, 'wan', script), [JSON.stringify(settings)], options);
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

/**
 * Collects the app's reports: CPU and busy time per measured callback, CPU per login; `first(n)` resolves with the
 * first n of each once they have arrived.
 */
function appReports(child) {
  const reports = { callbackCpu: [], callbackBusy: [], loginCpu: [] };
  let waiting;
  const ready = (n) => reports.callbackCpu.length >= n && reports.loginCpu.length >= n;
  const firstOf = (n) =>
    Object.fromEntries(Object.entries(reports).map(([name, values]) => [name, values.slice(0, n)]));
  child.on('message', (message) => {
    if (typeof message.callbackCpuMs === 'number') {
      reports.callbackCpu.push(message.callbackCpuMs);
      reports.callbackBusy.push(message.callbackBusyMs);
    } else if (typeof message.loginCpuMs === 'number') reports.loginCpu.push(message.loginCpuMs);
    else return;
    if (waiting && ready(waiting.n)) waiting.resolve(firstOf(waiting.n));
  });
  child.once('exit', (code) =>
    waiting?.reject(new Error(`the app exited (${code}) after ${reports.loginCpu.length} logins`)),
  );
  return {
    // The reports leave the app as its responses do, so they may arrive just after the driver's last login.
    first: (n) =>
      ready(n) ? Promise.resolve(firstOf(n)) : new Promise((resolve, reject) => (waiting = { n, resolve, reject })),
  };
}

/** A fresh app process of `kind` on `node`, primed when asked: its URL, reports and a close. */
async function startApp(node, kind, remote, port, caFile) {
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
  const { child } = await forkWithReady('app-process.js', settings, appEnvironment(caFile), node.path);
  const app = {
    kind,
    url: `http://127.0.0.1:${port}`,
    reports: appReports(child),
    close: async () => {
      if (child.connected) child.send('close');
      await exited(child);
    },
  };
  try {
    for (let primed = 0; prime && primed < primeLogins; primed += 8) {
      await Promise.all(Array.from({ length: Math.min(8, primeLogins - primed) }, () => login(app.url, 0, 'prime')));
    }
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}

/**
 * One round on `node`: a fresh app process per kind, each with one cold login, then `warm` warm logins that take
 * turns between the apps, so a slow moment of the machine costs every app alike (their CPU ratio is the measure).
 */
async function runRound(node, order, remote, appPorts, caFile) {
  const apps = [];
  try {
    for (const kind of order) apps.push(await startApp(node, kind, remote, appPorts[kind], caFile));
    const runs = new Map(apps.map((app) => [app, { warm: [] }]));
    for (const app of apps) {
      runs.get(app).cold = await login(app.url, consentMs);
      runs.get(app).coldConnections = await remote.connections(app.kind);
    }
    for (let i = 0; i < warm; i += 1) {
      // Each turn starts one app further, so no app always follows the same one.
      const turn = i % apps.length;
      for (const app of [...apps.slice(turn), ...apps.slice(0, turn)])
        runs.get(app).warm.push(await login(app.url, consentMs));
    }
    const byKind = {};
    for (const app of apps) {
      const { callbackCpu, callbackBusy, loginCpu } = await app.reports.first(warm + 1);
      // [cold, ...warm] each
      byKind[app.kind] = {
        ...runs.get(app),
        callbackCpu,
        callbackBusy,
        loginCpu,
        connections: await remote.connections(app.kind),
      };
    }
    return byKind;
  } finally {
    closeDriver();
    await Promise.all(apps.map((app) => app.close()));
  }
}

const coldAndWarm = (values) => ({ cold: values.slice(0, 1), warm: values.slice(1) });

/** The machine and the run, one line. */
function runLine(machine, seconds) {
  const apps = nodes.map((node) => node.version).join(', ');
  const primed = prime
    ? ` (its code primed by ${primeLogins === 1 ? 'a login' : `${primeLogins} logins`} through other ports)`
    : '';
  return `Machine: ${machine}; Mi model and driver on Node ${process.version}, apps on Node ${apps}. \`npm run bench:wan\`: RTT ${rtts.join(' and ')} ms, TLS ${tlsVersions.map((v) => v.slice(4)).join(' and ')}; rounds: ${rounds}, each a fresh app process with 1 cold login${primed} then ${warm} warm; ${consentMs} ms on the consent page; took ${Math.round(seconds)} s.`;
}

/**
 * Per network and Node line: the app's CPU per warm callback (and per warm login) of passport-mi-account over the
 * hand-written client's (the medians over every warm one of the interleaved runs), and our cold and warm legs.
 */
function summaryTable(results) {
  const lines = [
    `| RTT, TLS | Node | app CPU per warm callback: passport-mi-account / hand-written client (median) | ratio (range of the rounds' ratios) | target ≤ ${TARGET_CPU_RATIO} × | same ratio per whole login | cold callback leg | warm callback leg | cold − warm | target ≤ ${TARGET_COLD_OVER_WARM} × RTT |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const find = (config, node, kind) =>
    results.find(
      (r) =>
        r.rttMs === config.rttMs && r.tlsVersion === config.tlsVersion && r.node.path === node.path && r.kind === kind,
    );
  for (const config of results.filter((r) => r.kind === 'ours')) {
    const { rttMs, tlsVersion, node, runs } = config;
    const floor = find(config, node, 'hand-written');
    const warmOf = (list, key) => list.map((run) => coldAndWarm(run[key]).warm);
    const cold = spread(runs.map((r) => r.cold)).median / rttMs;
    const warmLeg = spread(runs.flatMap((r) => r.warm)).median / rttMs;
    const over = cold - warmLeg;
    let cpu = ['', '', '', ''];
    if (floor) {
      const ratio = sideBySide(warmOf(runs, 'callbackCpu'), warmOf(floor.runs, 'callbackCpu'));
      const login = sideBySide(warmOf(runs, 'loginCpu'), warmOf(floor.runs, 'loginCpu'));
      const median = (list) => spread(warmOf(list, 'callbackCpu').flat()).median.toFixed(2);
      cpu = [
        `${median(runs)} / ${median(floor.runs)} ms`,
        `${ranged(ratio)} ×`,
        // Judged as printed, to two decimals.
        Number(ratio.median.toFixed(2)) <= TARGET_CPU_RATIO ? 'met' : 'missed',
        `${ranged(login)} ×`,
      ];
    }
    lines.push(
      `| ${rttMs} ms, ${tlsVersion.slice(4)} | ${node.version} | ${cpu[0]} | ${cpu[1]} | ${cpu[2]} | ${cpu[3]} | ${cold.toFixed(2)} × | ${warmLeg.toFixed(2)} × | ${(Number(over.toFixed(2)) || 0).toFixed(2)} × | ${Number(over.toFixed(2)) <= TARGET_COLD_OVER_WARM ? 'met' : 'missed'} |`,
    );
  }
  return lines.join('\n');
}

/** Every strategy's legs, app time and connections: min/median/max over rounds. */
function fullTable(results) {
  const lines = [
    `| RTT, TLS | Node | strategy | cold callback leg | warm callback leg | app CPU per callback, cold / warm (median) | app busy per callback, cold / warm (median) | app CPU per login, cold / warm (median) | connections opened, cold login (account + open API host) | warm leg ≤ ${TARGET_RTT} × (#16) |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { rttMs, tlsVersion, node, kind, runs } of results) {
    const cold = runs.map((r) => r.cold);
    const warmLegs = runs.flatMap((r) => r.warm);
    const count = (c) => `${c.account} + ${c.open}`;
    const distinct = (pick) => [...new Set(runs.map((r) => count(pick(r))))].join(', ');
    const logins = runs[0].warm.length + 1;
    const conns = `${distinct((r) => r.coldConnections)}; all ${logins} logins: ${distinct((r) => r.connections)}`;
    const app = (key) =>
      medians(
        runs.flatMap((r) => coldAndWarm(r[key]).cold),
        runs.flatMap((r) => coldAndWarm(r[key]).warm),
      );
    const target = kind === 'ours' ? (spread(warmLegs).median / rttMs <= TARGET_RTT ? 'met' : 'missed') : 'comparison';
    lines.push(
      `| ${rttMs} ms, ${tlsVersion.slice(4)} | ${node.version} | ${LABELS[kind]} | ${inRtt(cold, rttMs)} | ${inRtt(warmLegs, rttMs)} | ${app('callbackCpu')} | ${app('callbackBusy')} | ${app('loginCpu')} | ${conns} | ${target} |`,
    );
  }
  return lines.join('\n');
}

/** Puts `text` between `<!-- name:start -->` and `<!-- name:end -->` in `file`, formatted as prettier would. */
async function writeBetweenMarkers(file, name, text) {
  const content = fs.readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  if (!content.includes(start)) return false;
  const updated = content.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => `${start}\n${text}\n${end}`);
  const prettier = require('prettier');
  const options = (await prettier.resolveConfig(file)) || {};
  fs.writeFileSync(file, await prettier.format(updated, { ...options, filepath: file }));
  return true;
}

/**
 * --write-docs: the tables go into docs/performance.md between the markers of this kind of run (`name`: bench-wan,
 * with -lines when several Node lines ran, -primed with --prime).
 */
async function writeDocs(name, summary, full) {
  const root = path.join(__dirname, '..', '..');
  const docs = path.join(root, 'docs', 'performance.md');
  if (!(await writeBetweenMarkers(docs, name, `${summary}\n\n${full}`)))
    throw new Error(`docs/performance.md has no ${name} markers`);
  process.stderr.write(`bench:wan: docs/performance.md updated (${name})\n`);
}

/** Every run of every app, interleaved round by round; resolves to { line, marker, results }. */
async function measure() {
  const cpu = os.cpus();
  const machine = `${cpu[0] ? cpu[0].model.trim() : 'unknown CPU'}, ${cpu.length} cores, ${os.platform()} ${os.arch()}`;
  const began = performance.now();
  const cert = createTestCertificate([ACCOUNT_HOST, OPEN_API_HOST]);
  const results = [];
  // Each run is one app: a Node line and a strategy.
  const apps = nodes.flatMap((node) => kinds.map((kind) => ({ node, kind })));
  try {
    for (const rttMs of rtts) {
      for (const tlsVersion of tlsVersions) {
        const appPorts = {};
        for (const kind of kinds) appPorts[kind] = await freePort();
        const remote = await startRemote({ rttMs, tlsVersion, key: cert.key, cert: cert.cert }, appPorts);
        const byApp = new Map(apps.map((app) => [app, []]));
        try {
          // Rounds alternate the Node lines and which app starts, each round starting one further.
          for (let round = 1; round <= rounds; round += 1) {
            process.stderr.write(`bench:wan: RTT ${rttMs} ms, ${tlsVersion}, round ${round}/${rounds}\n`);
            const lineTurn = (round - 1) % nodes.length;
            const kindTurn = (round - 1) % kinds.length;
            const order = [...kinds.slice(kindTurn), ...kinds.slice(0, kindTurn)];
            for (const node of [...nodes.slice(lineTurn), ...nodes.slice(0, lineTurn)]) {
              const byKind = await runRound(node, order, remote, appPorts, cert.caFile);
              for (const app of apps) if (app.node === node) byApp.get(app).push(byKind[app.kind]);
            }
          }
        } finally {
          await remote.close();
        }
        for (const [{ node, kind }, runs] of byApp) results.push({ rttMs, tlsVersion, node, kind, runs });
      }
    }
  } finally {
    cert.remove();
  }
  const line = runLine(machine, (performance.now() - began) / 1000);
  const marker = `bench-wan${nodes.length > 1 ? '-lines' : ''}${prime ? '-primed' : ''}`;
  return { line, marker, results };
}

async function main() {
  // --from-raw FILE prints (and with --write-docs writes) the tables of a run saved with --raw FILE, without a run.
  const run = args['from-raw'] ? JSON.parse(fs.readFileSync(args['from-raw'], 'utf8')) : await measure();
  const { line, marker, results } = run;
  const summary = results.some((r) => r.kind === 'ours') ? `${line}\n\n${summaryTable(results)}` : line;
  const full = fullTable(results);
  process.stdout.write(`${summary}\n\n${full}\n`);
  if (args['write-docs']) await writeDocs(marker, summary, full);
  // --raw FILE: every measurement, for another look at the figures.
  if (args.raw) fs.writeFileSync(args.raw, JSON.stringify(run, null, 1));
}

main().catch((err) => {
  process.stderr.write(`bench:wan failed: ${err.stack || err}\n`);
  process.exit(1);
});
