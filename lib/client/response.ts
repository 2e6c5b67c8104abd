import { MiAccountError, MiAccountResponseError } from '../errors/errors';
import { type MiAccountStep } from '../errors/reasons';
import { redact } from '../errors/redact';
import { readMiErrorCode, readTokenFields, type TokenFieldProblem } from '../protocol';
import { oneLine } from '../protocol/one-line';

const PREFIX = /^\s*&&&START&&&\s*/;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting of arrays and objects accepted in a Mi Account body. */
const MAX_DEPTH = 32;
const OPENING_BRACKETS = ['{', '['] as const;

// Whether `json` has at most MAX_DEPTH brackets that open: then it cannot nest deeper (native indexOf, no char loop).
function fewOpenings(json: string): boolean {
  let openings = 0;
  for (const bracket of OPENING_BRACKETS) {
    for (let i = json.indexOf(bracket); i !== -1; i = json.indexOf(bracket, i + 1)) {
      if (++openings > MAX_DEPTH) return false;
    }
  }
  return true;
}

// Deepest `[`/`{` nesting of a JSON text, strings skipped; one pass, stops counting once past the limit.
function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Strips Mi Account's `&&&START&&&` prefix (when present) and parses the JSON body.
 * Throws a MiAccountError when the body is not JSON.
 *
 * @example
 * parseMiResponse('&&&START&&&{"error":96013}') // { error: 96013 }
 */
export function parseMiResponse(text: string, context: ResponseContext = { step: 'token exchange' }): unknown {
  // Mi's bodies start with the prefix or with the JSON itself: the pattern runs only when they do not.
  const json = text.charCodeAt(0) === 0x7b ? text : text.replace(PREFIX, '');
  if (!fewOpenings(json) && nestingDepth(json) > MAX_DEPTH) {
    // Deep nesting makes JSON.stringify (sessions, logs) throw a RangeError later; Mi's answers are 3 levels deep.
    throw invalid(context, `is nested deeper than ${MAX_DEPTH} levels`);
  }
  try {
    return JSON.parse(json);
  } catch {
    // The SyntaxError is not kept: V8 quotes the body in it, and the body may hold a token.
    throw new MiAccountResponseError({
      step: context.step,
      endpoint: context.endpoint,
      responseStatus: context.status,
      hint: `Mi Account answered ${context.status ? `HTTP ${context.status} ` : ''}with ${context.contentType === undefined ? 'a body' : oneLine(redact(context.contentType, context.secrets ?? []), 100)} that is not JSON${text.length === 0 ? ' (empty body)' : ''}; the service may be down, a proxy may have answered, or the endpoint URL is wrong`,
    });
  }
}

/** Where a response body came from; used to word the errors it raises. */
export interface ResponseContext {
  /** Login step the response belongs to. */
  step: MiAccountStep;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  endpoint?: string | undefined;
  /** Mi Account's HTTP status; becomes the error's `responseStatus`. */
  status?: number | undefined;
  /** `Content-Type` of the response, quoted when the body is not JSON. */
  contentType?: string | undefined;
  /** Values (client secret, tokens) to redact from descriptions quoted in errors. */
  secrets?: ReadonlyArray<string | undefined> | undefined;
}

