import { SCOPE_IDS, SENSITIVE_SCOPE_IDS } from './scope-ids';

/** Words for each known scope ID, for the consent page. */
const SCOPE_WORDS: Readonly<Record<string, { short: string; long: string }>> = {
  [SCOPE_IDS.profile]: { short: 'profile', long: 'your profile: nickname and avatar' },
  [SCOPE_IDS.relation]: { short: 'MiChat friend list', long: 'your MiChat friend list' },
  [SCOPE_IDS.openid]: { short: 'openId', long: 'your openId, the ID of your account in this app' },
  [SCOPE_IDS.phone]: { short: 'phone number', long: 'your phone number' },
  [SCOPE_IDS.email]: { short: 'email address', long: 'your email address' },
  [SCOPE_IDS.router]: { short: 'Mi router information', long: 'information about your Mi router' },
  [SCOPE_IDS.routerAdmin]: { short: 'Mi router management', long: 'management of your Mi router' },
  [SCOPE_IDS.contacts]: { short: 'Mi Cloud contacts', long: 'your contacts in Mi Cloud' },
  [SCOPE_IDS.calendar]: { short: 'Mi Cloud calendar', long: 'your calendar in Mi Cloud' },
  [SCOPE_IDS.alarms]: { short: 'Mi Cloud alarms', long: 'your alarms in Mi Cloud' },
  [SCOPE_IDS.smartHome]: { short: 'Mi Home services', long: 'your Mi Home smart-home services' },
  [SCOPE_IDS.smartHomeDevices]: { short: 'Mi Home devices', long: 'your Mi Home devices' },
  [SCOPE_IDS.smartHomeScenes]: { short: 'Mi Home scenes', long: 'your Mi Home scenes' },
  [SCOPE_IDS.smartHomeStats]: { short: 'Mi Home statistics', long: 'your Mi Home statistics' },
  [SCOPE_IDS.yellowPages]: { short: 'Yellow Pages follow', long: 'following the Yellow Pages service account' },
  [SCOPE_IDS.gallery]: { short: 'Mi Cloud gallery', long: 'your Mi Cloud gallery' },
  [SCOPE_IDS.appData]: { short: 'app data in Mi Cloud', long: 'saving app data to your Mi Cloud' },
  [SCOPE_IDS.ecg]: { short: 'ECG health service', long: 'the health ECG service' },
  [SCOPE_IDS.fitness]: { short: 'fitness data in Mi Cloud', long: 'saving fitness data to your Mi Cloud' },
  [SCOPE_IDS.walletPasses]: { short: 'Mi wallet passes', long: 'your Mi wallet passes and coupons' },
  [SCOPE_IDS.xiaoai]: { short: 'XiaoAI voice service', long: 'the XiaoAI voice service' },
  [SCOPE_IDS.cloudAi]: { short: 'cloud AI services', long: 'cloud AI services' },
};

/**
 * What Mi grants when the authorization request names no scope (protocol §7): profile (1) and openId (3).
 *
 * @example
 * grantScopes(undefined, false).granted // ['1', '3']
 */
export const BASIC_SCOPES: readonly string[] = Object.freeze([SCOPE_IDS.profile, SCOPE_IDS.openid]);

/**
 * The outcome of reading the `scope` parameter of an authorization request.
 *
 * @example
 * const request: ScopeRequest = grantScopes('1 6', false); // granted ['1'], dropped ['6']
 */
export type ScopeRequest =
  | {
      readonly ok: true;
      readonly requested: readonly string[];
      readonly granted: readonly string[];
      readonly dropped: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads space-separated numeric scope IDs and decides the grant: every known scope, except phone (4)
 * and email (6) for a client without the privacy review, which are dropped silently (as Xiaomi does).
 * No scope (absent or blank) gets the basic scopes 1 and 3, as Xiaomi's own demos rely on.
 *
 * @example
 * grantScopes(undefined, false) // { ok: true, requested: ['1', '3'], granted: ['1', '3'], dropped: [] }
 * grantScopes('1 3 6', false) // { ok: true, requested: ['1', '3', '6'], granted: ['1', '3'], dropped: ['6'] }
 * grantScopes('profile', true) // { ok: false, reason: 'scope "profile" is not a numeric scope ID' }
 */
export function grantScopes(scope: string | undefined, sensitiveAllowed: boolean): ScopeRequest {
  const requested: string[] = [];
  for (const item of (scope ?? '').split(' ')) {
    if (item === '') continue;
    // Canonical numbers only ("01" or "1e3" is malformed); unknown IDs are OA_INVALID_SCOPE like garbage.
    if (!/^[1-9]\d{0,9}$/.test(item))
      return { ok: false, reason: `scope "${item.slice(0, 40)}" is not a numeric scope ID` };
    if (!SCOPE_WORDS[item]) return { ok: false, reason: `scope ${item} is unknown` };
    if (!requested.includes(item)) requested.push(item);
  }
  if (requested.length === 0) requested.push(...BASIC_SCOPES);
  const granted = requested.filter((id) => sensitiveAllowed || !SENSITIVE_SCOPE_IDS.has(id));
  const dropped = requested.filter((id) => !granted.includes(id));
  return { ok: true, requested, granted, dropped };
}

/**
 * Short and long words for a scope ID.
 *
 * @example
 * scopeWords('6') // { short: 'email address', long: 'your email address' }
 */
export function scopeWords(id: string): { short: string; long: string } {
  return SCOPE_WORDS[id] ?? { short: `scope ${id}`, long: `scope ${id}` };
}
