import type { TokenSet } from '../client/response';

/** Most token sets waiting for their profile step at once. */
export const MAX_PENDING_TOKEN_SETS = 1000;
/** How long a token set waits for its profile step; passport-oauth2 runs it right after the token call. */
export const PENDING_TOKEN_SET_TTL_MS = 60_000;

/**
 * The token sets of logins between the token call and the profile step. passport-oauth2 hands `userProfile` the
 * access token only, and Mi's profile calls also need the mac_key, the granted scope and the openId that came with it:
 * the token seam puts the whole set here, keyed by its access token, and `userProfile` takes it out. A login whose
 * profile step is skipped never takes its set: entries older than the TTL, or beyond the cap, are dropped on insert.
 * The entries live in a private field, so no rendering of the strategy (inspect, JSON) shows a token.
 *
 * @example
 * const pending = new PendingTokenSets();
 * pending.put(tokens);
 * pending.take(tokens.accessToken); // tokens; a second take gives undefined
 */
export class PendingTokenSets {
  readonly #entries = new Map<string, { tokens: TokenSet; expires: number }>();

  /**
   * @param max - most entries kept
   * @param ttlMs - how long an entry is kept, in milliseconds
   */
  constructor(
    private readonly max = MAX_PENDING_TOKEN_SETS,
    private readonly ttlMs = PENDING_TOKEN_SET_TTL_MS,
  ) {}

  /** Keeps `tokens` for the profile step of its login, dropping expired entries and the oldest beyond the cap. */
  put(tokens: TokenSet): void {
    const now = Date.now();
    // A Map iterates in insertion order, and every entry has the same TTL: the first one expires first.
    for (const [accessToken, entry] of this.#entries) {
      if (entry.expires > now && this.#entries.size < this.max) break;
      this.#entries.delete(accessToken);
    }
    this.#entries.delete(tokens.accessToken);
    this.#entries.set(tokens.accessToken, { tokens, expires: now + this.ttlMs });
  }

  /** The token set of `accessToken`, removed; `undefined` when none is waiting (unknown, taken or expired). */
  take(accessToken: string): TokenSet | undefined {
    const entry = this.#entries.get(accessToken);
    if (!entry) return undefined;
    this.#entries.delete(accessToken);
    return entry.expires > Date.now() ? entry.tokens : undefined;
  }

  /** How many token sets are waiting (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }
}
