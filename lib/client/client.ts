import type { Agent } from 'node:http';
import { parseEndpoint, type Endpoint } from '../transport/http';
import { normalizeClientID } from '../protocol';
import { defaultEndpoints } from './emulator-host';
import { getProfile, type GetProfileInput } from './get-profile';
import { OpenApi, type MiAccountCredentials } from './open-api';
import type { MiAccountProfile } from './profile';
import type { TokenSet } from './response';
import { TokenRequests } from './token-requests';

export type { GetProfileInput } from './get-profile';
export type { MiAccountCredentials } from './open-api';

const DEFAULT_TIMEOUT_MS = 10_000;
// The longest delay a Node timer takes (2^31 − 1 ms, about 24.8 days); a longer one fires at once.
const MAX_TIMEOUT_MS = 2_147_483_647;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of {@link MiAccountClient}. */
export interface MiAccountClientOptions {
  /** App ID from the Mi developer console. */
  clientID: string | number;
  /** App Secret from the Mi developer console; only token requests need it. */
  clientSecret?: string | undefined;
  /** Absolute redirect URI sent with token requests (the one used to authorize). */
  redirectURI?: string | undefined;
  /** Mi's token endpoint. Default Xiaomi's (the emulator's with `MI_ACCOUNT_EMULATOR_HOST`); override for another IDC or a proxy. */
  tokenURL?: string | undefined;
  /** Base URL of Mi's Open API. Default Xiaomi's (the emulator's with `MI_ACCOUNT_EMULATOR_HOST`). */
  openApiURL?: string | undefined;
  /** Milliseconds per HTTP call, headers and body included: 1 to 2147483647 (Node's longest timer). Default 10000. */
  timeout?: number | undefined;
  /**
   * MAC-sign Open API calls. Default (unset): sign, and if Mi Account refuses a signature (96012) that the same
   * call passes unsigned, stop signing and emit one `MI_ACCOUNT_MAC_REFUSED` warning. `true`: always sign and fail
   * on 96012. `false`: never sign (Mi Account accepts unsigned calls, as Xiaomi's own SDKs make them).
   */
  signRequests?: boolean | undefined;
  /** Largest response body accepted. Default 1 MiB. */
  maxResponseBytes?: number | undefined;
  /**
   * An `http.Agent`/`https.Agent` (or a proxy agent) for every call to Mi Account, matching the protocol of the URLs.
   * Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment are honoured, else keep-alive agents are used.
   */
  agent?: Agent | undefined;
}

/**
 * Everything that talks to Mi Account over HTTP: code exchange, refresh and MAC-signed Open API calls.
 * Usable without Passport.
 *
 * @example
 * const client = new MiAccountClient({ clientID, clientSecret, redirectURI: 'https://app.example/auth/mi/callback' });
 * const tokens = await client.exchangeCode(code);
 * const profile = await client.getProfile({ ...tokens, scope: tokens.scope, openId: tokens.openId });
 */
export class MiAccountClient {
  /** App ID, as a trimmed string (sent as `client_id` and `clientId`). */
  readonly clientID: string;
  /** Redirect URI sent with token requests that do not give their own. */
  readonly redirectURI: string | undefined;
  /** Token endpoint in use. */
  readonly tokenURL: string;
  /** Open API base URL in use, without a trailing slash. */
  readonly openApiURL: string;
  /** Milliseconds per HTTP call. */
  readonly timeout: number;
  /** Whether Open API calls are MAC-signed now: false once Mi Account refused our signatures (see the option). */
  get signRequests(): boolean {
    return this.#openApi.signing;
  }
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** The `agent` option, when given. */
  get agent(): Agent | undefined {
    return this.#agent;
  }
  // #private, as the App Secret held by the token requests: a proxy agent holds the proxy's credentials, which no
  // rendering may show.
  readonly #agent: Agent | undefined;
  readonly #tokens: TokenRequests;
  readonly #openApi: OpenApi;

