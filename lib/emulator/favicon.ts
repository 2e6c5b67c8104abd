import type { ServerResponse } from 'node:http';
import { send } from './http';

/**
 * Where the emulator's pages link their icon (`<link rel="icon">`).
 *
 * @example
 * `<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">`
 */
export const FAVICON_PATH = '/favicon.svg';

/** Paths answered with the icon: the linked one, and the one browsers ask for on their own. */
const ICON_PATHS: ReadonlySet<string> = new Set([FAVICON_PATH, '/favicon.ico']);

// Drawn for this project (the login button's mark, in reverse): an orange rounded square with a white
// lowercase "m" of two arches and an "i". Not Xiaomi's logo.
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="32" height="32">' +
  '<rect width="24" height="24" rx="6" fill="#C24E00"/>' +
  '<path d="M5.5 16.5V10a2.25 2.25 0 0 1 4.5 0v6.5M10 10a2.25 2.25 0 0 1 4.5 0v6.5 M18.5 11v5.5" fill="none"' +
  ' stroke="#FFFFFF" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>' +
  '<circle cx="18.5" cy="7.5" r="1.25" fill="#FFFFFF"/></svg>';

/**
 * Answers GET or HEAD of `/favicon.svg` and `/favicon.ico` with the emulator's icon (an SVG, which
 * browsers take on either path) and returns true; returns false for any other request.
 *
 * @example
 * if (sendFavicon(req.method, path, res)) return;
 */
export function sendFavicon(method: string, path: string, res: ServerResponse): boolean {
  if (!ICON_PATHS.has(path) || (method !== 'GET' && method !== 'HEAD')) return false;
  send(res, 200, 'image/svg+xml', FAVICON_SVG, { 'cache-control': 'public, max-age=86400' });
  return true;
}
