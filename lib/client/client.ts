import type { Agent } from 'node:http';
import { MiAccountError, MiAccountResponseError, MiAccountStep } from '../errors/errors';
import { Endpoint, HttpRequest, HttpResponse, httpRequest, parseEndpoint } from '../transport/http';
import { createNonce, macAuthorizationHeader, signMac } from './mac';
import { buildProfile, MiAccountProfile, MissingIdentifierError, ProfileIdentifier, ProfileWarning } from './profile';
import { readOpenApiResponse, readTokenResponse, TokenSet } from './response';
import { expectProfileCalls, parallelProfileCalls, preconnectProfile } from '../transport/preconnect';
import {
  DEFAULT_OPEN_API_URL,
  DEFAULT_TOKEN_URL,
  normalizeClientID,
  normalizeScopes,
  parseGrantedScopes,
} from '../protocol';
import { traceRequest } from '../observability/trace';

// Re-exported where they were first published; the endpoints live in lib/protocol.
export { DEFAULT_AUTHORIZATION_URL, DEFAULT_OPEN_API_URL, DEFAULT_TOKEN_URL } from '../protocol';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of {@link MiAccountClient}. */
export interface MiAccountClientOptions {
  /** App ID from the Mi developer console. */
  clientID: string | number;
  /** App Secret from the Mi developer console; only token requests need it. */
  clientSecret?: string;
  /** Absolute redirect URI sent with token requests (the one used to authorize). */
  redirectURI?: string;
  /** Mi's token endpoint. Default {@link DEFAULT_TOKEN_URL}; override for the emulator or a proxy. */
  tokenURL?: string;
  /** Base URL of Mi's Open API. Default {@link DEFAULT_OPEN_API_URL}. */
  openApiURL?: string;
  /** Milliseconds per HTTP call, headers and body included. Default 10000. */
  timeout?: number;
  /**
   * MAC-sign Open API calls. Default (unset): sign, and if Mi Account refuses a signature (96012) that the same
   * call passes unsigned, stop signing and emit one `MI_ACCOUNT_MAC_REFUSED` warning. `true`: always sign and fail
   * on 96012. `false`: never sign (Mi Account accepts unsigned calls, as Xiaomi's own SDKs make them).
   */
  signRequests?: boolean;
  /** Largest response body accepted. Default 1 MiB. */
  maxResponseBytes?: number;
  /**
   * An `http.Agent`/`https.Agent` (or a proxy agent) for every call to Mi Account, matching the protocol of the URLs.
   * Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment are honoured, else keep-alive agents are used.
   */
  agent?: Agent;
}

/** The access token and mac_key an Open API call is made with. */
export interface MiAccountCredentials {
  /** `access_token` of the token response (sent as the `token` parameter). */
  accessToken: string;
  /** `mac_key` of the same token response; signs the call. May be `''` when `signRequests` is false. */
  macKey: string;
}

