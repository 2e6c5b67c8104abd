/**
 * The URL of an absolute URL string, or `undefined`. `URL.canParse` is too recent for some supported browsers.
 *
 * @example
 * parseUrl('/relative') // undefined
 */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
