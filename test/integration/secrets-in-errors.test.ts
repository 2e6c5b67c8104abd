import { MiAccountError } from '../../lib';
import { clientOf, RawServer, startRawServer } from '../helpers/raw-server';

// A realistic App Secret (base64 with `+`, `/`, `=`) and a code with characters every encoding treats differently.
const CLIENT_ID = '2882303761517383915';
const SECRET = 'oF3X+WPWRO9Xml/RZjNj6Kfg==';
const CODE = "code/with+chars and ~!'()*";
const ACCESS_TOKEN = 'V3_access-token+value/Zq8xW2';
const MAC_KEY = 'mac+key/value=Zq8xW2AeK';

type Encode = (secret: string) => string;
type Form = [name: string, encode: Encode, core?: Encode];

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];
const percentAll = (text: string): string =>
  utf8(text)
    .map((b) => `%${b.toString(16).padStart(2, '0')}`)
    .join('');
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
/** The base64 characters of `prefix + secret` whose 6 bits all come from the secret: what must not survive. */
function base64Core(prefix: string, secret: string): string {
  const start = Buffer.byteLength(prefix) * 8;
  const end = start + Buffer.byteLength(secret) * 8;
  return [...base64(prefix + secret)].filter((_c, i) => 6 * i >= start && 6 * i + 6 <= end).join('');
}

