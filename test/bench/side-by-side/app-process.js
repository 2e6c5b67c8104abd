// The apps of `npm run bench:side-by-side`, all in this one process: passport-mi-account (this build, and with
// --against another build of it) and the hand-written client, each on its own routes with its own Mi site. They share
// the event loop, the heap and Node's own compiled code, so the difference between their CPU per callback is their
// own code's. Settings arrive as JSON in argv[2]; each callback's CPU time goes to the parent over IPC.
'use strict';
const path = require('node:path');
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { createHandWrittenStrategy } = require('../wan/hand-written-strategy');

const settings = JSON.parse(process.argv[2]);
const ALL_PROFILE_SCOPES = ['profile', 'openid', 'phone', 'email'];
const passport = new Passport();

/** The strategy of one app: the hand-written client, or MiAccountStrategy from the build at `dist`. */
function strategyOf(app, callbackURL) {
  const options = { ...settings.client, ...app.urls, callbackURL, state: true };
  if (app.kind === 'hand-written') {
    return createHandWrittenStrategy(options, (params, profile, contact, done) =>
      done(null, { id: params.openId, nick: profile.miliaoNick, email: contact.email }),
    );
  }
  const { MiAccountStrategy } = require(path.resolve(app.dist));
  return new MiAccountStrategy(
    { ...options, scope: ALL_PROFILE_SCOPES },
    (accessToken, refreshToken, params, profile, done) =>
      done(null, { id: profile.id, nick: profile.displayName, email: profile.emails && profile.emails[0].value }),
  );
}

const app = express();
// The app's cost of each callback, from its arrival to its response: the process's CPU time, all threads.
for (const { route } of settings.apps) {
  app.use(`/${route}/callback`, (_req, res, next) => {
    const before = process.cpuUsage();
    res.on('finish', () => {
      const used = process.cpuUsage(before);
      process.send({ route, cpuMs: (used.user + used.system) / 1000 });
    });
    next();
  });
}
app.use(session({ secret: 'side-by-side', resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));
for (const entry of settings.apps) {
  passport.use(entry.route, strategyOf(entry, `http://127.0.0.1:${settings.port}/${entry.route}/callback`));
  app.get(`/${entry.route}/start`, passport.authenticate(entry.route));
  app.get(`/${entry.route}/callback`, passport.authenticate(entry.route, { failureRedirect: '/failed' }), (_req, res) =>
    res.redirect('/me'),
  );
}
app.get('/me', (req, res) => res.json(req.user || null));
app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));

app.listen(settings.port, '127.0.0.1', () => process.send({ ready: true }));
// The bench went away without saying so: do not outlive it.
process.on('disconnect', () => process.exit(0));
