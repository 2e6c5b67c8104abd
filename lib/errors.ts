/** One row of the Mi Account error table (protocol §8). */
export interface MiErrorInfo {
  /** Xiaomi's constant name, e.g. `OA_INVALID_CODE`. */
  readonly name: string;
  /** What the code usually means and what to do about it. */
  readonly hint: string;
}

/**
 * Mi Account's numeric error codes with their names and what to do about them.
 *
 * @example
 * MI_ERROR_CODES[96013].name // 'OA_INVALID_CODE'
 */
export const MI_ERROR_CODES: Readonly<Record<number, MiErrorInfo>> = deepFreeze({
  96001: {
    name: 'OA_CLIENT_NOT_EXISTS',
    hint: 'the App ID is unknown, or the account service is not enabled for this app on the Mi developer console',
  },
  96002: { name: 'OA_INVALID_REQUEST', hint: 'a required parameter is missing or malformed' },
  96003: {
    name: 'OA_INVALID_CLIENT',
    hint: 'client_id and client_secret do not match (use the App Secret), or the request was not URL-encoded',
  },
  96004: { name: 'OA_INVALID_GRANT', hint: 'invalid grant; the grant type must be code or token' },
  96005: {
    name: 'OA_UNAUTHORIZED_CLIENT',
    hint: 'the app lacks permission for this request; apply for it on the Mi developer console',
  },
  96006: { name: 'OA_UNSUPPORTED_GRANT_TYPE', hint: 'the grant type is not supported' },
  96007: { name: 'OA_INVALID_SCOPE', hint: 'a scope is invalid, unknown or not granted to this app' },
  96008: { name: 'OA_INVALID_TOKEN', hint: 'the access token is wrong or expired; ask the user to sign in again' },
  96009: {
    name: 'OA_INVALID_REFRESHTOKEN',
    hint: 'the refresh token is invalid, expired or already used (each refresh token works once; store the new one)',
  },
  96010: {
    name: 'OA_INVALID_REDIRECT_URI',
    hint: 'redirect_uri does not match any redirect URI registered on the Mi developer console (same scheme, port, host or sub-domain, path or sub-path)',
  },
  96011: { name: 'OA_UNSUPPORTED_RESPONSE_TYPE', hint: 'the response type is not supported (use code or token)' },
  96012: {
    name: 'OA_ACCESS_DENIED',
    hint: 'the user cancelled or the server refused, or the MAC signature did not verify',
  },
  96013: { name: 'OA_INVALID_CODE', hint: 'the code is invalid or expired (single use, 5–10 minutes)' },
});

// A shared table: one caller must not be able to rewrite the names and hints every other error shows.
function deepFreeze<T extends Record<number, MiErrorInfo>>(table: T): Readonly<T> {
  for (const info of Object.values(table)) Object.freeze(info);
  return Object.freeze(table);
}

// Own rows only: a code read off the wire must not reach Object.prototype (`constructor`, `toString`).
function errorInfo(code: number | undefined): MiErrorInfo | undefined {
  return code !== undefined && Object.prototype.hasOwnProperty.call(MI_ERROR_CODES, code)
    ? MI_ERROR_CODES[code]
    : undefined;
}

/** The step of the login at which an error happened. */
export type MiAccountStep =
  'authorization' | 'token exchange' | 'token refresh' | 'open api' | 'redirect uri' | 'configuration' | 'state';

/** Constructor options of {@link MiAccountError} and its subclasses. */
export interface MiAccountErrorOptions {
  /** The login step that failed. */
  step: MiAccountStep;
  /** Mi error code (e.g. 96013); absent for network and response-format errors. */
  code?: number;
  /** Description sent by Mi Account, already stripped of secrets. */
  description?: string;
  /** Replaces the hint of the error table. */
  hint?: string;
  /** Mi Account's own HTTP status, when it answered (often 200, even for errors). */
  responseStatus?: number;
  /** The HTTP status the app should answer with (400–599); default from {@link httpStatusFor}. */
  status?: number;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  endpoint?: string;
  /** The underlying error, kept as the standard `cause`; give nothing that holds a secret. */
  cause?: unknown;
}

// Mi codes a user causes (a stale or replayed callback, a refusal, an expired token): 4xx. The others mean the app's
// configuration or request is wrong (App ID, secret, scopes, redirect URI): 500.
const USER_CAUSED: Readonly<Record<number, number>> = { 96008: 401, 96009: 401, 96012: 403, 96013: 400 };
const APP_CAUSED = new Set([96001, 96002, 96003, 96004, 96005, 96006, 96007, 96010, 96011]);

/**
 * The HTTP status an app should answer with for an error (http-errors convention), from its Mi code and step:
 *
 * | cause | status |
 * |---|---|
 * | 96013 invalid or used code | 400 |
 * | 96008 invalid token, 96009 invalid refresh token | 401 |
 * | 96012 refusal (user cancelled, server refused) | 403 |
 * | step `state` (forged or stale callback) | 403 |
 * | 96001–96007, 96010, 96011 (App ID, secret, grant, scope, redirect URI) | 500 |
 * | step `configuration` or `redirect uri`; a local error with no Mi answer | 500 |
 * | an unknown Mi code, an unreadable answer, a network failure | 502 |
 * | a timeout | 504 (set by the request) |
 *
 * @example
 * httpStatusFor({ step: 'token exchange', code: 96013 }) // 400
 */