/** Tokens from Mi Account's token endpoint, checked and normalized. */
export interface TokenSet {
  /** `access_token`: sent as `token` on Open API calls. */
  accessToken: string;
  /** Absent only for the implicit grant; single use — store the new one after every refresh. */
  refreshToken: string | undefined;
  /** Seconds the access token lives (`expires_in`; Mi: 90 days, 2024 docs: 3 days). */
  expiresIn: number;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
  /** Granted scopes as numeric strings (may be narrower than requested). */
  scope: string[];
  /** `token_type`; `'mac'` for Mi Account (the default when absent). */
  tokenType: string;
  /** `mac_key`: the secret that signs Open API calls; lives as long as the access token. Keep it with the token. */
  macKey: string;
  /** `mac_algorithm`, e.g. `'HmacSha1'` (the default when absent). */
  macAlgorithm: string;
  /** The user's ID within this app (`openId`), the stable login key; undefined when Mi sent none. */
  openId: string | undefined;
  /** The user's ID across all apps of the same developer (`union_id`, 2024 docs); often absent. */
  unionId: string | undefined;
  /** The token response with keys and string values trimmed. */
  raw: Record<string, unknown>;
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Copies an object with keys and string values trimmed (Mi's docs show `"mac_key "` and `" HmacSha1"`). An exact key
 * wins over a padded one (`"openId"` over `"openId "`), whatever their order; among padded ones the first wins.
 */
export function trimFields(input: Record<string, unknown>): Record<string, unknown> {
  if (isTrimmed(input)) return input;
  const out: Record<string, unknown> = {};
  const exact = new Set<string>();
  for (const [key, value] of Object.entries(input)) {
    const name = key.trim();
    if (UNSAFE_KEYS.has(name)) continue;
    if (name === key) exact.add(name);
    else if (exact.has(name) || Object.prototype.hasOwnProperty.call(out, name)) continue;
    out[name] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}

// Whether no key or string value of `input` is padded and no key is unsafe: then trimFields has nothing to do.
function isTrimmed(input: Record<string, unknown>): boolean {
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (UNSAFE_KEYS.has(key) || isPadded(key) || (typeof value === 'string' && isPadded(value))) return false;
  }
  return true;
}

// Leading or trailing white space, as String#trim removes it; ends in visible ASCII settle it without a copy.
function isPadded(text: string): boolean {
  if (text.length === 0) return false;
  if (isVisibleAscii(text.charCodeAt(0)) && isVisibleAscii(text.charCodeAt(text.length - 1))) return false;
  return text.trim().length !== text.length;
}

function isVisibleAscii(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

function describe(value: unknown, secrets: ReadonlyArray<string | undefined> | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // Redact first: a cut could leave the head of a secret that straddles it, which no pattern recognises any more.
  return oneLine(redact(value.trim(), secrets ?? []), 300);
}

function invalid(context: ResponseContext, what: string): MiAccountResponseError {
  return new MiAccountResponseError({
    step: context.step,
    endpoint: context.endpoint,
    responseStatus: context.status,
    hint: `Mi Account's response ${what}`,
  });
}

/**
 * Reads a token endpoint body: a Mi error (decided by the body, whatever the HTTP status) becomes a
 * MiAccountError; otherwise every field is type-checked into a TokenSet.
 */
export function readTokenResponse(text: string, context: ResponseContext, now: number = Date.now()): TokenSet {
  const parsed = parseMiResponse(text, context);
  if (!isRecord(parsed)) throw invalid(context, 'is not a JSON object');
  const body = trimFields(parsed);
  if (body.error !== undefined && body.error !== null && body.error !== '') {
    const code = readMiErrorCode(body.error);
    throw new MiAccountError({
      step: context.step,
      endpoint: context.endpoint,
      responseStatus: context.status,
      code,
      description:
        code === undefined
          ? [describe(body.error, context.secrets), describe(body.error_description, context.secrets)]
              .filter(Boolean)
              .join(': ')
          : describe(body.error_description, context.secrets),
    });
  }
  const result = readTokenFields(body);
  if (!result.ok) throw invalid(context, tokenProblem(result.problem));
  const { fields } = result;
  return {
    accessToken: fields.accessToken,
    refreshToken: fields.refreshToken,
    expiresIn: fields.expiresIn,
    expiresAt: now + fields.expiresIn * 1000,
    scope: fields.scope,
    tokenType: fields.tokenType,
    macKey: fields.macKey,
    macAlgorithm: fields.macAlgorithm,
    openId: fields.openId,
    unionId: fields.unionId,
    raw: body,
  };
}

// The wording of a token field problem in "Mi Account's response …".
function tokenProblem({ field }: TokenFieldProblem): string {
  if (field === 'access_token' || field === 'mac_key') return `has no ${field}`;
  if (field === 'expires_in') return 'has no valid expires_in';
  return `has a ${field} that is not a string`;
}

/** Reads an Open API envelope: `result: "ok"` → its `data` object; `result: "error"` → MiAccountError with the Mi code. */
export function readOpenApiResponse(text: string, context: ResponseContext): Record<string, unknown> {
  const parsed = parseMiResponse(text, context);
  if (!isRecord(parsed)) throw invalid(context, 'is not a JSON object');
  const body = trimFields(parsed);
  if (body.result === 'ok') {
    if (body.data === undefined || body.data === null) return {};
    if (!isRecord(body.data)) throw invalid({ ...context }, 'has a data field that is not an object');
    return trimFields(body.data);
  }
  if (body.result === 'error' || body.code !== undefined) {
    throw new MiAccountError({
      step: context.step,
      endpoint: context.endpoint,
      responseStatus: context.status,
      code: readMiErrorCode(body.code),
      description: describe(body.description, context.secrets),
    });
  }
  throw invalid(context, 'has no "result" field');
}
