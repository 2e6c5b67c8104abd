// Scope rules (protocol §7): names to numeric IDs, and the granted scope of a token response.

/**
 * Named Mi Account scopes and their numeric IDs (protocol §7).
 *
 * @example
 * MiScopes.profile // '1'
 */
export const MiScopes = Object.freeze({
  /** Nickname, avatar and unionId (`/user/profile`). */
  profile: '1',
  /** MiChat friend list (`/user/relation`). */
  relation: '2',
  /** openId (`/user/openidV2`). */
  openid: '3',
  /** Phone number (`/user/phoneAndEmail`); sensitive, granted only after Xiaomi's privacy review. */
  phone: '4',
  /** Email address (`/user/phoneAndEmail`); sensitive, granted only after Xiaomi's privacy review. */
  email: '6',
  /** Mi router information (first of the two router scopes). */
  router: '1000',
  /** Mi router information (second router scope; Xiaomi's list does not tell it apart from 1000). */
  routerAdmin: '1001',
  /** Contacts in Mi Cloud (older list). */
  contacts: '2000',
  /** Mi Cloud calendar. */
  calendar: '2001',
  /** Mi Cloud alarms. */
  alarms: '2002',
  /** Mi Home smart-home services (main scope). */
  smartHome: '6000',
  /** A Mi Home smart-home service scope (Xiaomi's list groups 6000–6004 without detail). */
  smartHomeDevices: '6002',
  /** A Mi Home smart-home service scope (Xiaomi's list groups 6000–6004 without detail). */
  smartHomeScenes: '6003',
  /** A Mi Home smart-home service scope (Xiaomi's list groups 6000–6004 without detail). */
  smartHomeStats: '6004',
  /** Follow the Yellow Pages service account. */
  yellowPages: '7000',
  /** Mi Cloud gallery. */
  gallery: '11000',
  /** Save app data to Mi Cloud. */
  appData: '12001',
  /** Health ECG service. */
  ecg: '12005',
  /** Save fitness data to Mi Cloud. */
  fitness: '13002',
  /** Mi wallet passes and coupons (`app/get_pass`). */
  walletPasses: '16000',
  /** XiaoAI voice service. */
  xiaoai: '20000',
  /** Cloud AI services (internal to Xiaomi). */
  cloudAi: '40000',
} as const);

/** A scope name accepted wherever scopes are given, e.g. `'profile'` or `'openid'`. */
export type MiScopeName = keyof typeof MiScopes;

/** Scopes whose data (phone, email) Xiaomi grants only after a privacy review. */
export const SENSITIVE_SCOPES: ReadonlySet<string> = new Set([MiScopes.phone, MiScopes.email]);

/**
 * What separates scope IDs in the authorization request and in the token response (protocol §3, §7).
 *
 * @example
 * normalizeScopes(['profile', 'openid']).join(SCOPE_SEPARATOR) // '1 3'
 */
export const SCOPE_SEPARATOR = ' ';

const NAMES = new Map<string, string>(Object.entries(MiScopes).map(([name, id]) => [name.toLowerCase(), id]));

/**
 * Turns scope names or numeric IDs (array, or a string separated by spaces or commas) into
 * de-duplicated numeric IDs in the order given. Unknown names throw; unknown numbers pass.
 *
 * @example
 * normalizeScopes(['profile', 'openid', '1', 6]) // ['1', '3', '6']
 * normalizeScopes('profile email')              // ['1', '6']
 */
export function normalizeScopes(input: string | number | ReadonlyArray<string | number> | undefined | null): string[] {
  if (input === undefined || input === null) return [];
  const items = Array.isArray(input) ? input : String(input).split(/[\s,]+/);
  const out: string[] = [];
  for (const item of items as ReadonlyArray<unknown>) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      throw new TypeError(`Mi Account scope must be a name or a numeric ID, got ${typeof item}`);
    }
    if (typeof item === 'number' && !(Number.isSafeInteger(item) && item >= 0)) {
      throw new TypeError(
        `Mi Account scope ID must be a non-negative integer, got ${item} (give large IDs as strings)`,
      );
    }
    const text = String(item).trim();
    if (text === '') continue;
    const id = /^\d+$/.test(text) ? stripLeadingZeros(text) : NAMES.get(text.toLowerCase());
    if (id === undefined) {
      throw new TypeError(
        `Unknown Mi Account scope "${text.slice(0, 40)}". Use a numeric scope ID or one of: ${Object.keys(MiScopes).join(', ')}`,
      );
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** Parses the space-separated `scope` of a token response into de-duplicated numeric strings; never throws. */
export function parseGrantedScopes(scope: string | undefined): string[] {
  // Wire data: a lone scope may arrive as a JSON number, anything else means nothing was granted.
  const text = typeof scope === 'string' ? scope : typeof scope === 'number' ? String(scope) : '';
  const ids = text.split(/[\s,]+/).filter((s) => /^\d+$/.test(s));
  return [...new Set(ids.map(stripLeadingZeros))];
}

// '007' → '7' as text: Number() would round IDs above 2^53 and print 1e21 and up in exponent form.
function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}
