import { MiAccountClient, MiAccountError, MiAccountStrategy, MiAccountTokenStrategy } from '../../lib';
import { defaultEndpoints } from '../../lib/client/emulator-host';
import { startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { freePort, startTestApp, type TestApp } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, login, USERS } from '../helpers/mi';

const VARIABLE = 'MI_ACCOUNT_EMULATOR_HOST';
const verify = () => undefined;

describe('MI_ACCOUNT_EMULATOR_HOST points every default endpoint at the emulator', () => {
  const saved = { host: process.env[VARIABLE], env: process.env.NODE_ENV };
  afterEach(() => {
    if (saved.host === undefined) delete process.env.MI_ACCOUNT_EMULATOR_HOST;
    else process.env.MI_ACCOUNT_EMULATOR_HOST = saved.host;
    if (saved.env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved.env;
  });

  it('keeps Xiaomi’s endpoints when unset or empty', () => {
    expect(defaultEndpoints({}).tokenURL).toBe('https://account.xiaomi.com/oauth2/token');
    expect(defaultEndpoints({ [VARIABLE]: '  ' }).openApiURL).toBe('https://open.account.xiaomi.com');
  });

  it('gives the emulator’s three endpoints for host:port, IPv6 included', () => {
    expect(defaultEndpoints({ [VARIABLE]: '127.0.0.1:4000' })).toEqual({
      authorizationURL: 'http://127.0.0.1:4000/oauth2/authorize',
      tokenURL: 'http://127.0.0.1:4000/oauth2/token',
      openApiURL: 'http://127.0.0.1:4000',
    });
    expect(defaultEndpoints({ [VARIABLE]: '[::1]:4000' }).tokenURL).toBe('http://[::1]:4000/oauth2/token');
  });

  it.each(['http://127.0.0.1:4000', '127.0.0.1', 'localhost:4000/path', 'a b:1'])(
    'refuses %j with a configuration error that names the variable',
    (value) => {
      expect(() => defaultEndpoints({ [VARIABLE]: value })).toThrow(MiAccountError);
      expect(() => defaultEndpoints({ [VARIABLE]: value })).toThrow(
        /MI_ACCOUNT_EMULATOR_HOST must be the emulator's host:port/,
      );
    },
  );

  it('refuses to start under NODE_ENV=production, naming the variable, in every constructor', () => {
    process.env[VARIABLE] = '127.0.0.1:4000';
    process.env.NODE_ENV = 'production';
    const options = { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET };
    for (const construct of [
      () => new MiAccountStrategy(options, verify),
      () => new MiAccountClient(options),
      () => new MiAccountTokenStrategy({ clientID: CLIENT_ID }, verify),
    ]) {
      expect(construct).toThrow(/MI_ACCOUNT_EMULATOR_HOST is set \("127\.0\.0\.1:4000"\) while NODE_ENV=production/);
    }
  });

  it('lets explicit URL options win', () => {
    process.env[VARIABLE] = '127.0.0.1:4000';
    const client = new MiAccountClient({ clientID: CLIENT_ID, tokenURL: 'https://idc.example/oauth2/token' });
    expect(client.tokenURL).toBe('https://idc.example/oauth2/token');
    expect(client.openApiURL).toBe('http://127.0.0.1:4000');
  });

  describe('over HTTP', () => {
    let emulator: MiEmulator;
    let app: TestApp;
    beforeAll(async () => {
      const port = await freePort();
      emulator = await startMiAccountEmulator({
        clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectURIs: `http://127.0.0.1:${port}/auth` }],
        users: USERS,
        autoApprove: '1001',
      });
      process.env[VARIABLE] = new URL(emulator.url).host;
      app = await startTestApp({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET }, port);
    });
    afterAll(async () => {
      await app?.close();
      await emulator?.close();
    });

    it('logs in against the emulator with no endpoint option at all', async () => {
      const { final } = await login(app);
      expect(final.status).toBe(200);
      expect(app.verified).toHaveLength(1);
      expect(emulator.stats.requests['/oauth2/token']).toBe(1);
    });
  });
});
