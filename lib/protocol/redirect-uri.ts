/** Outcome of a redirect URI check: the registered URI that accepts it, or why none does. */
export type RedirectUriResult =
  | {
      /** The redirect URI is accepted. */
      ok: true;
      /** The registered URI that accepts it, as registered. */
      matched: string;
    }
  | {
      /** The redirect URI is refused (Mi Account would answer 96010). */
      ok: false;
      /** Why, naming for each registered URI what differs. */
      reason: string;
    };

interface RegisteredUri {
  readonly raw: string;
  readonly protocol: string;
  readonly port: string;
  readonly host: string;
  readonly isIp: boolean;
  readonly path: string;
}

/** Registered redirect URIs parsed once; reuse it instead of re-parsing the list on every request. */
export interface RedirectUriMatcher {
  /** The registered URIs, trimmed, in the order given. */
  readonly registered: readonly string[];
  /** Checks one redirect URI by Xiaomi's rules (same scheme and port, host or sub-domain, path or sub-path); never throws. */
  match(candidate: string): RedirectUriResult;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };
// Characters a safe callback never contains: whitespace, C0/C1 controls, DEL, invisible format characters (soft hyphen,
// zero-width, bidi overrides), backslash.
const UNSAFE_CHARS = /[\s\p{Cc}\p{Cf}\\]/u;
// Percent-encoded dot, slash, backslash, percent or control character: a server decoding them could climb out of the
// registered path (`%2e%2e`, `%2f`, `%252e`) or cut it short (`%00`).
const ENCODED_PATH_TRICKS = /%(2e|2f|5c|25|[01][0-9a-f]|7f)/i;
// `scheme://` then an authority: `https:host`, `https:/host` and `https:///host` are not absolute URIs to an RFC 3986 parser.
const ABSOLUTE_HTTP_URI = /^https?:\/\/[^/]/i;
const DNS_HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4_HOST = /^\d{1,3}(\.\d{1,3}){3}$/;

type Parsed = { ok: true; url: URL; host: string; isIp: boolean } | { ok: false; reason: string };

function parse(raw: string, what: string): Parsed {
  if (typeof raw !== 'string' || raw === '') return { ok: false, reason: `${what} is empty` };
  if (raw.length > 2048) return { ok: false, reason: `${what} is longer than 2048 characters` };
  if (UNSAFE_CHARS.test(raw))
    return { ok: false, reason: `${what} contains whitespace, control characters or a backslash` };
  if (raw.includes('#')) return { ok: false, reason: `${what} has a fragment (#…); a redirect URI must not have one` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `${what} is not an absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `${what} must use http or https, not ${url.protocol.slice(0, 20)}` };
  }
  if (!ABSOLUTE_HTTP_URI.test(raw))
    return { ok: false, reason: `${what} is not an absolute URL of the form ${url.protocol}//host/path` };
  // Read the raw authority and path: WHATWG decodes `%2e` in hosts and resolves `%2e%2e` segments before we could see them.
  const rest = raw.slice(raw.indexOf('//') + 2);
  const authority = rest.split(/[/?]/, 1)[0] ?? '';
  const rawPath = rest.slice(authority.length).split('?', 1)[0] ?? '';
  if (url.username || url.password || authority.includes('@')) {
    return { ok: false, reason: `${what} contains user information (user@host)` };
  }
  if (authority.includes('%')) return { ok: false, reason: `${what} has a percent-encoded host` };
  if (ENCODED_PATH_TRICKS.test(rawPath)) {
    return {
      ok: false,
      reason: `${what} has a percent-encoded dot, slash, backslash, percent sign or control character in its path`,
    };
  }
  const lookAlike = dotSegmentLookAlike(rawPath);
  if (lookAlike !== undefined) {
    return {
      ok: false,
      reason: `${what} has a path segment "${lookAlike.slice(0, 40)}" that a server may read as "." or ".." (a dot-segment look-alike)`,
    };
  }
  const host = url.hostname;
  const isIp = host.startsWith('[') || IPV4_HOST.test(host);
  if (!isIp && !DNS_HOST.test(host)) {
    return {
      ok: false,
      reason: `${what} has an invalid host name "${host.slice(0, 80)}" (wildcards and trailing dots are not allowed)`,
    };
  }
  return { ok: true, url, host, isIp };
}

// Characters that some server, proxy or framework folds into "." (Unicode compatibility forms, ideographic stops).
const DOT_LIKE = /[\u2024\u2025\u2026\uFE52\uFF0E\u3002\uFF61\u0701\u0702\u2E2E]/gu;

/**
 * The first raw path segment that may be read as a dot-segment by some server but is not one to the URL parser: with a `;parameter`
 * (`..;` is `..` to Tomcat and Spring); percent-decoded (`%EF%BC%8E` is a fullwidth dot); after Unicode NFKC folding
 * (`．．`, `‥`, `﹒`); or holding a look-alike of `/` or `\`. WHATWG URL resolves only the plain forms.
 */
function dotSegmentLookAlike(rawPath: string): string | undefined {
  for (const segment of rawPath.split('/')) {
    // Plain "." and ".." are resolved by the URL parser (and by browsers) before the path is compared.
    if (segment === '' || segment === '.' || segment === '..') continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return segment; // malformed percent-encoding: no server agrees on what it means
    }
    const folded = decoded.normalize('NFKC').replace(DOT_LIKE, '.');
    if (/[/\\]/.test(folded)) return segment;
    const name = folded.split(';', 1)[0] ?? '';
    if (/^\.+$/.test(name.trim()) || (name.trim() === '' && folded.includes(';'))) return segment;
  }
  return undefined;
}

