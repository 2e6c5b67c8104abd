export { escapeHtml } from '../util/escape-html';

const ALLOWED_SCHEMES = new Set(['http', 'https']);

/**
 * Checks the button's link target: a relative URL or an absolute http(s) URL. Browsers strip
 * tabs and newlines anywhere in a URL and C0 controls/spaces at its ends, so the scheme is read
 * after doing the same (`"java\tscript:"` is `javascript:`). Returns the cleaned URL.
 *
 * @example
 * checkButtonHref('/auth/mi')             // '/auth/mi'
 * checkButtonHref('javascript:alert(1)')  // throws TypeError
 */
export function checkButtonHref(href: unknown): string {
  if (typeof href !== 'string') {
    throw new TypeError(`miAccountButton: "href" must be a string (the URL that starts the login), got ${typeof href}`);
  }
  const cleaned = href.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  if (cleaned === '') {
    throw new TypeError(
      'miAccountButton: "href" must not be empty; pass the URL that starts the login, e.g. "/auth/mi"',
    );
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase();
  if (scheme !== undefined && !ALLOWED_SCHEMES.has(scheme)) {
    throw new TypeError(
      `miAccountButton: "href" with the "${scheme.slice(0, 20)}:" scheme is not allowed; ` +
        'use a relative URL or an http(s) URL such as "/auth/mi"',
    );
  }
  return cleaned;
}