export function httpStatusFor(options: Pick<MiAccountErrorOptions, 'step' | 'code' | 'responseStatus'>): number {
  const { step, code } = options;
  if (step === 'configuration' || step === 'redirect uri') return 500;
  const userCaused = code !== undefined && Object.prototype.hasOwnProperty.call(USER_CAUSED, code);
  if (userCaused) return USER_CAUSED[code] ?? 400;
  if (code !== undefined && APP_CAUSED.has(code)) return 500;
  if (step === 'state') return 403;
  // Mi answered something we cannot act on, or the authorization redirect carried an error we do not know.
  if (code !== undefined || options.responseStatus !== undefined || step === 'authorization') return 502;
  return 500;
}

// An explicit 4xx/5xx status wins; then the Mi code; then the subclass's default (502 for request and response errors).
function answerStatus(options: MiAccountErrorOptions, fallback: number | undefined): number {
  const given = options.status;
  if (typeof given === 'number' && Number.isInteger(given) && given >= 400 && given <= 599) return given;
  return options.code === undefined && fallback !== undefined ? fallback : httpStatusFor(options);
}

/**
 * An error from Mi Account or from talking to it. The message names the step, the Mi code
 * and name, and a hint; it never contains a client secret, a token or a mac_key.
 *
 * Follows the http-errors convention: `status` and `statusCode` are the HTTP status the app should answer with
 * (see {@link httpStatusFor}), `expose` is true for 4xx, and Mi Account's own HTTP status is `responseStatus`.
 *
 * @example
 * if (err instanceof MiAccountError && err.code === 96009) reauthorize();
 * app.use((err, req, res, next) => res.status(err.status ?? 500).send(err.expose ? err.message : 'Sign-in failed'));
 */
export class MiAccountError extends Error {
  /** Mi error code, e.g. 96013, or undefined when Mi Account did not send one. */
  readonly code: number | undefined;
  /** Name of the code, e.g. `OA_INVALID_CODE`. */
  readonly errorName: string | undefined;
  /** What to do about it: the given hint, else the error table's hint for `code`. */
  readonly hint: string | undefined;
  /** The HTTP status the app should answer with (http-errors convention): 4xx user-caused, 500 configuration, 502 Mi fault, 504 timeout. */
  readonly status: number;
  /** Same as `status` (http-errors and Express read either). */
  readonly statusCode: number;
  /** True for a 4xx status: the message may be shown to the user (http-errors convention). */
  readonly expose: boolean;
  /** Mi Account's own HTTP status, when it answered (often 200, even for errors); undefined otherwise. */
  readonly responseStatus: number | undefined;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  readonly endpoint: string | undefined;
  /** The login step that failed, e.g. `'token exchange'`. */
  readonly step: MiAccountStep;
  /** Mi Account's own description (`error_description` or `description`), secrets redacted. */
  readonly description: string | undefined;

  constructor(options: MiAccountErrorOptions, defaultStatus?: number) {
    const known = errorInfo(options.code);
    const hint = options.hint ?? known?.hint;
    super(
      formatMessage(options, known?.name, hint),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'MiAccountError';
    this.step = options.step;
    this.code = options.code;
    this.errorName = known?.name;
    this.hint = hint;
    this.status = answerStatus(options, defaultStatus);
    this.statusCode = this.status;
    this.expose = this.status < 500;
    this.responseStatus = options.responseStatus;
    this.endpoint = options.endpoint;
    this.description = options.description;
  }

  /** A plain object for logs; carries nothing secret. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      step: this.step,
      code: this.code,
      errorName: this.errorName,
      hint: this.hint,
      status: this.status,
      expose: this.expose,
      responseStatus: this.responseStatus,
      endpoint: this.endpoint,
    };
  }
}

/** The request to Mi Account could not be completed (network failure: `status` 502; timeout: 504). */
export class MiAccountRequestError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super(options, 502);
    this.name = 'MiAccountRequestError';
  }
}

/** Mi Account answered something that is not a valid response (HTML, truncated JSON, missing fields); `status` 502. */
export class MiAccountResponseError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super(options, 502);
    this.name = 'MiAccountResponseError';
  }
}

const STEP_TITLES: Record<MiAccountStep, string> = {
  authorization: 'Mi Account authorization failed',
  'token exchange': 'Mi Account token exchange failed',
  'token refresh': 'Mi Account token refresh failed',
  'open api': 'Mi Account Open API call failed',
  'redirect uri': 'Mi Account redirect URI rejected',
  configuration: 'Mi Account configuration error',
  state: 'Mi Account state check failed',
};

