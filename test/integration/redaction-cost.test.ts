import { MiAccountError } from '../../lib';
import { UserAgent } from '../helpers/browserless';
import { Harness, startHarness } from '../helpers/mi';
import { clientOf, RawServer, startRawServer } from '../helpers/raw-server';

// Redacting a secret used to compile a regular expression per secret: ~36 ms for 24 characters, ~300 ms for 128,
// 4.4 s for 2,000 and "Stack overflow" (a 500) from ~4,000. Outsiders choose the code and the tokens, so each of these
// must now cost milliseconds. Limits are generous: a slow CI machine passes, the old code misses them by 10–100×.

const CLIENT_ID = '2882303761517383915';
const SECRET = 'oF3X+WPWRO9Xml/RZjNj6Kfg==';

/** A value of `length` characters, different on every call, by default mixing characters every encoding treats differently. */
let serial = 0;
function hostile(length: number, alphabet = 'aZ09+/=-_~.!*() é€'): string {
  serial += 1;
  let out = `${serial}-`;
  while (out.length < length) out += alphabet[(out.length * 7 + serial) % alphabet.length];
  return out.slice(0, length);
}

/** Every readable surface of an error and of its causes. */
function surfaces(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    parts.push(e.message, String(e), e.stack ?? '', JSON.stringify(e), String((e as MiAccountError).description));
  }
  return parts.join('\n');
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

describe('a hostile authorization code on the callback (MiAccountStrategy, emulator, real Express app)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([2000, 4000, 4096])(
    'a %i-character code ends in the failure redirect within 500 ms, not in a 500',
    async (length) => {
      const agent = new UserAgent();
      const start = await agent.get(`${h.app.url}/auth/mi`);
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const errorsBefore = h.app.errors.length;
      const code = encodeURIComponent(hostile(length));
      const { ms, result } = await timed(() => agent.get(`${h.app.url}/auth/mi/callback?code=${code}&state=${state}`));
      expect(result.status).toBe(302);
      expect(result.headers.get('location')).toBe('/login-failed');
      expect(h.app.errors.length).toBe(errorsBefore);
      expect(ms).toBeLessThan(500);
    },
  );
});

describe('MiAccountClient errors that quote Mi Account, with caller-chosen secrets (raw HTTP server)', () => {
  let server: RawServer;
  let body = '';
  beforeAll(async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  afterAll(() => server.close());

  const client = () => clientOf(server, CLIENT_ID, SECRET);

  async function failure(run: () => Promise<unknown>): Promise<{ ms: number; err: MiAccountError }> {
    const { ms, result } = await timed(() =>
      run().then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(result).toBeInstanceOf(MiAccountError);
    return { ms, err: result as MiAccountError };
  }

  it('a 4,000-character code echoed in error_description is redacted, in milliseconds', async () => {
    const code = hostile(4000);
    body = JSON.stringify({ error: 96013, error_description: `code ${code} is invalid` });
    const { ms, err } = await failure(() => client().exchangeCode(code));
    expect(err.description).toBe('code [redacted] is invalid');
    expect(surfaces(err)).not.toContain(code.slice(0, 16));
    expect(ms).toBeLessThan(200);
  });

  it('4,000-character tokens echoed (percent-encoded) in an Open API description are redacted, in milliseconds', async () => {
    // Token characters only: the query and the MAC header carry the token, and must fit Node's 16 KB header limit.
    const accessToken = hostile(4000, 'aZ09+/=-_');
    const macKey = hostile(4000, 'aZ09+/=-_');
    body = JSON.stringify({ result: 'error', code: 96008, description: `token=${encodeURIComponent(accessToken)}` });
    const { ms, err } = await failure(() => client().call('/user/profile', { accessToken, macKey }));
    expect(err.description).toBe('token=[redacted]');
    expect(surfaces(err)).not.toContain(encodeURIComponent(accessToken).slice(0, 16));
    expect(ms).toBeLessThan(200);
  });

  it('20 ordinary Open API errors with a description, each with a fresh token, take under 300 ms in all (was 0.1–0.4 s each)', async () => {
    body = JSON.stringify({ result: 'error', code: 96008, description: 'the access token is invalid or expired' });
    const { ms } = await timed(async () => {
      for (let i = 0; i < 20; i += 1) {
        const credentials = { accessToken: `V3_${hostile(120)}`, macKey: hostile(27) };
        await failure(() => client().call('/user/profile', credentials));
      }
    });
    expect(ms).toBeLessThan(300);
  });
});