/** The forms in which a server could echo a secret back (wire escapes, logs of its own requests, Basic headers). */
const FORMS: Form[] = [
  ['as is', (s) => s],
  ['percent-encoded (encodeURIComponent)', (s) => encodeURIComponent(s)],
  [
    'percent-encoded with lower-case hex',
    (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  ],
  ['double-percent-encoded', (s) => encodeURIComponent(encodeURIComponent(s))],
  [
    'double-percent-encoded, lower-case hex',
    (s) => encodeURIComponent(encodeURIComponent(s)).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  ],
  ['triple-percent-encoded', (s) => encodeURIComponent(encodeURIComponent(encodeURIComponent(s)))],
  ['form-encoded (space as +)', (s) => new URLSearchParams([['', s]]).toString().slice(1)],
  [
    'double form-encoded',
    (s) => new URLSearchParams([['', new URLSearchParams([['', s]]).toString().slice(1)]]).toString().slice(1),
  ],
  ['every byte percent-encoded', (s) => percentAll(s)],
  ['every other character percent-encoded', (s) => [...s].map((c, i) => (i % 2 ? percentAll(c) : c)).join('')],
  ['JSON-escaped with \\/ (PHP json_encode)', (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/')],
  ['JSON-escaped twice', (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1)],
  [
    '\\u-escaped, every character',
    (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  ],
  [
    '\\u-escaped, upper-case hex',
    (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`).join(''),
  ],
  [
    '\\x-escaped, every character',
    (s) => [...s].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
  ],
  ['HTML decimal entities', (s) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join('')],
  ['HTML hex entities', (s) => [...s].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')],
  ['base64 of the secret', (s) => base64(s)],
  ['base64url of the secret', (s) => base64(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
  [
    'base64 of "id:secret" (a Basic header)',
    (s) => `Basic ${base64(`${CLIENT_ID}:${s}`)}`,
    (s) => base64Core(`${CLIENT_ID}:`, s),
  ],
  ['base64 of "i:secret" (second alignment)', (s) => base64(`i:${s}`), (s) => base64Core('i:', s)],
  ['base64 of "id:secret" (third alignment)', (s) => base64(`id:${s}`), (s) => base64Core('id:', s)],
  [
    'base64 of the percent-encoded secret',
    (s) => base64(`client_secret=${encodeURIComponent(s)}`),
    (s) => base64Core('client_secret=', encodeURIComponent(s)),
  ],
];

/** Every readable surface of an error: message, description, hint, stack, toString, JSON, and the causes. */
function surfaces(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const e = current as MiAccountError;
    parts.push(e.message, String(e), e.stack ?? '', JSON.stringify(e), String(e.description), String(e.hint));
    current = e.cause;
  }
  return parts.join('\n');
}

/** The secret leaks when the text holds any 8 consecutive characters of it, or of the secret part of its echo. */
function leaked(text: string, secret: string, core: string): string | undefined {
  for (const candidate of [secret, core]) {
    for (let i = 0; i + 8 <= candidate.length; i++) {
      const piece = candidate.slice(i, i + 8);
      if (text.includes(piece)) return piece;
    }
  }
  return undefined;
}

describe('no secret in any error, whatever form Mi Account echoes it in', () => {
  let server: RawServer;
  let reply: { contentType: string; body: string; status: number };
  beforeAll(async () => {
    server = await startRawServer((_req, res) => {
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
    });
  });
  afterAll(() => server.close());

  const client = () => clientOf(server, CLIENT_ID, SECRET);

  async function failure(run: () => Promise<unknown>): Promise<MiAccountError> {
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MiAccountError);
    return err as MiAccountError;
  }

  const exchange = () => client().exchangeCode(CODE);
  const openApi = () => client().call('/user/profile', { accessToken: ACCESS_TOKEN, macKey: MAC_KEY });

  // Secret × form × the place it is echoed: the description (short, and straddling the 300-character cut),
  // a non-numeric error field, and the Content-Type of a non-JSON answer.
  const PLACES: Array<[place: string, reply: (echo: string) => { contentType: string; body: string; status: number }]> =
    [
      [
        'error_description',
        (echo) => ({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ error: 96003, error_description: `bad client ${echo} end` }),
        }),
      ],
      [
        'error_description straddling the 300-character cut',
        (echo) => ({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({ error: 96003, error_description: `${'x'.repeat(290)}${echo}` }),
        }),
      ],
      [
        'a non-numeric error',
        (echo) => ({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({ error: `invalid_client ${echo}` }),
        }),
      ],
      [
        'the Content-Type of a non-JSON answer',
        (echo) => ({ status: 502, contentType: `text/html; echo=${echo}`, body: '<html>bad gateway</html>' }),
      ],
    ];
  const TOKEN_SECRETS: Array<[name: string, secret: string]> = [
    ['the client secret', SECRET],
    ['the authorization code', CODE],
  ];
  const tokenCases = TOKEN_SECRETS.flatMap(([secretName, secret]) =>
    PLACES.flatMap(([place, build]) =>
      FORMS.map(
        ([formName, encode, core = encode]) =>
          [`${secretName} ${formName} in ${place}`, secret, encode, core, build] as const,
      ),
    ),
  ).filter(([, secret, encode, , build]) => {
    // A header value cannot carry every character: skip forms a real server could not send in a Content-Type.
    const echo = encode(secret);
    return build === PLACES[3]![1] ? /^[\x21-\x7e ]*$/.test(echo) && !echo.includes(',') : true;
  });

  it.each(tokenCases)('token exchange: %s', async (_name, secret, encode, core, build) => {
    reply = build(encode(secret));
    const err = await failure(exchange);
    expect(leaked(surfaces(err), secret, core(secret))).toBeUndefined();
  });

  const API_SECRETS: Array<[name: string, secret: string]> = [
    ['the access token', ACCESS_TOKEN],
    ['the mac_key', MAC_KEY],
    ['the client secret', SECRET],
  ];
  const apiCases = API_SECRETS.flatMap(([secretName, secret]) =>
    FORMS.map(([formName, encode, core = encode]) => [`${secretName} ${formName}`, secret, encode, core] as const),
  );

  it.each(apiCases)('Open API description: %s', async (_name, secret, encode, core) => {
    const echo = encode(secret);
    reply = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ result: 'error', code: 96008, description: `${'y'.repeat(295)}${echo}` }),
    };
    const err = await failure(openApi);
    expect(leaked(surfaces(err), secret, core(secret))).toBeUndefined();
  });

  it.each(API_SECRETS)('Open API Content-Type of a non-JSON answer: %s', async (_name, secret) => {
    reply = { status: 503, contentType: `text/plain; token=${secret}`, body: 'Service Unavailable' };
    const err = await failure(openApi);
    expect(leaked(surfaces(err), secret, secret)).toBeUndefined();
    expect(err.message).toMatch(/HTTP 503 with text\/plain; token=\[redacted\]/);
  });

  it('still quotes the rest of the description, cut to 300 characters after redaction', async () => {
    reply = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        error: 96003,
        error_description: `client_secret=${SECRET} did not match ${'z'.repeat(400)}`,
      }),
    };
    const err = await failure(exchange);
    expect(err.description).toMatch(/^client_secret=\[redacted\] did not match z+…$/);
    expect(err.description!.length).toBeLessThanOrEqual(300);
  });
});
