import { createHmac, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { safeEqual } from './safe-equal';

/** Options of {@link CookieStateStore}. */
export interface CookieStateStoreOptions {
  /** Key for the HMAC that signs the cookie; at least 32 characters, the same on every instance. */
  secret: string;
  /** Cookie name. Default `mi_oauth_state`. */
  cookieName?: string;
  /** How long a login may take, in ms. Default 10 minutes (Mi codes live 5–10 minutes). */
  maxAgeMs?: number;
  /** Send the cookie only over https. Default true; set false for plain-http development. */
  secure?: boolean;
  /** Cookie path. Default `/`. */
  path?: string;
}

/** Receives the new state to send to Mi Account, or the error that prevented storing it. */
export type CookieStateStoreCallback = (err: Error | null, state?: string) => void;
/** Receives whether the callback's state is valid; when not, `info.message` says why. */
export type CookieStateVerifyCallback = (err: Error | null, ok: boolean, info?: { message: string }) => void;

/**
 * A passport-oauth2 state store for apps without sessions: the state is a random value that is also kept in a
 * signed, short-lived, HttpOnly cookie (SameSite=Lax, so Mi's redirect back carries it). The callback must bring
 * both; the cookie is cleared on use and each state is accepted once per instance.
 *
 * @example
 * new MiAccountStrategy({ ..., store: new CookieStateStore({ secret: process.env.STATE_SECRET }) }, verify);
 */
export class CookieStateStore {
  private readonly key: Buffer;
  private readonly cookieName: string;
  private readonly maxAgeMs: number;
  private readonly secure: boolean;
  private readonly path: string;
  // States seen, with their expiry: a replay within the lifetime is refused even if the cookie is replayed too.
  private readonly used = new Map<string, number>();

  constructor(options: CookieStateStoreOptions) {
    if (typeof options?.secret !== 'string' || options.secret.length < 32) {
      throw new TypeError('CookieStateStore needs a secret of at least 32 characters (the same on every instance)');
    }
    this.key = Buffer.from(options.secret, 'utf8');
    this.cookieName = options.cookieName ?? 'mi_oauth_state';
    if (!/^[A-Za-z0-9_-]+$/.test(this.cookieName))
      throw new TypeError('CookieStateStore cookieName may use letters, digits, _ and - only');
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60 * 1000;
    this.secure = options.secure ?? true;
    this.path = options.path ?? '/';
  }

  /** Creates the state and sets the signed cookie on the response. */
  store(req: Request, _meta: unknown, callback: CookieStateStoreCallback): void {
    const res = req.res;
    if (!res) return callback(new Error('CookieStateStore needs Express (req.res) to set its cookie'));
    const state = randomBytes(24).toString('base64url');
    const expires = Date.now() + this.maxAgeMs;
    const value = `${state}.${expires}.${this.sign(state, expires)}`;
    res.append('Set-Cookie', this.cookie(value, Math.floor(this.maxAgeMs / 1000)));
    callback(null, state);
  }

  /** Checks the callback's state against the signed cookie, then clears the cookie. */
  verify(req: Request, providedState: unknown, _meta: unknown, callback: CookieStateVerifyCallback): void {
    req.res?.append('Set-Cookie', this.cookie('', 0));
    const fail = (why: string) => callback(null, false, { message: `Invalid authorization request state: ${why}.` });
    if (typeof providedState !== 'string' || providedState === '') return fail('the callback has no state');
    const cookie = readCookie(req.headers?.cookie, this.cookieName);
    if (!cookie) return fail('the state cookie did not come back with the callback');
    const [state, expiresText, signature] = cookie.split('.');
    const expires = Number(expiresText);
    if (!state || !signature || !Number.isSafeInteger(expires)) return fail('the state cookie is malformed');
    if (!safeEqual(signature, this.sign(state, expires))) return fail('the state cookie signature does not verify');
    const now = Date.now();
    if (expires < now) return fail('the login took too long and the state expired');
    if (!safeEqual(state, providedState)) return fail('the state does not match the cookie');
    this.forgetExpired(now);
    if (this.used.has(state)) return fail('this state was already used');
    this.used.set(state, expires);
    callback(null, true);
  }

  private sign(state: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${state}.${expires}`).digest('base64url');
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return `${this.cookieName}=${value}; Path=${this.path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${this.secure ? '; Secure' : ''}`;
  }

  private forgetExpired(now: number): void {
    for (const [state, expires] of this.used) {
      if (expires >= now) break;
      this.used.delete(state);
    }
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
