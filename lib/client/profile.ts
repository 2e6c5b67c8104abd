import { MiAccountResponseError } from '../errors/errors';

/** Which identifier becomes `profile.id`. */
export type ProfileIdentifier = 'openId' | 'unionId';

/** A failed optional data call that did not fail the login (see `strictProfile`). */
export interface ProfileWarning {
  /** Open API path that failed, e.g. `/user/phoneAndEmail`. */
  endpoint: string;
  /** Mi error code, e.g. 96005 when the app lacks the phone/email grant; undefined for network or malformed-response errors. */
  code: number | undefined;
  /** The error message (no secrets). */
  message: string;
}

/** The Passport normalized profile plus Mi Account's identifiers. */
export interface MiAccountProfile {
  /** Always `'mi-account'`. */
  provider: 'mi-account';
  /** openId by default, or unionId with `profileIdentifier: 'unionId'`. */
  id: string;
  /** The user's ID within this app: the stable login key. */
  openId: string | undefined;
  /** The user's ID across all apps of the same developer. */
  unionId?: string;
  /** The raw Xiaomi account number; only apps enabled before 2018-06-01 receive it. */
  legacyUserId?: string;
  /** Mi nickname (`miliaoNick`); needs the profile scope. */
  displayName?: string;
  /** Largest first: _orig, _320, _120, _90, _75, base. */
  photos?: Array<{
    /** Avatar URL. */
    value: string;
    /** Width and height in pixels (square): 550, 320, 120, 90, 75 or 50. */
    size?: number;
  }>;
  /** The email address; needs the email scope (6), which Xiaomi grants only after a privacy review. */
  emails?: Array<{
    /** Email address as Mi Account returned it. */
    value: string;
  }>;
  /** The phone number; needs the phone scope (4), which Xiaomi grants only after a privacy review. */
  phoneNumbers?: Array<{
    /** Phone number as Mi Account returned it. */
    value: string;
  }>;
  /** Granted scopes, numeric strings. */
  scopes: string[];
  /** Optional data calls that failed without failing the login; absent when all succeeded. */
  warnings?: ProfileWarning[];
  /** The `/user/profile` data as JSON text; `''` without the profile scope. */
  _raw: string;
  /** The `/user/profile` data (`miliaoNick`, `miliaoIcon`…, keys trimmed); `{}` without the profile scope. */
  _json: Record<string, unknown>;
}

export interface ProfileSources {
  scopes: readonly string[];
  tokenOpenId: string | undefined;
  tokenUnionId: string | undefined;
  profileData: Record<string, unknown> | undefined;
  profileRaw: string | undefined;
  openIdData: Record<string, unknown> | undefined;
  contactData: Record<string, unknown> | undefined;
  warnings: readonly ProfileWarning[];
  profileIdentifier: ProfileIdentifier;
}

const AVATAR_SIZES: ReadonlyArray<[field: string, size: number]> = [
  ['miliaoIcon_orig', 550],
  ['miliaoIcon_320', 320],
  ['miliaoIcon_120', 120],
  ['miliaoIcon_90', 90],
  ['miliaoIcon_75', 75],
  ['miliaoIcon', 50],
];

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

// Identifiers are strings only: a JSON number above 2^53 is rounded, and two users would collapse into one.
function identifier(value: unknown, field: string, endpoint: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new MiAccountResponseError({
      step: 'open api',
      endpoint,
      hint: `Mi Account's response has a ${field} that is not a string; identifiers must be strings (a number above 2^53 is rounded and could match another user)`,
    });
  }
  return text(value);
}

// The legacy userId is Xiaomi's numeric account number, sent as a JSON number: exact only as a safe integer.
function legacyIdentifier(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return identifier(value, 'userId', '/user/profile');
}

// Only web URLs: a `javascript:` or `data:` avatar would run or render in the app's page.
function webUrl(value: unknown): string | undefined {
  const url = typeof value === 'string' ? value.trim() : undefined;
  if (url === undefined || !/^https?:\/\/[^\s\\/?#]/i.test(url) || /[\p{Cc}\p{Cf}\s\\]/u.test(url)) return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Error thrown when the profile cannot name the user; the caller wraps it into a MiAccountError. */
export class MissingIdentifierError extends Error {
  constructor(readonly identifier: ProfileIdentifier) {
    super(
      identifier === 'openId'
        ? 'Mi Account returned no openId (not in the token response, and /user/openidV2 gave none); request the openid scope'
        : 'Mi Account returned no unionId (needs the profile scope); request scope "profile" or use profileIdentifier: "openId"',
    );
    this.name = 'MissingIdentifierError';
  }
}

/**
 * Builds the normalized profile from the raw Mi Account responses. Pure: no I/O.
 *
 * @example
 * buildProfile({ scopes: ['1'], tokenOpenId: '2.0abc', profileData: { miliaoNick: 'Lei' }, … }).displayName // 'Lei'
 */
export function buildProfile(sources: ProfileSources): MiAccountProfile {
  const data = sources.profileData ?? {};
  const openId =
    sources.tokenOpenId ??
    identifier(sources.openIdData?.openId, 'openId', '/user/openidV2') ??
    identifier(sources.openIdData?.openid, 'openid', '/user/openidV2');
  const unionId = identifier(data.unionId, 'unionId', '/user/profile') ?? sources.tokenUnionId;
  const id = sources.profileIdentifier === 'unionId' ? unionId : openId;
  if (id === undefined) throw new MissingIdentifierError(sources.profileIdentifier);

  const profile: MiAccountProfile = {
    provider: 'mi-account',
    id,
    openId,
    scopes: [...sources.scopes],
    _raw: sources.profileRaw ?? '',
    _json: data,
  };
  if (unionId !== undefined) profile.unionId = unionId;
  const legacyUserId = legacyIdentifier(data.userId);
  if (legacyUserId !== undefined) profile.legacyUserId = legacyUserId;
  const displayName = text(data.miliaoNick);
  if (displayName !== undefined) profile.displayName = displayName;

  const seen = new Set<string>();
  const photos: Array<{ value: string; size: number }> = [];
  for (const [field, size] of AVATAR_SIZES) {
    const url = webUrl(data[field]);
    if (url !== undefined && !seen.has(url)) {
      seen.add(url);
      photos.push({ value: url, size });
    }
  }
  if (photos.length > 0) profile.photos = photos;

  const email = text(sources.contactData?.email);
  if (email !== undefined) profile.emails = [{ value: email }];
  const phone = text(sources.contactData?.phone);
  if (phone !== undefined) profile.phoneNumbers = [{ value: phone }];
  if (sources.warnings.length > 0) profile.warnings = [...sources.warnings];
  return profile;
}