function effectivePort(url: URL): string {
  return url.port || DEFAULT_PORTS[url.protocol] || '';
}

function hostMatches(candidate: string, registered: RegisteredUri): boolean {
  if (candidate === registered.host) return true;
  // An IP literal has no sub-domains; a domain matches only on a label boundary.
  return !registered.isIp && candidate.endsWith(`.${registered.host}`);
}

function pathMatches(candidate: string, registered: string): boolean {
  if (candidate === registered) return true;
  const prefix = registered.endsWith('/') ? registered : `${registered}/`;
  return candidate.startsWith(prefix);
}

/** Splits the Mi console's `;`-separated field (or takes an array) into trimmed, non-empty URIs. */
export function splitRegisteredRedirectUris(registered: string | readonly string[]): string[] {
  // JavaScript callers pass an unset environment variable as undefined: treat it as an empty list, not a crash.
  const list =
    typeof registered === 'string' ? registered.split(';') : Array.isArray(registered) ? [...registered] : [];
  return list.map((uri) => String(uri).trim()).filter((uri) => uri !== '');
}

/**
 * Parses the registered redirect URIs once. Throws a TypeError naming every registered URI that is not valid.
 *
 * @example
 * const matcher = compileRedirectUris('https://abc.com/oauth;https://id.abc.com/');
 * matcher.match('https://x.abc.com/oauth/cb?x=1') // { ok: true, matched: 'https://abc.com/oauth' }
 */
export function compileRedirectUris(registered: string | readonly string[]): RedirectUriMatcher {
  const list = splitRegisteredRedirectUris(registered);
  if (list.length === 0)
    throw new TypeError(
      'No redirect URI is registered: give the URIs of the Mi developer console (";"-separated string or array)',
    );
  const entries: RegisteredUri[] = [];
  const invalid: string[] = [];
  for (const raw of list) {
    const parsed = parse(raw, `registered redirect URI "${raw.slice(0, 200)}"`);
    if (!parsed.ok) {
      invalid.push(parsed.reason);
      continue;
    }
    entries.push({
      raw,
      protocol: parsed.url.protocol,
      port: effectivePort(parsed.url),
      host: parsed.host,
      isIp: parsed.isIp,
      path: parsed.url.pathname,
    });
  }
  if (invalid.length > 0) throw new TypeError(`Invalid registered redirect URI: ${invalid.join('; ')}`);
  return { registered: list, match: (candidate) => matchCandidate(candidate, entries) };
}

function matchCandidate(candidate: string, entries: readonly RegisteredUri[]): RedirectUriResult {
  const parsed = parse(candidate, 'redirect_uri');
  if (!parsed.ok) return parsed;
  const port = effectivePort(parsed.url);
  const closest: string[] = [];
  for (const entry of entries) {
    if (entry.protocol !== parsed.url.protocol) {
      closest.push(`${entry.raw}: scheme differs`);
    } else if (entry.port !== port) {
      closest.push(`${entry.raw}: port differs`);
    } else if (!hostMatches(parsed.host, entry)) {
      closest.push(`${entry.raw}: host is neither ${entry.host} nor a sub-domain of it`);
    } else if (!pathMatches(parsed.url.pathname, entry.path)) {
      closest.push(`${entry.raw}: path is not ${entry.path} or below it`);
    } else {
      return { ok: true, matched: entry.raw };
    }
  }
  return { ok: false, reason: `redirect_uri matches no registered redirect URI (${closest.join('; ')})` };
}

const cache = new Map<string, RedirectUriMatcher>();

/**
 * Checks a redirect URI against the registered ones by Xiaomi's rules (protocol §2): same scheme and
 * port, same host or a sub-domain, same path or a sub-path; the query may differ. Never throws.
 *
 * @example
 * validateRedirectUri('https://x.abc.com/oauth/path?x=1', 'https://abc.com/oauth') // { ok: true, matched: 'https://abc.com/oauth' }
 * validateRedirectUri('http://abc.com/oauth', 'https://abc.com/oauth')             // { ok: false, reason: '…scheme differs' }
 */
export function validateRedirectUri(candidate: string, registered: string | readonly string[]): RedirectUriResult {
  let matcher: RedirectUriMatcher | undefined;
  try {
    const key = typeof registered === 'string' ? `s:${registered}` : `a:${JSON.stringify(registered)}`;
    matcher = cache.get(key);
    if (!matcher) {
      matcher = compileRedirectUris(registered);
      if (cache.size >= 64) cache.clear();
      cache.set(key, matcher);
    }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'the registered redirect URIs are not valid' };
  }
  return matcher.match(candidate);
}
