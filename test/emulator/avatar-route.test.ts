import { MiAccountClient } from '../../lib';
import { startMiAccountEmulator } from '../../lib/emulator';
import type { MiEmulator } from '../../lib/emulator';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>';
const CLIENT = {
  clientID: '2882303761517383915',
  clientSecret: 'avatar-route-secret',
  redirectURIs: 'http://127.0.0.1/cb',
};

// Mi sends https CDN avatar URLs, and the library keeps only http(s) ones (#14): a data: avatar is served over http.
describe('emulator: a data: avatar is published as an http URL that serves the image', () => {
  let emulator: MiEmulator;
  beforeAll(async () => {
    emulator = await startMiAccountEmulator({
      clients: [CLIENT],
      users: [{ id: 'u 1', nickname: 'Pic', avatar: `data:image/svg+xml,${encodeURIComponent(SVG)}` }],
      autoApprove: 'u 1',
    });
  });
  afterAll(() => emulator.close());

  it('reaches profile.photos and answers the SVG for every size', async () => {
    const client = new MiAccountClient({
      clientID: CLIENT.clientID,
      clientSecret: CLIENT.clientSecret,
      redirectURI: 'http://127.0.0.1/cb',
      tokenURL: emulator.tokenURL,
      openApiURL: emulator.openApiURL,
    });
    const consent = await fetch(
      `${emulator.authorizationURL}?client_id=${CLIENT.clientID}&response_type=code&redirect_uri=http://127.0.0.1/cb&scope=1%203`,
      { redirect: 'manual' },
    );
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const tokens = await client.exchangeCode(code);
    const profile = await client.getProfile({ ...tokens, openId: tokens.openId });
    expect(profile.photos).toHaveLength(6);
    for (const { value } of profile.photos!) {
      expect(value.startsWith(`${emulator.url}/avatar/u%201`)).toBe(true);
      const image = await fetch(value);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/svg+xml');
      expect(await image.text()).toBe(SVG);
    }
  });

  it('answers 404 for an unknown user or a malformed path', async () => {
    for (const path of ['/avatar/nobody.img', '/avatar/%E0.img', '/avatar/u%201']) {
      expect((await fetch(`${emulator.url}${path}`)).status).toBe(404);
    }
  });
});
