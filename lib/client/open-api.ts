// MAC-signed Open API calls (protocol §5, §6), which stop signing when Mi refuses a signature it accepts unsigned.
import { MiAccountError } from '../errors/errors';
import type { Endpoint, HttpRequest } from '../transport/http';
import { createNonce, macAuthorizationHeader, signMac } from './mac';
import { readOpenApiResponse } from './response';
import { send, type ClientSettings } from './send';

/** The access token and mac_key an Open API call is made with. */
export interface MiAccountCredentials {
  /** `access_token` of the token response (sent as the `token` parameter). */
  accessToken: string;
  /** `mac_key` of the same token response; signs the call. May be `''` when `signRequests` is false. */
  macKey: string;
}

/** What an Open API call answered: its `data`, and the body text (the profile's `_raw`). */
export interface OpenApiResult {
  data: Record<string, unknown>;
  text: string;
}

// Parsed endpoints kept per client: each path is parsed once, not once per call, up to this many paths.
const MAX_CACHED_PATHS = 64;

/**
 * The Open API calls of one client, and whether they are signed now. Holds the App Secret (redacted from answers) in a
 * private field: no rendering of the client shows it.
 *
 * @example
 * const openApi = new OpenApi(client, clientSecret, base, undefined);
 * const { data } = await openApi.call('/user/profile', { accessToken, macKey });
 */
export class OpenApi {
  readonly #client: ClientSettings;
  readonly #clientSecret: string | undefined;
  readonly #base: Endpoint;
  readonly #endpoints = new Map<string, Endpoint>();
  #signing: boolean;
  // Set by the developer: no unsigned retry behind their back.
  readonly #signingPinned: boolean;

  constructor(client: ClientSettings, clientSecret: string | undefined, base: Endpoint, signRequests?: boolean) {
    this.#client = client;
    this.#clientSecret = clientSecret;
    this.#base = base;
    this.#signing = signRequests ?? true;
    this.#signingPinned = signRequests !== undefined;
  }

  /** Whether calls are MAC-signed now: false once Mi Account refused our signatures (unless pinned). */
  get signing(): boolean {
    return this.#signing;
  }

  /** One Open API call, signed unless signing is off; a refused signature is retried once unsigned unless pinned. */
  // Not async: a bad path or a missing mac_key rejects, and a call settles with the transport's own promise.
  call(
    path: string,
    credentials: MiAccountCredentials,
    params: Record<string, string | number> = {},
  ): Promise<OpenApiResult> {
    try {
      const endpoint = this.#endpoint(path);
      const query = queryOf(params);
      query.clientId = this.#client.clientID;
      query.token = credentials.accessToken;
      if (!this.#signing) return this.#request(path, endpoint, query, credentials, false);
      const signed = this.#request(path, endpoint, query, credentials, true);
      if (this.#signingPinned) return signed;
      return signed.catch(async (err: unknown) => {
        // Only a refused signature is retried: Mi accepts unsigned calls, and our canonical string may differ from its.
        if (!(err instanceof MiAccountError) || err.reason !== 'signature_refused') throw err;
        const result = await this.#request(path, endpoint, query, credentials, false);
        this.#stopSigning(path);
        return result;
      });
    } catch (err) {
      return Promise.reject(err);
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

  /** One HTTP request to an Open API path, MAC-signed or not (throws at once on a missing mac_key). */
  #request(
    path: string,
    endpoint: Endpoint,
    query: Record<string, string>,
    credentials: MiAccountCredentials,
    sign: boolean,
  ): Promise<OpenApiResult> {
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
    const { timeout, maxResponseBytes, agent } = this.#client;
    const secrets = [this.#clientSecret, credentials.accessToken, credentials.macKey];
    const request: HttpRequest = {
      endpoint,
      query,
      method: 'GET',
      headers,
      step: 'open api',
      timeoutMs: timeout,
      maxBytes: maxResponseBytes,
      secrets,
      agent,
    };
    return send(request, (response) => {
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

  /** The endpoint of an Open API path, checked and parsed once (up to {@link MAX_CACHED_PATHS} paths). */
  #endpoint(path: string): Endpoint {
    let endpoint = this.#endpoints.get(path);
    if (!endpoint) {
      // Segments of letters, digits, `_`, `-`, `.`, none empty or all dots: `/../admin` would leave the Open API base path.
      if (typeof path !== 'string' || !/^(\/[\w\-.]+)+$/.test(path) || /\/\.+(?=\/|$)/.test(path)) {
        throw new TypeError(
          `Open API path must start with "/" and hold only path segments (no query, no "." or ".." segment, no "//", no escapes), got "${String(path).slice(0, 60)}"`,
        );
      }
      const base = this.#base;
      endpoint = { ...base, pathname: base.pathname.replace(/\/+$/, '') + path };
      if (this.#endpoints.size < MAX_CACHED_PATHS) this.#endpoints.set(path, endpoint);
    }
    return endpoint;
  }
}

// The call's parameters as strings, in an object without a prototype: a parameter named `__proto__` stays a parameter.
function queryOf(params: Record<string, string | number>): Record<string, string> {
  const query = Object.create(null) as Record<string, string>;
  for (const name in params) if (Object.prototype.hasOwnProperty.call(params, name)) query[name] = String(params[name]);
  return query;
}