function formatMessage(options: MiAccountErrorOptions, name: string | undefined, hint: string | undefined): string {
  const where = options.endpoint ? ` (${options.endpoint})` : '';
  const what = [options.code, name].filter((part) => part !== undefined).join(' ');
  const detail = [what, hint].filter(Boolean).join(' — ');
  const described =
    options.description && options.description !== hint ? ` [Mi Account says: ${options.description}]` : '';
  return `${STEP_TITLES[options.step]}${where}: ${detail || 'unknown error'}${described}`;
}

/**
 * Replaces every occurrence of the given secrets with `[redacted]`, in every form a server could echo them in:
 * as is; percent-encoded once or several times (`%2B`, `%252B`, either hex case), wholly or in part, with a space as
 * `+` or `%20`; JSON or JavaScript escaped (`\/`, `\u002f`, `\x2f`); as HTML character references (`&#47;`,
 * `&#x2f;`); as hex; and base64 or base64url at any byte offset (inside a `Basic` header, say), of the secret or of
 * its percent-encoded form. Secrets under 4 characters are ignored. Linear in the length of the text.
 *
 * @example
 * redact('GET /token?client_secret=s3cr%252Bt', ['s3cr+t']) // 'GET /token?client_secret=[redacted]'
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = String(text);
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 4) continue;
    out = out.replace(secretPattern(secret), '[redacted]');
  }
  return out;
}

// Escaping nests a few levels at most; bounded repeats keep each match attempt linear in the secret's length.
const MAX_NESTING = 3;
// A base64 run shorter than this is too likely to occur by chance in ordinary text.
const MIN_BASE64_CORE = 8;

// The client secret recurs in every error: its pattern (a few kilobytes of regex) is built once, not per error.
const patterns = new Map<string, RegExp>();

function secretPattern(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (!pattern) {
    pattern = buildSecretPattern(secret);
    if (patterns.size >= 16) patterns.clear();
    patterns.set(secret, pattern);
  }
  return pattern;
}

function buildSecretPattern(secret: string): RegExp {
  const alternatives = [[...secret].map(charPattern).join('')];
  for (const form of new Set([secret, encodeURIComponent(secret)])) {
    const bytes = new TextEncoder().encode(form);
    alternatives.push(hexPattern(bytes));
    for (const core of base64Cores(bytes)) {
      alternatives.push(literal(core), literal(core.replace(/\+/g, '-').replace(/\//g, '_')));
    }
  }
  return new RegExp([...new Set(alternatives)].join('|'), 'g');
}

// One character in any of its escaped forms; multi-byte characters percent-encode as their UTF-8 bytes.
function charPattern(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const bytes = [...new TextEncoder().encode(char)];
  const percent = bytes.map((byte) => `%(?:25){0,${MAX_NESTING}}${hexByte(byte)}`).join('');
  const units = [...Array(char.length).keys()].map((i) => char.charCodeAt(i));
  const slashes = `\\\\{0,${MAX_NESTING}}`;
  const forms = [
    `${slashes}${literal(char)}`,
    percent,
    units.map((unit) => `${slashes}\\\\u${hexDigits(unit, 4)}`).join(''),
    `&#0{0,4}${code};?`,
    `&#[xX]0{0,4}${hexDigits(code, 0)};?`,
  ];
  if (code < 0x100) forms.push(`${slashes}\\\\x${hexDigits(code, 2)}`);
  if (char === ' ') forms.push('\\+', `%(?:25){0,${MAX_NESTING}}2[bB]`);
  const entity = HTML_ENTITIES[char];
  if (entity) forms.push(`&(?:amp;){0,${MAX_NESTING}}${entity}`);
  return `(?:${forms.join('|')})`;
}

const HTML_ENTITIES: Record<string, string> = { '&': 'amp;', '<': 'lt;', '>': 'gt;', '"': 'quot;', "'": 'apos;' };

function hexByte(byte: number): string {
  return hexDigits(byte, 2);
}

// Hex digits of a number, zero-padded to `width`, each letter matching either case.
function hexDigits(value: number, width: number): string {
  return value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

function hexPattern(bytes: Uint8Array): string {
  return [...bytes].map(hexByte).join('');
}

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three offsets at which the secret
 * can start inside a longer base64 text (characters shared with the surrounding bytes are left out).
 */
function base64Cores(bytes: Uint8Array): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = toBase64(padded);
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(first, last);
    if (core.length >= MIN_BASE64_CORE) cores.push(core);
  }
  return cores;
}

// btoa works in browsers and Node alike; this module is also bundled for the browser.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A copy of an error (code, message, nested cause) safe to attach as `cause`: secrets redacted, no request objects. Never throws. */
export function sanitizeCause(err: unknown, secrets: ReadonlyArray<string | undefined>, depth = 0): Error {
  if (!(err instanceof Error)) return new Error(redact(safeString(err), secrets));
  const copy = new Error(redact(safeString(err.message), secrets));
  copy.name = safeString(err.name);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  copy.stack = redact(safeString(err.stack ?? ''), secrets);
  if (err.cause !== undefined && depth < 3) copy.cause = sanitizeCause(err.cause, secrets, depth + 1);
  return copy;
}

// String() throws for objects without a usable toString (Object.create(null)); an error path must not throw.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
