// The DEBUG log's wiring: `debug` is loaded and the log subscribed only when DEBUG names this library, and only once
// the library is used. Checked in fresh Node processes (the library's sources through ts-node), as an app starts.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { debugNames, MI_ACCOUNT_DEBUG_NAMESPACE } from '../../lib/observability/debug-log';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

/** Runs `body` in a fresh Node process with `DEBUG` set to `debug`; `loaded()` tells whether `debug` was required. */
async function inFreshProcess(debug: string, body: string): Promise<{ stdout: string; stderr: string }> {
  const script = `
    const loaded = () => Object.keys(require.cache).some((file) => /node_modules[\\\\/]debug[\\\\/]/.test(file));
    ${body}`;
  return run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, DEBUG: debug, DEBUG_COLORS: 'no' },
  });
}

// A call and a login milestone, the first use of the library's observability.
const FIRST_USE = `
  const { traceRequest, publishLogin } = require('./lib/observability/trace');
  const call = { step: 'token exchange', method: 'GET', host: 'mi.test', endpoint: '/oauth2/token' };
  traceRequest(call, async (context) => { if (context) context.status = 200; }).then(() => {
    publishLogin({}, 'mi-account', 'redirect');
    console.log(JSON.stringify({ debug: loaded() }));
  });`;

describe('the DEBUG log', () => {
  it('requiring the library loads no `debug` and subscribes to nothing, even with DEBUG=passport-mi-account', async () => {
    const { stdout } = await inFreshProcess(
      MI_ACCOUNT_DEBUG_NAMESPACE,
      `const dc = require('node:diagnostics_channel');
       require('./lib');
       const subscribed = ['passport-mi-account:login', 'tracing:passport-mi-account:request:asyncEnd'].some(
         (name) => dc.channel(name).hasSubscribers,
       );
       console.log(JSON.stringify({ debug: loaded(), subscribed }));`,
    );
    expect(JSON.parse(stdout)).toEqual({ debug: false, subscribed: false });
  }, 20_000);

  it('logs the calls and the login milestones from the first use on when DEBUG names the library', async () => {
    const { stdout, stderr } = await inFreshProcess(`express:*,${MI_ACCOUNT_DEBUG_NAMESPACE}`, FIRST_USE);
    expect(JSON.parse(stdout)).toEqual({ debug: true });
    expect(stderr).toMatch(/passport-mi-account token exchange GET mi\.test\/oauth2\/token → 200 in \d+\.\d ms/);
    expect(stderr).toMatch(/passport-mi-account login #1 redirect to Mi Account at \d+\.\d ms \[mi-account\]/);
  }, 20_000);

  it('never loads `debug` when DEBUG names other libraries only', async () => {
    const { stdout, stderr } = await inFreshProcess('express:*', FIRST_USE);
    expect(JSON.parse(stdout)).toEqual({ debug: false });
    expect(stderr).toBe('');
  }, 20_000);
});

describe('debugNames', () => {
  it.each([
    ['passport-mi-account', true],
    ['*', true],
    ['passport-*', true],
    ['express:*, passport-mi-account', true],
    ['express:* passport-mi-account', true],
    ['*,-passport-mi-account', false],
    ['passport-mi-account,-passport-*', false],
    ['passport-mi-account-extra', false],
    ['passport-mi', false],
    ['passport.mi.account', false],
    ['', false],
  ])('reads DEBUG=%j as `debug` 4 does: %s', (value, enabled) => {
    expect(debugNames(value, MI_ACCOUNT_DEBUG_NAMESPACE)).toBe(enabled);
  });

  it('reads an unset DEBUG as naming nothing', () => {
    expect(debugNames(undefined, MI_ACCOUNT_DEBUG_NAMESPACE)).toBe(false);
  });
});
