import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { Strategy } from 'passport-strategy';
import { MiAccountClient } from '../client/client';
import { MiAccountError } from '../errors/errors';
import { errorReasonFor } from '../errors/reasons';
import { parseMacAuthorizationHeader } from '../client/mac';
import { MissingIdentifierError, type MiAccountProfile, type ProfileIdentifier } from '../client/profile';
import { isRecord } from '../client/response';
import { normalizeClientID, normalizeScopes } from '../protocol';
import { tokenShapeProblem } from '../protocol/token-fields';
import type { MiAccountDoneCallback } from './types';
import type {
  MiAccountTokenStrategyOptions,
  MiAccountTokenVerifyFunction,
  MiAccountTokenVerifyFunctionWithRequest,
} from './token-strategy-types';

function missingIdentifierHint(identifier: ProfileIdentifier): string {
  return identifier === 'openId'
    ? 'The Mi Account token gives no openId: request scope ["profile", "openid"] when obtaining it (the default of ' +
        "buildImplicitAuthorizeUrl), or set profileIdentifier: 'unionId' on MiAccountTokenStrategy"
    : 'The Mi Account token gives no unionId: request the profile scope when obtaining it, or set ' +
        "profileIdentifier: 'openId' on MiAccountTokenStrategy";
}
// Mi Account refused the token itself (96007, 96008, 96012 on the Open API): the caller's doing, a 401.
const REFUSED_REASONS: ReadonlySet<string> = new Set(['scope_invalid', 'token_invalid', 'signature_refused']);

interface CacheEntry {
  profile: MiAccountProfile;
  expires: number;
}

interface FailureEntry {
  message: string;
  code: number;
  expires: number;
}

/** How one verification with Mi Account ended, shared by every request that waited for it. */
type Verification =
  | { profile: MiAccountProfile }
  | { refused: { message: string; code: number } }
  | { misconfigured: string }
  | { error: unknown };

/**
 * Passport strategy `mi-account-token`: logs in with an access token + mac_key obtained by the implicit
 * grant or a mobile SDK, verified by a MAC-signed `/user/profile` call.
 *
 * @example
 * passport.use(new MiAccountTokenStrategy({ clientID }, (accessToken, profile, done) => done(null, { id: profile.id })));
 * app.get('/api/me', passport.authenticate('mi-account-token', { session: false }), (req, res) => res.json(req.user));
 */
export class MiAccountTokenStrategy extends Strategy {
  /** Name for `passport.authenticate(name)`; `options.name`, default `'mi-account-token'`. */
  name: string;
  /** The client that makes the verifying Open API calls; usable for further calls with the same token. */
  readonly client: MiAccountClient;
  private readonly verify: MiAccountTokenVerifyFunction | MiAccountTokenVerifyFunctionWithRequest;
  private readonly fields: { accessToken: string; macKey: string };
  private readonly scope: string[];
  private readonly profileIdentifier: ProfileIdentifier;
  private readonly passReqToCallback: boolean;
  private readonly cacheTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly failureCacheTtlMs: number;
  private readonly failures = new Map<string, FailureEntry>();
  // Verifications in flight: concurrent requests with the same token wait for one Open API call.
  private readonly pending = new Map<string, Promise<Verification>>();
  private readonly allowQueryToken: boolean;

  constructor(
    options: MiAccountTokenStrategyOptions & { passReqToCallback?: false | undefined },
    verify: MiAccountTokenVerifyFunction,
  );
  constructor(
    options: MiAccountTokenStrategyOptions & { passReqToCallback: true },
    verify: MiAccountTokenVerifyFunctionWithRequest,
  );
  constructor(
    options: MiAccountTokenStrategyOptions,
    verify: MiAccountTokenVerifyFunction | MiAccountTokenVerifyFunctionWithRequest,
  ) {
    super();
    if (typeof verify !== 'function') throw new TypeError('MiAccountTokenStrategy requires a verify callback');
    this.name = options.name ?? 'mi-account-token';
    this.client = new MiAccountClient({
      clientID: normalizeClientID(options.clientID, 'MiAccountTokenStrategy'),
      openApiURL: options.openApiURL,
      timeout: options.timeout,
      agent: options.agent,
      // Pinned: one caller's wrong mac_key must not turn signing off for every later caller (no self-healing here).
      signRequests: options.signRequests ?? true,
    });
    this.verify = verify;
    this.fields = {
      accessToken: options.tokenFields?.accessToken ?? 'access_token',
      macKey: options.tokenFields?.macKey ?? 'mac_key',
    };
    this.scope = normalizeScopes(options.scope ?? ['profile', 'openid']);
    this.profileIdentifier = options.profileIdentifier ?? 'openId';
    this.passReqToCallback = options.passReqToCallback ?? false;
    this.cacheTtlMs = options.cacheTtlMs ?? 0;
    this.cacheMaxEntries = options.cacheMaxEntries ?? 1000;
    this.failureCacheTtlMs = options.failureCacheTtlMs ?? 5000;
    this.allowQueryToken = options.allowQueryToken ?? false;
  }

  /**
   * Reads the token from the body or the Authorization header (or the query, with `allowQueryToken`), verifies it with
   * Mi Account, then calls verify.
   */
  override authenticate(req: Request): void {
    const credentials = this.readCredentials(req);
    if (typeof credentials === 'string') return this.fail({ message: credentials, reason: 'missing_token' }, 400);
    const key = cacheKey(credentials);
    const now = Date.now();
    const cached = this.cacheTtlMs > 0 ? this.cache.get(key) : undefined;
    if (cached && cached.expires > now) return this.callVerify(req, credentials.accessToken, cached.profile);
    const refused = this.failures.get(key);
    if (refused && refused.expires > now) return this.fail(refusal(refused), 401);

    this.verifyOnce(key, credentials).then((outcome) =>
      process.nextTick(() => {
        if ('profile' in outcome) return this.callVerify(req, credentials.accessToken, outcome.profile);
        if ('refused' in outcome) return this.fail(refusal(outcome.refused), 401);
        if ('misconfigured' in outcome)
          return this.fail({ message: outcome.misconfigured, reason: 'missing_identifier' }, 403);
        this.error(outcome.error as Error);
      }),
    );
  }

