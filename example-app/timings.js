'use strict';

const diagnosticsChannel = require('node:diagnostics_channel');
// In your app: require('passport-mi-account'). The example uses the local build.
const { MI_ACCOUNT_LOGIN_CHANNEL } = require('../dist');

// Logins whose callback is still running, by loginId; bounded so that abandoned ones cannot grow it.
const MAX_OPEN_LOGINS = 1000;

/**
 * Prints one line per login leg with the time of each milestone, read from the library's login channel:
 * `login #2: callback 0.0 ms → tokens 11.8 ms → profile 19.6 ms → success 20.1 ms`. Returns a function that stops.
 *
 * @param {(line: string) => void} log
 */
function printLoginTimings(log) {
  const open = new Map();
  const onLogin = (event) => {
    const steps = open.get(event.loginId) || [];
    steps.push(`${event.event} ${event.elapsedMs.toFixed(1)} ms`);
    const last = event.event === 'redirect' || event.event === 'success' || event.event === 'failure';
    if (!last) {
      if (open.size >= MAX_OPEN_LOGINS) open.delete(open.keys().next().value);
      open.set(event.loginId, steps);
      return;
    }
    open.delete(event.loginId);
    log(`login #${event.loginId}: ${steps.join(' → ')}${event.reason ? ` (${event.reason})` : ''}`);
  };
  diagnosticsChannel.subscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
  return () => diagnosticsChannel.unsubscribe(MI_ACCOUNT_LOGIN_CHANNEL, onLogin);
}

/** True when DEBUG names passport-mi-account (or a pattern matching it), as the debug package reads it. */
function debugEnabled(env) {
  return String(env.DEBUG || '')
    .split(/[\s,]+/)
    .filter((pattern) => pattern && !pattern.startsWith('-'))
    .some((pattern) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test('passport-mi-account'),
    );
}

module.exports = { printLoginTimings, debugEnabled };
