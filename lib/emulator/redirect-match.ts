// Written from protocol §2 on its own, not with lib/redirect-uri.ts: the emulator plays the server, so a bug in
// the library's validator must not also be a bug in the server the tests run against.

/**
 * Outcome of checking one `redirect_uri` against an app's registrations (96010 when not ok).
 *
 * @example
 * const result: RedirectMatch = client.redirectUris.match('http://localhost:3000/cb');
 */
export type RedirectMatch = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * An app's registered redirect URIs, parsed once.
 *
 * @example
 * compileRegisteredUris('https://abc.com/oauth').match('https://x.abc.com/oauth/path?x=1') // { ok: true }
 */
export interface RegisteredUris {
  match(candidate: string): RedirectMatch;
}

interface Target {
  readonly raw: string;
  readonly scheme: string;
  readonly port: string;
  readonly host: string;
  readonly ipLiteral: boolean;
  readonly path: string;
}

type Read =
  { readonly ok: true; readonly target: Omit<Target, 'raw'> } | { readonly ok: false; readonly reason: string };

const SCHEME_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Reads one URI the way the server trusts it: absolute http(s), no fragment, no user-info, nothing hidden. */
function read(raw: string, what: string): Read {
  const fail = (why: string): Read => ({ ok: false, reason: `${what} ${why}` });
  if (typeof raw !== 'string' || raw === '') return fail('is empty');
  if (raw.length > 2048) return fail('is longer than 2048 characters');
  // Whitespace, control and invisible format characters, and backslashes are never part of a safe callback.
  if (/[\s\p{Cc}\p{Cf}\\]/u.test(raw)) return fail('contains whitespace, control characters or a backslash');
  if (raw.includes('#')) return fail('has a fragment');
  const match = /^(https?):\/\/([^/?]+)([^?]*)/i.exec(raw);
  if (!match) return fail('is not an absolute http(s) URL with a host');
  const authority = match[2] ?? '';
  const rawPath = match[3] ?? '';
  if (authority.includes('@')) return fail('contains user information (user@host)');
  if (authority.includes('%')) return fail('has a percent-encoded host');
  // An encoded dot, slash, backslash, percent or control character could climb out of the registered path.
  if (/%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i.test(rawPath))
    return fail('hides a dot, slash or control character in its path');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('is not a valid URL');
  }
  const host = url.hostname;
  const ipLiteral = host.startsWith('[') || IPV4.test(host);
  if (!ipLiteral && !DOMAIN.test(host)) return fail(`has an invalid host "${host.slice(0, 80)}"`);
  const scheme = url.protocol;
  return {
    ok: true,
    target: { scheme, port: url.port || SCHEME_PORTS[scheme] || '', host, ipLiteral, path: url.pathname },
  };
}

function sameOrBelowHost(candidate: string, registered: Target): boolean {
  // A sub-domain ends on a label boundary; an IP literal has none.
  return candidate === registered.host || (!registered.ipLiteral && candidate.endsWith(`.${registered.host}`));
}

function sameOrBelowPath(candidate: string, registered: string): boolean {
  // A sub-path starts on a segment boundary: /oauth/x is under /oauth, /oauth2 is not.
  return candidate === registered || candidate.startsWith(registered.endsWith('/') ? registered : `${registered}/`);
}

/**
 * Parses the console's `;`-separated field (or an array). Throws a TypeError when nothing valid is registered
 * or an entry is not a valid redirect URI.
 *
 * @example
 * const uris = compileRegisteredUris('https://mi.com/;https://id.mi.com/');
 */
export function compileRegisteredUris(registered: string | readonly string[]): RegisteredUris {
  const list = (typeof registered === 'string' ? registered.split(';') : Array.isArray(registered) ? registered : [])
    .map((uri) => String(uri).trim())
    .filter((uri) => uri !== '');
  if (list.length === 0) throw new TypeError('No redirect URI is registered (give a ";"-separated string or an array)');
  const targets: Target[] = list.map((raw) => {
    const parsed = read(raw, `registered redirect URI "${raw.slice(0, 200)}"`);
    if (!parsed.ok) throw new TypeError(`Invalid registered redirect URI: ${parsed.reason}`);
    return { raw, ...parsed.target };
  });
  return {
    match(candidate: string): RedirectMatch {
      const parsed = read(candidate, 'redirect_uri');
      if (!parsed.ok) return parsed;
      const { target } = parsed;
      const misses = targets.map((registered) => {
        if (registered.scheme !== target.scheme) return `${registered.raw}: scheme differs`;
        if (registered.port !== target.port) return `${registered.raw}: port differs`;
        if (!sameOrBelowHost(target.host, registered))
          return `${registered.raw}: host is not ${registered.host} or below it`;
        if (!sameOrBelowPath(target.path, registered.path))
          return `${registered.raw}: path is not ${registered.path} or below it`;
        return undefined;
      });
      if (misses.includes(undefined)) return { ok: true };
      return { ok: false, reason: `redirect_uri matches no registered redirect URI (${misses.join('; ')})` };
    },
  };
}
