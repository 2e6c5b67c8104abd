// The app under test, alone in a fresh process per run so that its first login is cold: no pooled connection, no
// TLS session. Settings arrive as JSON in argv[2]; it answers 'ready' over IPC, then sends the CPU and busy time of
// each measured callback and login, and exits on 'close'. With `prime`, /prime/* logs in through other ports of the
// same Mi hosts.
'use strict';
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { createStrategy } = require('./strategies');

const settings = JSON.parse(process.argv[2]);
const passport = new Passport();
passport.use('login', createStrategy(settings.kind, settings));
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
// Reports the app's cost of each measured callback (arrival to response): the process's CPU time (user + system, all
// threads: V8's compiler and GC threads too), the measure of #24, and how long the event loop was busy (wall time, so
// it also counts moments the machine gave the core to another process). Also the CPU of the whole login, from
// /auth/start to the profile page, which counts what an app does while the user is on the consent page.
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
let loginCpu;
app.use('/auth/start', (_req, _res, next) => {
  loginCpu = process.cpuUsage();
  next();
});
app.use('/auth/callback', (_req, res, next) => {
  const before = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  res.on('finish', () =>
    process.send({ callbackBusyMs: performance.eventLoopUtilization(before).active, callbackCpuMs: cpuMs(cpu) }),
  );
  next();
});
app.use('/me', (_req, res, next) => {
  const since = loginCpu;
  loginCpu = undefined;
  if (since) res.on('finish', () => process.send({ loginCpuMs: cpuMs(since) }));
  next();
});
app.use(session({ secret: 'wan-bench', resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.get('/auth/start', passport.authenticate('login'));
app.get('/auth/callback', passport.authenticate('login', { failureRedirect: '/failed' }), (req, res) =>
  res.redirect('/me'),
);
if (settings.prime) {
  // The priming login: the same strategy through other ports, so it warms code and leaves the measured pools empty.
  const callbackURL = `http://127.0.0.1:${settings.port}/prime/callback`;
  passport.use('prime', createStrategy(settings.kind, { ...settings, ...settings.prime, callbackURL }));
  app.get('/prime/start', passport.authenticate('prime'));
  app.get('/prime/callback', passport.authenticate('prime', { failureRedirect: '/failed' }), (req, res) =>
    res.redirect('/me'),
  );
}
app.get('/me', (req, res) => res.json(req.user || null));
app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));

const server = app.listen(settings.port, '127.0.0.1', () => process.send({ ready: true }));
process.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
// The bench went away without saying so: do not outlive it.
process.on('disconnect', () => process.exit(0));
