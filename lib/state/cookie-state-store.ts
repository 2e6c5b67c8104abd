import { createHmac, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { KEY_GENERATION_HINT, keyWeakness } from './key-strength';
import { safeEqual } from '../util/safe-equal';

/**
 * Where a {@link CookieStateStore} remembers used states, shared by every instance of the app (without one, each
 * instance remembers only its own). A Redis client implements it in one line (node-redis shown):
 *
 * @example
 * const usedStates = {
 *   setIfAbsent: async (key, ttlMs) =>
 *     (await redis.set(`mi-state:${key}`, '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) === 'OK',
 * };
 */
export interface UsedStateStore {
  /**
   * Records `key` for `ttlMs` milliseconds unless it is already recorded, atomically (Redis `SET key 1 NX PX ttlMs`).
   * Resolves true when the key was new, false when it was already there; a rejection fails the login (500).
   */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link CookieStateStore}. */
export interface CookieStateStoreOptions {
  /**
   * Key for the HMAC that signs the cookie: at least 32 random characters, the same on every instance. A list rotates
   * keys: the first signs, every one verifies (put the new key first, drop the old one after `maxAgeMs`).
   */
  secret: string | readonly string[];
  /** Cookie name. Default `mi_oauth_state`; sent as `__Host-mi_oauth_state` when `secure`. */
  cookieName?: string | undefined;
  /** How long a login may take, in ms. Default 10 minutes (Mi codes live 5–10 minutes). Used states are remembered as long. */
  maxAgeMs?: number | undefined;
  /** Send the cookie only over https, with the `__Host-` prefix. Default true; set false for plain-http development. */
  secure?: boolean | undefined;
  /** Cookie path. Default `/`; a Secure cookie (`__Host-` prefix) must use `/`. */
  path?: string | undefined;
  /** Remembers used states for all instances (e.g. in Redis). Default: in this process only. */
  usedStates?: UsedStateStore | undefined;
  /** Most used states remembered in this process without `usedStates`; the oldest are forgotten first. Default 100000. */
  maxUsedStates?: number | undefined;
}

/** Receives the new state to send to Mi Account, or the error that prevented storing it. */
export type CookieStateStoreCallback = (err: Error | null, state?: string) => void;
/** Receives whether the callback's state is valid; when not, `info.message` says why. */
export type CookieStateVerifyCallback = (err: Error | null, ok: boolean, info?: { message: string }) => void;

const HOST_PREFIX = '__Host-';
// What the signature is for, so that no other HMAC made with the same secret (another library's cookie) matches it.
const PURPOSE = 'passport-mi-account oauth state v2';
// `<state>.<expiry in ms>.<HMAC-SHA256, base64url>`: exactly three parts, each in the one form store() writes.
const COOKIE_SHAPE = /^([\w-]{16,128})\.([1-9]\d{0,15})\.([\w-]{43})$/;

/**
 * A passport-oauth2 state store for apps without sessions: the state is a random value that is also kept in a
 * signed, short-lived, HttpOnly cookie (SameSite=Lax, so Mi's redirect back carries it). The callback must bring
 * both; the cookie is cleared on use and each state is accepted once (per instance, or across instances with
 * `usedStates`).
 *
 * The signature covers the whole cookie value (state and expiry, byte for byte) and the store's identity (its cookie
 * name as sent), so a cookie minted by another app or store that shares the secret under another cookie name, or one
 * altered in any byte, is refused. Stores that share a secret and a cookie name accept each other's cookies: give each
 * app its own secret (or cookie name).
 *
 * Replays: without `usedStates`, each instance remembers only the states it accepted itself, so a callback (its URL
 * and cookie) replayed to another instance within `maxAgeMs` passes the state check there once. The authorization
 * code inside is single-use at Mi Account, so such a replay signs nobody in, but an `?error=` callback replayed that
 * way is believed. Give every instance the same `usedStates` (Redis…) to refuse a replay everywhere.
 *
 * @example
 * new MiAccountStrategy({ ..., store: new CookieStateStore({ secret: process.env.STATE_SECRET }) }, verify);
 */
export class CookieStateStore {
  /** The cookie's name as sent: `__Host-` + `cookieName` when the cookie is Secure. */
  readonly cookieName: string;
  // #private, so that no rendering of the store (util.inspect, JSON.stringify) shows a key; #keys[0] signs.
  readonly #keys: readonly Buffer[];
  private readonly maxAgeMs: number;
  private readonly secure: boolean;
  private readonly path: string;
  private readonly usedStates: UsedStateStore | undefined;
  private readonly maxUsedStates: number;
  // States used in this process (without a shared store), with their expiry, oldest first.
  private readonly used = new Map<string, number>();
  private nextSweepAt = 0;

  constructor(options: CookieStateStoreOptions) {
    const secrets = typeof options?.secret === 'string' ? [options.secret] : options?.secret;
    if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string')) {
      throw new TypeError(
        `CookieStateStore needs a secret of at least 32 characters (the same on every instance), or a list of them; ${KEY_GENERATION_HINT}`,
      );
    }
    secrets.forEach((secret: string, index) => {
      const weakness = keyWeakness(secret);
      if (weakness) {
        const which = secrets.length > 1 ? ` #${index + 1}` : '';
        throw new TypeError(
          `CookieStateStore secret${which} is too weak: ${weakness}. Use at least 32 characters of random data, the same on every instance; ${KEY_GENERATION_HINT}`,
        );
      }
    });
    this.#keys = secrets.map((secret: string) => Buffer.from(secret, 'utf8'));
    const name = options.cookieName ?? 'mi_oauth_state';
    if (!/^[A-Za-z0-9_-]+$/.test(name))
      throw new TypeError('CookieStateStore cookieName may use letters, digits, _ and - only');
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60 * 1000;
    this.secure = options.secure ?? true;
    this.path = options.path ?? '/';
    if (this.secure && this.path !== '/') {
      throw new TypeError(
        `CookieStateStore sends a Secure cookie with the __Host- prefix, which requires path "/" (got "${this.path}"): remove the path option`,
      );
    }
    // __Host- makes browsers refuse the cookie from a sibling subdomain or plain http.
    this.cookieName = this.secure && !name.startsWith(HOST_PREFIX) ? `${HOST_PREFIX}${name}` : name;
    this.usedStates = options.usedStates;
    if (this.usedStates && typeof this.usedStates.setIfAbsent !== 'function')
      throw new TypeError(
        'CookieStateStore usedStates needs a setIfAbsent(key, ttlMs) method returning a Promise<boolean>',
      );
    this.maxUsedStates = options.maxUsedStates ?? 100_000;
  }

  /**
   * A summary of the settings for logs and `JSON.stringify`, without the keys.
   *
   * @example
   * JSON.stringify(store) // '{"cookieName":"__Host-mi_oauth_state","maxAgeMs":600000,"secure":true,"path":"/"}'
   */
  toJSON(): Record<string, unknown> {
    return { cookieName: this.cookieName, maxAgeMs: this.maxAgeMs, secure: this.secure, path: this.path };
  }

  /** How many used states this process remembers now (0 with a shared `usedStates` store). */
  get usedStateCount(): number {
    this.forgetExpired(Date.now(), true);
    return this.used.size;
  }

  /** Creates the state and sets the signed cookie on the response. */
  store(req: Request, _meta: unknown, callback: CookieStateStoreCallback): void {
    const res = req.res;
    if (!res) return callback(new Error('CookieStateStore needs Express (req.res) to set its cookie'));
    const state = randomBytes(24).toString('base64url');
    const signed = `${state}.${Date.now() + this.maxAgeMs}`;
    const value = `${signed}.${this.sign(this.#keys[0] as Buffer, signed)}`;
    res.append('Set-Cookie', this.cookie(value, Math.floor(this.maxAgeMs / 1000)));
    callback(null, state);
  }

  /** Checks the callback's state against the signed cookie, then clears the cookie. */
  verify(req: Request, providedState: unknown, _meta: unknown, callback: CookieStateVerifyCallback): void {
    req.res?.append('Set-Cookie', this.cookie('', 0));
    const fail = (why: string) => callback(null, false, { message: `Invalid authorization request state: ${why}.` });
    if (typeof providedState !== 'string' || providedState === '') return fail('the callback has no state');
    const cookies = readCookies(req.headers?.cookie, this.cookieName);
    const [cookie, ...others] = cookies;
    if (cookie === undefined) return fail('the state cookie did not come back with the callback');
    if (others.length > 0)
      return fail('the state cookie came back more than once, so which one is genuine is ambiguous');
    const [, state = '', expiresText = '', signature = ''] = COOKIE_SHAPE.exec(cookie) ?? [];
    const expires = Number(expiresText);
    if (!state || !Number.isSafeInteger(expires)) return fail('the state cookie is malformed');
    const signed = `${state}.${expiresText}`;
    if (!this.#keys.some((key) => safeEqual(signature, this.sign(key, signed))))
      return fail('the state cookie signature does not verify');
    const now = Date.now();
    if (expires < now) return fail('the login took too long and the state expired');
    if (!safeEqual(state, providedState)) return fail('the state does not match the cookie');
    const firstUse = (isFirst: boolean) => (isFirst ? callback(null, true) : fail('this state was already used'));
    if (!this.usedStates) return firstUse(this.rememberLocally(state, expires, now));
    this.usedStates.setIfAbsent(state, Math.max(1, expires - now)).then(
      (isFirst) => process.nextTick(firstUse, isFirst === true),
      (err: unknown) =>
        process.nextTick(
          callback,
          new Error('CookieStateStore could not record the used state', { cause: err }),
          false,
        ),
    );
  }

  /** The signature of a cookie value (`state.expires`) for this store: its purpose and cookie name are signed too. */
  private sign(key: Buffer, value: string): string {
    return createHmac('sha256', key).update(`${PURPOSE}\n${this.cookieName}\n${value}`).digest('base64url');
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return `${this.cookieName}=${value}; Path=${this.path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`;
  }

  /** Records a state as used in this process; false when it already was. */
  private rememberLocally(state: string, expires: number, now: number): boolean {
    this.forgetExpired(now, false);
    if (this.used.has(state)) return false;
    this.used.set(state, expires);
    // Bounded memory: past the cap, the oldest used states are forgotten before their expiry.
    while (this.used.size > this.maxUsedStates) this.used.delete(this.used.keys().next().value as string);
    return true;
  }

  /** Drops used states past their lifetime: a full pass at most every tenth of the lifetime, unless forced. */
  private forgetExpired(now: number, force: boolean): void {
    if (!force && now < this.nextSweepAt) return;
    this.nextSweepAt = now + Math.max(1, Math.floor(this.maxAgeMs / 10));
    for (const [state, expires] of this.used) if (expires < now) this.used.delete(state);
  }
}

function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) values.push(part.slice(index + 1).trim());
  }
  return values;
}