  constructor(options: MiAccountClientOptions) {
    const clientID = normalizeClientID(options.clientID, 'MiAccountClient');
    if (
      options.clientSecret !== undefined &&
      (typeof options.clientSecret !== 'string' || options.clientSecret === '')
    ) {
      throw new TypeError(
        'MiAccountClient clientSecret must be the App Secret from the Mi developer console (a non-empty string)',
      );
    }
    this.clientID = clientID;
    this.redirectURI = options.redirectURI;
    const defaults = defaultEndpoints();
    this.tokenURL = options.tokenURL ?? defaults.tokenURL;
    const tokenEndpoint = checkUrl(this.tokenURL, 'tokenURL');
    this.openApiURL = (options.openApiURL ?? defaults.openApiURL).replace(/\/+$/, '');
    const openApiBase = checkUrl(this.openApiURL, 'openApiURL');
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (typeof this.timeout !== 'number' || !(this.timeout > 0 && this.timeout <= MAX_TIMEOUT_MS)) {
      throw new TypeError(
        `MiAccountClient timeout must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${String(this.timeout).slice(0, 40)}`,
      );
    }
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#agent = options.agent;
    this.#tokens = new TokenRequests(this, options.clientSecret, tokenEndpoint);
    this.#openApi = new OpenApi(this, options.clientSecret, openApiBase, options.signRequests);
  }

  /**
   * A summary of the settings for logs and `JSON.stringify`: IDs, URLs and limits, never the App Secret or the agent.
   *
   * @example
   * JSON.stringify(client) // '{"clientID":"2882303761517383915","tokenURL":"https://account.xiaomi.com/oauth2/token",…}'
   */
  toJSON(): Record<string, unknown> {
    const { clientID, redirectURI, tokenURL, openApiURL, timeout, signRequests } = this;
    return { clientID, redirectURI, tokenURL, openApiURL, timeout, signRequests };
  }

  /**
   * Exchanges an authorization code for tokens (GET with a URL-encoded query, as the official SDKs do).
   *
   * @example
   * const { accessToken, refreshToken, macKey, openId } = await client.exchangeCode(req.query.code);
   */
  exchangeCode(code: string, redirectURI?: string): Promise<TokenSet> {
    return this.#tokens.exchange(code, redirectURI);
  }

  /**
   * Trades a refresh token for a new token set. The old refresh token is dead afterwards: store the new one.
   * Concurrent calls with the same refresh token (double clicks, parallel tabs) share one request and its result;
   * several processes need a shared lock on top (docs/deploying.md).
   *
   * @example
   * const fresh = await client.refreshAccessToken(user.refreshToken);
   * await saveTokens(user.id, fresh.accessToken, fresh.refreshToken, fresh.macKey);
   */
  refreshAccessToken(refreshToken: string, redirectURI?: string): Promise<TokenSet> {
    return this.#tokens.refresh(refreshToken, redirectURI);
  }

  /**
   * Calls an Open API path (MAC-signed unless `signRequests` is false) and returns its `data`.
   *
   * @example
   * const { friends } = await client.call('/user/relation', { accessToken, macKey });
   */
  async call(
    path: string,
    credentials: MiAccountCredentials,
    params: Record<string, string | number> = {},
  ): Promise<Record<string, unknown>> {
    return (await this.#openApi.call(path, credentials, params)).data;
  }

  /**
   * Fetches and normalizes the user's profile: `/user/profile` with scope 1, `/user/phoneAndEmail` with
   * scope 4 or 6, `/user/openidV2` only with scope 3 and no openId given — independent calls run in parallel.
   *
   * @example
   * const profile = await client.getProfile({ accessToken, macKey, scope: tokens.scope, openId: tokens.openId });
   */
  getProfile(input: GetProfileInput): Promise<MiAccountProfile> {
    return getProfile(this, (path, credentials) => this.#openApi.call(path, credentials), input);
  }
}

function checkUrl(value: string, name: string): Endpoint {
  const endpoint = typeof value === 'string' ? parseEndpoint(value) : undefined;
  if (endpoint) return endpoint;
  throw new TypeError(`${name} must be an absolute http(s) URL, got "${String(value).slice(0, 100)}"`);
}
