// The built package (dist/) in a fresh Node process: the DEBUG log, and tracing on the named channels.
// The in-process behaviour of the same modules is specified in test/trace.test.ts.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { MiAccountRequestContext } from '../../lib/observability/trace';

const run = promisify(execFile);
const DIST = path.join(__dirname, '..', '..', 'dist');

describe('the built package in a fresh Node process', () => {
  const script = (prelude: string, postlude = '') => `
    ${prelude}
    const { startMiAccountEmulator } = require(${JSON.stringify(path.join(DIST, 'emulator'))});
    const { MiAccountClient } = require(${JSON.stringify(DIST)});
    ${postlude}
    (async () => {
      const clientID = '2882303761517383915';
      const em = await startMiAccountEmulator({ clients: [{ clientID, clientSecret: 'child-secret-1', redirectURIs: 'http://127.0.0.1:1/' }], users: [{ id: '1', nickname: 'x' }] });
      const client = new MiAccountClient({ clientID, clientSecret: 'child-secret-1', redirectURI: 'http://127.0.0.1:1/cb', tokenURL: em.tokenURL });
      await client.exchangeCode('not-a-code-1234').catch(() => undefined);
      await em.close();
    })();`;

  it('logs each call to stderr when started with DEBUG=passport-mi-account', async () => {
    const { stderr } = await run(process.execPath, ['-e', script('')], {
      env: { ...process.env, DEBUG: 'passport-mi-account', DEBUG_COLORS: 'no' },
    });
    expect(stderr).toMatch(
      /passport-mi-account token exchange GET 127\.0\.0\.1:\d+\/oauth2\/token → \d+, code 96013 in \d+\.\d ms — /,
    );
    expect(stderr).not.toContain('child-secret-1');
    expect(stderr).not.toContain('not-a-code-1234');
  });

  it('logs nothing without DEBUG', async () => {
    const { stderr } = await run(process.execPath, ['-e', script('')], { env: { ...process.env, DEBUG: '' } });
    expect(stderr).toBe('');
  });

  it('publishes each call on the tracing channel tracing:passport-mi-account:request:*', async () => {
    const prelude = `
      const dc = require('node:diagnostics_channel');
      dc.subscribe('tracing:passport-mi-account:request:asyncEnd', (c) => console.log(JSON.stringify(c)));`;
    const { stdout } = await run(process.execPath, ['-e', script(prelude)], { env: { ...process.env, DEBUG: '' } });
    const context = JSON.parse(stdout.trim()) as MiAccountRequestContext;
    expect(context).toMatchObject({ step: 'token exchange', endpoint: '/oauth2/token', attempt: 1, code: 96013 });
  });
});
