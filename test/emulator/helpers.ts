import { createNonce, macAuthorizationHeader, signMac } from '../../lib/client/mac';
import { startMiAccountEmulator, type MiEmulator, type MiEmulatorOptions } from '../../lib/emulator';

/** An app with the privacy review (phone and email allowed); its secret needs URL-encoding. */
export const CLIENT = {
  clientID: '2882303761517383915',
  clientSecret: 'sec+ret/&=%',
  redirectURIs: 'http://localhost:3000/;https://app.example.com/oauth',
  sensitiveScopes: true,
} as const;

/** An app without the privacy review. */
export const PLAIN_CLIENT = {
  clientID: '179887661252608',
  clientSecret: 'plain-secret',
  redirectURIs: ['http://localhost:3000/'],
} as const;

export const REDIRECT = 'http://localhost:3000/auth/mi/callback';

export const USERS = [
  {
    id: 'u1',
    nickname: 'Alex Morgan',
    avatar: 'https://cdn.example.com/avatar/u1.jpg',
    phone: '+1 202 555 0143',
    email: 'alex@example.com',
  },
  { id: 'u2', nickname: '李小米', legacyUserId: 58219736, unionId: 'union-of-u2' },
] as const;

/** A clock the test moves by hand. */
export class FakeClock {
  ms = Date.UTC(2026, 0, 15, 12, 0, 0);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Starts an emulator with the test clients and users; the caller closes it. */
export function start(overrides: Partial<MiEmulatorOptions> = {}): Promise<MiEmulator> {
  return startMiAccountEmulator({ clients: [CLIENT, PLAIN_CLIENT], users: USERS, ...overrides });
}

export function query(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(params).toString();
}

/** GET /oauth2/authorize without following redirects. */
export function authorizeGet(emulator: MiEmulator, params: Readonly<Record<string, string>>): Promise<Response> {
  return fetch(`${emulator.authorizationURL}?${query(params)}`, { redirect: 'manual' });
}

/** POST of the consent form. */
export function authorizePost(emulator: MiEmulator, params: Readonly<Record<string, string>>): Promise<Response> {
  return fetch(emulator.authorizationURL, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: query(params),
  });
}

export interface AuthorizeInput {
  clientID?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  user?: string;
  responseType?: 'code' | 'token';
}

function authorizeParams(input: AuthorizeInput): Record<string, string> {
  return {
    client_id: input.clientID ?? CLIENT.clientID,
    redirect_uri: input.redirectUri ?? REDIRECT,
    response_type: input.responseType ?? 'code',
    scope: input.scope ?? '1 3',
    state: input.state ?? 'st4te',
  };
}

/** Approves on the consent form and returns the redirect Location. */
export async function approve(emulator: MiEmulator, input: AuthorizeInput = {}): Promise<URL> {
  const res = await authorizePost(emulator, {
    ...authorizeParams(input),
    user: input.user ?? 'u1',
    decision: 'approve',
  });
  await res.text();
  if (res.status !== 302) throw new Error(`expected a redirect, got ${res.status}`);
  return new URL(res.headers.get('location') ?? '');
}

/** An authorization code for the given request. */
export async function getCode(emulator: MiEmulator, input: AuthorizeInput = {}): Promise<string> {
  const location = await approve(emulator, input);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.href}`);
  return code;
}

export interface TokenReply {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

/** Strips `&&&START&&&` and parses. */
export function parseTokenText(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(/^&&&START&&&\s*/, '')) as Record<string, unknown>;
}

/** A token endpoint request over GET (query) or POST (form body). */
export async function tokenRequest(
  emulator: MiEmulator,
  params: Readonly<Record<string, string>>,
  method: 'GET' | 'POST' = 'GET',
): Promise<TokenReply> {
  const res =
    method === 'GET'
      ? await fetch(`${emulator.tokenURL}?${query(params)}`)
      : await fetch(emulator.tokenURL, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: query(params),
        });
  const text = await res.text();
  return { status: res.status, text, json: parseTokenText(text) };
}

export function codeParams(code: string, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    client_id: CLIENT.clientID,
    redirect_uri: REDIRECT,
    client_secret: CLIENT.clientSecret,
    grant_type: 'authorization_code',
    code,
    ...overrides,
  };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  mac_key: string;
  openId: string;
  scope: string;
  [key: string]: unknown;
}

/** A whole code-flow login: approve, then exchange the code. */
export async function login(emulator: MiEmulator, input: AuthorizeInput = {}): Promise<Tokens> {
  const code = await getCode(emulator, input);
  const secret = input.clientID === PLAIN_CLIENT.clientID ? PLAIN_CLIENT.clientSecret : CLIENT.clientSecret;
  const reply = await tokenRequest(
    emulator,
    codeParams(code, {
      client_id: input.clientID ?? CLIENT.clientID,
      client_secret: secret,
      redirect_uri: input.redirectUri ?? REDIRECT,
    }),
  );
  if (typeof reply.json.access_token !== 'string') throw new Error(`token exchange failed: ${reply.text}`);
  return reply.json as Tokens;
}

export interface OpenApiCall {
  clientId?: string;
  token: string;
  macKey?: string;
  /** undefined → a fresh nonce from the given clock time (or Date.now). */
  nonce?: string;
  nowMs?: number;
  /** Signs as if the host were this one. */
  signHost?: string;
  extraQuery?: Readonly<Record<string, string>>;
  /** Signs these params instead of the sent ones. */
  signedQuery?: Readonly<Record<string, string>>;
  /** Overrides the Authorization header (null: none). */
  authorization?: string | null;
  method?: string;
}

export interface Envelope {
  result: string;
  description: string;
  code: number;
  data?: Record<string, unknown>;
}

/** A MAC-signed Open API call, as the official SDKs make it. */
export async function openApi(
  emulator: MiEmulator,
  path: string,
  call: OpenApiCall,
): Promise<{ status: number; body: Envelope }> {
  const params = { clientId: call.clientId ?? CLIENT.clientID, token: call.token, ...call.extraQuery };
  const nonce = call.nonce ?? createNonce(call.nowMs ?? Date.now());
  const headers: Record<string, string> = {};
  if (call.authorization !== null) {
    headers.authorization =
      call.authorization ??
      macAuthorizationHeader(
        call.token,
        nonce,
        signMac({
          macKey: call.macKey ?? '',
          nonce,
          method: call.method ?? 'GET',
          host: call.signHost ?? '127.0.0.1',
          path,
          query: call.signedQuery ?? params,
        }),
      );
  }
  const res = await fetch(`${emulator.openApiURL}${path}?${query(params)}`, { method: call.method ?? 'GET', headers });
  return { status: res.status, body: (await res.json()) as Envelope };
}