/** Input of {@link MiAccountClient.getProfile}: the credentials plus what the token response told. */
export interface GetProfileInput extends MiAccountCredentials {
  /** Granted scopes (numeric, array or space-separated); default: profile only. */
  scope?: string | readonly string[];
  /** openId from the token response; `/user/openidV2` is called only when it is missing. */
  openId?: string;
  /** union_id from the token response, used when `/user/profile` does not give one. */
  unionId?: string;
  /** Which ID becomes `profile.id`. Default `'openId'`. */
  profileIdentifier?: ProfileIdentifier;
  /** When true, a failing optional call (phone/email, openid) fails the whole call. Default false. */
  strictProfile?: boolean;
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
    return this.#signing;
  }
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** The `agent` option, when given. */
  get agent(): Agent | undefined {
    return this.#agent;
  }
  // #private, as the App Secret: a proxy agent holds the proxy's credentials, which no rendering may show.
  readonly #agent: Agent | undefined;
  readonly #clientSecret: string | undefined;
  #signing: boolean;
  // Set by the developer: no unsigned retry behind their back.
  readonly #signingPinned: boolean;
  readonly #tokenEndpoint: Endpoint;
  readonly #openApiBase: Endpoint;
  // Parsed Open API endpoints by path: each path is parsed once, not once per call.
  readonly #openApiEndpoints = new Map<string, Endpoint>();
  // Refreshes in flight by refresh token: Mi refresh tokens are single-use, so concurrent callers share one request.
  readonly #refreshes = new Map<string, Promise<TokenSet>>();

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
    this.#clientSecret = options.clientSecret;
    this.redirectURI = options.redirectURI;
    this.tokenURL = options.tokenURL ?? DEFAULT_TOKEN_URL;
    this.#tokenEndpoint = checkUrl(this.tokenURL, 'tokenURL');
    this.openApiURL = (options.openApiURL ?? DEFAULT_OPEN_API_URL).replace(/\/+$/, '');
    this.#openApiBase = checkUrl(this.openApiURL, 'openApiURL');
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.#signing = options.signRequests ?? true;
    this.#signingPinned = options.signRequests !== undefined;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#agent = options.agent;
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
    return this.#tokenRequest('token exchange', { grant_type: 'authorization_code', code }, redirectURI);
  }

  /**
   * Trades a refresh token for a new token set. The old refresh token is dead afterwards: store the new one.
   * Concurrent calls with the same refresh token (double clicks, parallel tabs) share one request and its result;
   * several processes need a shared lock on top (see the README, "Deploying").
   *
   * @example
   * const fresh = await client.refreshAccessToken(user.refreshToken);
   * await saveTokens(user.id, fresh.accessToken, fresh.refreshToken, fresh.macKey);
   */
  refreshAccessToken(refreshToken: string, redirectURI?: string): Promise<TokenSet> {
    const inFlight = this.#refreshes.get(refreshToken);
    if (inFlight) return inFlight;
    const request = this.#tokenRequest(
      'token refresh',
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      redirectURI,
    );
    if (typeof refreshToken !== 'string' || refreshToken === '') return request;
    this.#refreshes.set(refreshToken, request);
    // Dropped once settled: a later call with the same (now used) token asks Mi Account again and gets 96009.
    const forget = () => this.#refreshes.delete(refreshToken);
    request.then(forget, forget);
    return request;
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
    return (await this.#openApiCall(path, credentials, params)).data;
  }

  /** One Open API call: its `data`, and the body text (the profile's `_raw`). */
  async #openApiCall(
    path: string,
    credentials: MiAccountCredentials,
    params: Record<string, string | number> = {},
  ): Promise<{ data: Record<string, unknown>; text: string }> {
    // Segments of letters, digits, `_`, `-`, `.`, none empty or all dots: `/../admin` would leave the Open API base path.
    if (typeof path !== 'string' || !/^(\/[\w\-.]+)+$/.test(path) || /\/\.+(?=\/|$)/.test(path)) {
      throw new TypeError(
        `Open API path must start with "/" and hold only path segments (no query, no "." or ".." segment, no "//", no escapes), got "${String(path).slice(0, 60)}"`,
      );
    }
    const endpoint = this.#openApiEndpoint(path);
    const query: Record<string, string> = {
      ...stringify(params),
      clientId: this.clientID,
      token: credentials.accessToken,
    };
    if (!this.#signing) return this.#openApiRequest(path, endpoint, query, credentials, false);
    try {
      return await this.#openApiRequest(path, endpoint, query, credentials, true);
    } catch (err) {
      // Only a refused signature is retried: Mi accepts unsigned calls, and our canonical string may differ from its.
      if (this.#signingPinned || !(err instanceof MiAccountError) || err.code !== 96012) throw err;
      const result = await this.#openApiRequest(path, endpoint, query, credentials, false);
      this.#stopSigning(path);
      return result;
    }
  }

  /** Stops signing after Mi refused a signature that it accepted unsigned, and says so once. */
  #stopSigning(path: string): void {
    if (!this.#signing) return;
    this.#signing = false;
    process.emitWarning(
      `Mi Account refused a MAC-signed Open API call (96012 on ${path}) and accepted the same call unsigned, so this ` +
        "client now sends Open API calls unsigned, as Xiaomi's own SDKs do. Either Mi Account checks signatures " +
        'differently from this library, or the mac_key was wrong. Set signRequests: false to send unsigned calls ' +
        'from the start (no warning), or signRequests: true to always sign and fail on 96012 instead.',
      { type: 'MiAccountWarning', code: 'MI_ACCOUNT_MAC_REFUSED' },
    );
  }

  /** One HTTP request to an Open API path, MAC-signed or not. */
  async #openApiRequest(
    path: string,
    endpoint: Endpoint,
    query: Record<string, string>,
    credentials: MiAccountCredentials,
    sign: boolean,
  ): Promise<{ data: Record<string, unknown>; text: string }> {
    const headers: Record<string, string> = {};
    if (sign) {
      if (!credentials.macKey) {
        throw new MiAccountError({
          step: 'open api',
          endpoint: path,
          reason: 'invalid_argument',
          hint: 'a mac_key is needed to sign Open API calls (from the token response), or set signRequests: false',
        });
      }
      const nonce = createNonce();
      const mac = signMac({
        macKey: credentials.macKey,
        nonce,
        method: 'GET',
        host: endpoint.hostname,
        path: endpoint.pathname,
        query,
      });
      headers.authorization = macAuthorizationHeader(credentials.accessToken, nonce, mac);
    }
    const secrets = [this.#clientSecret, credentials.accessToken, credentials.macKey];
    const request: HttpRequest = {
      endpoint,
      query,
      method: 'GET',
      headers,
      step: 'open api',
      timeoutMs: this.timeout,
      maxBytes: this.maxResponseBytes,
      secrets,
      agent: this.agent,
    };
    return this.#send(request, (response) => {
      const data = readOpenApiResponse(response.text, {
        step: 'open api',
        endpoint: path,
        status: response.status,
        contentType: response.contentType,
        secrets,
      });
      return { data, text: response.text };
    });
  }

  /** One call to Mi Account, its body read by `read`: published on the request channel as a whole (code included). */
  #send<T>(request: HttpRequest, read: (response: HttpResponse) => T): Promise<T> {
    const { step, method, endpoint } = request;
    return traceRequest({ step, method, host: endpoint.host, endpoint: endpoint.pathname }, async (trace) => {
      const response = await httpRequest(
        trace ? { ...request, onAttempt: (attempt) => (trace.attempt = attempt) } : request,
      );
      if (trace) trace.status = response.status;
      return read(response);
    });
  }

  /**
   * Fetches and normalizes the user's profile: `/user/profile` with scope 1, `/user/phoneAndEmail` with
   * scope 4 or 6, `/user/openidV2` only with scope 3 and no openId given — independent calls run in parallel.
   *
   * @example
   * const profile = await client.getProfile({ accessToken, macKey, scope: tokens.scope, openId: tokens.openId });
   */
  async getProfile(input: GetProfileInput): Promise<MiAccountProfile> {
    const scopes =
      typeof input.scope === 'string' ? parseGrantedScopes(input.scope) : normalizeScopes(input.scope ?? ['1']);
    const warnings: ProfileWarning[] = [];
    const optional = <T>(promise: Promise<T>, endpoint: string): Promise<T | undefined> =>
      input.strictProfile
        ? promise
        : promise.catch((err: unknown) => {
            if (!(err instanceof MiAccountError)) throw err;
            warnings.push({ endpoint, code: err.code, message: err.message });
            return undefined;
          });
    expectProfileCalls(this, parallelProfileCalls(scopes)); // what the next code exchange pre-connects
    const wantsContact = scopes.includes('4') || scopes.includes('6');
    const [profile, openIdData, contact] = await Promise.all([
      scopes.includes('1') ? this.#openApiCall('/user/profile', input) : undefined,
      input.openId || !scopes.includes('3')
        ? undefined
        : optional(this.call('/user/openidV2', input), '/user/openidV2'),
      wantsContact ? optional(this.call('/user/phoneAndEmail', input), '/user/phoneAndEmail') : undefined,
    ]);
    try {
      return buildProfile({
        scopes,
        tokenOpenId: input.openId,
        tokenUnionId: input.unionId,
        profileData: profile?.data,
        profileRaw: profile?.text,
        openIdData,
        contactData: contact,
        warnings,
        profileIdentifier: input.profileIdentifier ?? 'openId',
      });
    } catch (err) {
      if (err instanceof MissingIdentifierError)
        throw new MiAccountResponseError({
          step: 'open api',
          reason: 'missing_identifier',
          hint: err.message,
          cause: err,
        });
      throw err;
    }
  }

  #openApiEndpoint(path: string): Endpoint {
    let endpoint = this.#openApiEndpoints.get(path);
    if (!endpoint) {
      const base = this.#openApiBase;
      endpoint = { ...base, pathname: base.pathname.replace(/\/+$/, '') + path };
      if (this.#openApiEndpoints.size < 64) this.#openApiEndpoints.set(path, endpoint);
    }
    return endpoint;
  }

  async #tokenRequest(step: MiAccountStep, grant: Record<string, string>, redirectURI?: string): Promise<TokenSet> {
    if (!this.#clientSecret) {
      throw new MiAccountError({
        step: 'configuration',
        hint: 'token requests need clientSecret (the App Secret from the Mi developer console)',
      });
    }
    const redirect = redirectURI ?? this.redirectURI;
    if (!redirect) {
      throw new MiAccountError({
        step,
        endpoint: this.#tokenEndpoint.pathname,
        reason: 'configuration',
        hint: 'an absolute redirect URI is required (set redirectURI or an absolute callbackURL)',
      });
    }
    const grantValue = grant.code ?? grant.refresh_token;
    if (typeof grantValue !== 'string' || grantValue === '') {
      throw new MiAccountError({
        step,
        endpoint: this.#tokenEndpoint.pathname,
        reason: 'invalid_argument',
        hint: `the ${grant.code === undefined ? 'refresh token' : 'authorization code'} is missing or not a string`,
      });
    }
    const query = {
      client_id: this.clientID,
      redirect_uri: redirect,
      client_secret: this.#clientSecret,
      ...grant,
      token_type: 'mac',
    };
    const secrets = [this.#clientSecret, grantValue];
    const request: HttpRequest = {
      endpoint: this.#tokenEndpoint,
      query,
      method: 'GET',
      step,
      timeoutMs: this.timeout,
      maxBytes: this.maxResponseBytes,
      secrets,
      agent: this.agent,
    };
    const sent = this.#send(request, (response) => {
      const context = {
        step,
        endpoint: this.#tokenEndpoint.pathname,
        status: response.status,
        contentType: response.contentType,
        secrets,
      };
      const tokens = readTokenResponse(response.text, context);
      return tokens;
    });
    if (step === 'token exchange') preconnectProfile(this); // Open API handshakes overlap the token request
    return sent;
  }
}

function checkUrl(value: string, name: string): Endpoint {
  const endpoint = typeof value === 'string' ? parseEndpoint(value) : undefined;
  if (endpoint) return endpoint;
  throw new TypeError(`${name} must be an absolute http(s) URL, got "${String(value).slice(0, 100)}"`);
}

function stringify(params: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
}