  /** Verifies the token with Mi Account, or joins the verification of the same token already in flight. */
  private verifyOnce(key: string, credentials: { accessToken: string; macKey: string }): Promise<Verification> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const verification = this.client
      .getProfile({ ...credentials, scope: this.scope, profileIdentifier: this.profileIdentifier })
      .then(
        (profile): Verification => {
          if (this.cacheTtlMs > 0) this.remember(key, profile);
          return { profile };
        },
        (err: unknown): Verification => {
          if (err instanceof MiAccountError && err.code !== undefined && REFUSED_REASONS.has(err.reason)) {
            const refused = { message: err.message, code: err.code };
            if (this.failureCacheTtlMs > 0) this.rememberFailure(key, refused);
            return { refused };
          }
          // A valid token without the scope that profile.id needs is the client app's configuration, not a 500.
          if (err instanceof MiAccountError && err.cause instanceof MissingIdentifierError) {
            return { misconfigured: missingIdentifierHint(err.cause.identifier) };
          }
          return { error: err };
        },
      )
      .finally(() => this.pending.delete(key));
    this.pending.set(key, verification);
    return verification;
  }

  private callVerify(req: Request, accessToken: string, profile: MiAccountProfile): void {
    const done: MiAccountDoneCallback = (err, user, info) => {
      if (err) return this.error(err as Error);
      if (!user) return this.fail(info ?? { message: 'The Mi Account user was not accepted' }, 401);
      this.success(user, info);
    };
    try {
      if (this.passReqToCallback)
        (this.verify as MiAccountTokenVerifyFunctionWithRequest)(req, accessToken, profile, done);
      else (this.verify as MiAccountTokenVerifyFunction)(accessToken, profile, done);
    } catch (err) {
      this.error(err as Error);
    }
  }

  private readCredentials(req: Request): { accessToken: string; macKey: string } | string {
    const header = parseMacAuthorizationHeader(
      typeof req.headers?.authorization === 'string' ? req.headers.authorization : undefined,
    );
    const query = isRecord(req.query) ? (req.query as Record<string, unknown>) : undefined;
    const inQuery = query?.[this.fields.accessToken] !== undefined || query?.[this.fields.macKey] !== undefined;
    if (header?.ok === false)
      return `${header.problem}: send MAC ${this.fields.accessToken}="…", ${this.fields.macKey}="…"`;
    if (inQuery && !this.allowQueryToken) {
      return `Send ${this.fields.accessToken} and ${this.fields.macKey} in the JSON body or an Authorization: MAC ${this.fields.accessToken}="…", ${this.fields.macKey}="…" header, not in the query string (URLs end up in access logs and proxies); the server reads the query only with allowQueryToken: true`;
    }
    const sources: Array<Record<string, unknown> | undefined> = [
      header?.fields,
      isRecord(req.body) ? req.body : undefined,
      this.allowQueryToken ? query : undefined,
    ];
    for (const source of sources) {
      const accessToken = source?.[this.fields.accessToken];
      if (accessToken === undefined) continue;
      const macKey = source?.[this.fields.macKey];
      if (typeof accessToken !== 'string' || accessToken === '') {
        return `${this.fields.accessToken} must be a non-empty string`;
      }
      if (typeof macKey !== 'string' || macKey === '') {
        return `${this.fields.macKey} is missing: send the mac_key from the token response with the ${this.fields.accessToken}`;
      }
      // Refused before any call to Mi or redaction, whose cost a longer or odder value would set.
      const odd =
        tokenShapeProblem(this.fields.accessToken, accessToken) ?? tokenShapeProblem(this.fields.macKey, macKey);
      return odd ?? { accessToken, macKey };
    }
    return `Missing Mi Account credentials: send ${this.fields.accessToken} and ${this.fields.macKey} in the JSON body${this.allowQueryToken ? ', the query,' : ''} or an Authorization: MAC ${this.fields.accessToken}="…", ${this.fields.macKey}="…" header`;
  }

  private remember(key: string, profile: MiAccountProfile): void {
    this.cache.delete(key);
    this.cache.set(key, { profile, expires: Date.now() + this.cacheTtlMs });
    // A Map iterates in insertion order: the first key is the least recently verified.
    while (this.cache.size > this.cacheMaxEntries) this.cache.delete(this.cache.keys().next().value as string);
  }

  private rememberFailure(key: string, refused: { message: string; code: number }): void {
    this.failures.delete(key);
    this.failures.set(key, { ...refused, expires: Date.now() + this.failureCacheTtlMs });
    while (this.failures.size > this.cacheMaxEntries) this.failures.delete(this.failures.keys().next().value as string);
  }
}

/** The failure info of a token Mi Account refused: its message, Mi's code and the reason to branch on. */
function refusal({ message, code }: { message: string; code: number }): object {
  return { message, code, reason: errorReasonFor({ step: 'open api', code }) };
}

/** The caches are keyed by a digest, so they hold no token or mac_key. */
function cacheKey(credentials: { accessToken: string; macKey: string }): string {
  return createHash('sha256').update(`${credentials.accessToken}\n${credentials.macKey}`).digest('base64url');
}
