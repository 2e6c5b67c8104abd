// The token endpoint: code exchange and refresh (protocol §4), with concurrent refreshes of one token shared.
import { MiAccountError } from '../errors/errors';
import { type MiAccountStep } from '../errors/reasons';
import type { Endpoint, HttpRequest } from '../transport/http';
import { preconnectProfile } from '../transport/preconnect';
import { readTokenResponse, type TokenSet } from './response';
import { send, type ClientSettings } from './send';

/**
 * The token requests of one client. Holds the App Secret in a private field: no rendering of the client shows it.
 *
 * @example
 * const tokens = new TokenRequests(client, clientSecret, endpoint);
 * await tokens.exchange(code);
 */
export class TokenRequests {
  readonly #client: ClientSettings;
  readonly #clientSecret: string | undefined;
  readonly #endpoint: Endpoint;
  // Refreshes in flight by refresh token: Mi refresh tokens are single-use, so concurrent callers share one request.
  readonly #refreshes = new Map<string, Promise<TokenSet>>();

  constructor(client: ClientSettings, clientSecret: string | undefined, endpoint: Endpoint) {
    this.#client = client;
    this.#clientSecret = clientSecret;
    this.#endpoint = endpoint;
  }

  /** Exchanges an authorization code for tokens. */
  exchange(code: string, redirectURI?: string): Promise<TokenSet> {
    return this.#request('token exchange', { grant_type: 'authorization_code', code }, redirectURI);
  }

  /** Trades a refresh token for a new token set; concurrent calls with the same token share one request. */
  refresh(refreshToken: string, redirectURI?: string): Promise<TokenSet> {
    const inFlight = this.#refreshes.get(refreshToken);
    if (inFlight) return inFlight;
    const request = this.#request(
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

  // Not async: a failed check rejects, and a request settles with the transport's own promise (no wrapper, no turn).
  #request(step: MiAccountStep, grant: Record<string, string>, redirectURI?: string): Promise<TokenSet> {
    let checked: { clientSecret: string; redirect: string; grantValue: string };
    try {
      checked = this.#checked(step, grant, redirectURI);
    } catch (err) {
      return Promise.reject(err);
    }
    const { clientSecret, redirect, grantValue } = checked;
    const endpoint = this.#endpoint.pathname;
    const { clientID, timeout, maxResponseBytes, agent } = this.#client;
    const query = {
      client_id: clientID,
      redirect_uri: redirect,
      client_secret: clientSecret,
      ...grant,
      token_type: 'mac',
    };
    const secrets = [clientSecret, grantValue];
    const request: HttpRequest = {
      endpoint: this.#endpoint,
      query,
      method: 'GET',
      step,
      timeoutMs: timeout,
      maxBytes: maxResponseBytes,
      secrets,
      agent,
    };
    const sent = send(request, (response) =>
      readTokenResponse(response.text, {
        step,
        endpoint,
        status: response.status,
        contentType: response.contentType,
        secrets,
      }),
    );
    if (step === 'token exchange') preconnectProfile(this.#client); // Open API handshakes overlap the token request
    return sent;
  }

  /** Throws what keeps a token request from being sent; returns the secret, redirect URI and grant it sends. */
  #checked(
    step: MiAccountStep,
    grant: Record<string, string>,
    redirectURI: string | undefined,
  ): { clientSecret: string; redirect: string; grantValue: string } {
    const endpoint = this.#endpoint.pathname;
    if (!this.#clientSecret) {
      throw new MiAccountError({
        step: 'configuration',
        hint: 'token requests need clientSecret (the App Secret from the Mi developer console)',
      });
    }
    const redirect = redirectURI ?? this.#client.redirectURI;
    if (!redirect) {
      throw new MiAccountError({
        step,
        endpoint,
        reason: 'configuration',
        hint: 'an absolute redirect URI is required (set redirectURI or an absolute callbackURL)',
      });
    }
    const grantValue = grant.code ?? grant.refresh_token;
    if (typeof grantValue !== 'string' || grantValue === '') {
      throw new MiAccountError({
        step,
        endpoint,
        reason: 'invalid_argument',
        hint: `the ${grant.code === undefined ? 'refresh token' : 'authorization code'} is missing or not a string`,
      });
    }
    return { clientSecret: this.#clientSecret, redirect, grantValue };
  }
}
