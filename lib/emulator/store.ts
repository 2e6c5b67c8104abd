import { randomToken } from './ids';

/**
 * What an authorization code stands for.
 *
 * @example
 * const grant: CodeGrant = { clientID: '2882303761517383915', userId: '1001', redirectUri: 'http://localhost:3000/cb', scopes: ['1', '3'] };
 */
export interface CodeGrant {
  readonly clientID: string;
  readonly userId: string;
  /** The redirect_uri of the authorization request; the token request must repeat it exactly. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

/**
 * A live access token with its mac_key and scopes.
 *
 * @example
 * const grant: AccessGrant | undefined = store.findAccessToken(token);
 * grant?.scopes.includes('1')
 */
export interface AccessGrant {
  readonly accessToken: string;
  readonly clientID: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly macKey: string;
  readonly expiresAt: number;
  readonly refreshToken: string | undefined;
}

interface StoredCode extends CodeGrant {
  readonly expiresAt: number;
}

interface StoredRefresh {
  readonly clientID: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly accessToken: string;
}

/** Nonces older than this many minutes fail the time window anyway, so they can be forgotten. */
const NONCE_WINDOW_MINUTES = 5;
const SWEEP_EVERY = 1000;

/**
 * Codes, tokens and seen nonces of one emulator, in memory. Codes and refresh tokens are single use.
 *
 * @example
 * const store = new EmulatorStore(Date.now, 300000, 7776000);
 * const code = store.issueCode({ clientID, userId, redirectUri, scopes: ['1'] });
 * store.takeCode(code) // the grant; a second call gives undefined
 */
export class EmulatorStore {
  private readonly codes = new Map<string, StoredCode>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly refreshTokens = new Map<string, StoredRefresh>();
  private readonly nonces = new Map<string, { seen: Map<string, number>; sweepAt: number }>();
  private issued = 0;

  constructor(
    private readonly now: () => number,
    private readonly codeTtlMs: number,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  /** Lifetime of new access tokens, for `expires_in`. */
  get expiresInSeconds(): number {
    return this.accessTokenTtlSeconds;
  }

  /** A new single-use code, valid for `codeTtlMs`. */
  issueCode(grant: CodeGrant): string {
    this.maybeSweep();
    const code = randomToken(24);
    this.codes.set(code, { ...grant, scopes: [...grant.scopes], expiresAt: this.now() + this.codeTtlMs });
    return code;
  }

  /** Returns the grant and forgets the code (single use); undefined when unknown, used or expired. */
  takeCode(code: string): CodeGrant | undefined {
    const stored = this.codes.get(code);
    if (!stored) return undefined;
    this.codes.delete(code);
    return this.now() >= stored.expiresAt ? undefined : stored;
  }

  /** Issues an access token (and a refresh token unless it is for the implicit grant). */
  issueTokens(
    grant: { clientID: string; userId: string; scopes: readonly string[] },
    withRefreshToken: boolean,
  ): AccessGrant {
    this.maybeSweep();
    const accessToken = randomToken(32);
    const refreshToken = withRefreshToken ? randomToken(32) : undefined;
    const scopes = [...grant.scopes];
    const access: AccessGrant = {
      accessToken,
      clientID: grant.clientID,
      userId: grant.userId,
      scopes,
      macKey: randomToken(20),
      expiresAt: this.now() + this.accessTokenTtlSeconds * 1000,
      refreshToken,
    };
    this.accessTokens.set(accessToken, access);
    if (refreshToken)
      this.refreshTokens.set(refreshToken, { clientID: grant.clientID, userId: grant.userId, scopes, accessToken });
    return access;
  }

  /** The live grant of an access token; undefined when unknown, revoked or expired. */
  findAccessToken(accessToken: string): AccessGrant | undefined {
    const grant = this.accessTokens.get(accessToken);
    if (!grant) return undefined;
    if (this.now() >= grant.expiresAt) {
      this.revokeAccessToken(accessToken);
      return undefined;
    }
    return grant;
  }

  /** Forgets an access token and the nonces seen with it. */
  revokeAccessToken(accessToken: string): void {
    this.accessTokens.delete(accessToken);
    this.nonces.delete(accessToken);
  }

  /**
   * Rotates a refresh token: the old one and its access token die, a new pair (and mac_key) is issued.
   * Undefined when the refresh token is unknown, already used, or belongs to another client.
   */
  rotateRefreshToken(refreshToken: string, clientID: string): AccessGrant | undefined {
    const stored = this.refreshTokens.get(refreshToken);
    if (!stored || stored.clientID !== clientID) return undefined;
    this.refreshTokens.delete(refreshToken);
    this.revokeAccessToken(stored.accessToken);
    return this.issueTokens(stored, true);
  }

  /** Records a nonce for a token; false when it was seen before (a replay). */
  claimNonce(accessToken: string, nonce: string, minutes: number): boolean {
    let nonces = this.nonces.get(accessToken);
    if (!nonces) {
      nonces = { seen: new Map(), sweepAt: SWEEP_EVERY };
      this.nonces.set(accessToken, nonces);
    }
    const { seen } = nonces;
    if (seen.has(nonce)) return false;
    if (seen.size >= nonces.sweepAt) {
      const oldest = Math.floor(this.now() / 60000) - NONCE_WINDOW_MINUTES;
      for (const [value, at] of seen) if (at < oldest) seen.delete(value);
      // The next sweep waits for SWEEP_EVERY more nonces: a token in heavy use must not sweep on every call.
      nonces.sweepAt = seen.size + SWEEP_EVERY;
    }
    seen.set(nonce, minutes);
    return true;
  }

  // Forgets expired codes and tokens now and then, so a long benchmark does not grow memory without bound.
  private maybeSweep(): void {
    this.issued += 1;
    if (this.issued % SWEEP_EVERY !== 0) return;
    const now = this.now();
    for (const [code, stored] of this.codes) if (now >= stored.expiresAt) this.codes.delete(code);
    for (const [token, grant] of this.accessTokens) if (now >= grant.expiresAt) this.revokeAccessToken(token);
  }
}
