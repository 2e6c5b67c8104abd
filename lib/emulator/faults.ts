import type { ServerResponse } from 'node:http';
import { send } from './http';
import type { MiEmulatorFault } from './types';

const KINDS = new Set(['hang', 'html502', 'truncated', 'reset', 'json500']);

/**
 * Throws a TypeError unless the value is a fault the emulator knows.
 *
 * @example
 * assertFault('html502'); // ok
 * assertFault({ delayMs: -1 }); // throws
 */
export function assertFault(fault: unknown): asserts fault is MiEmulatorFault {
  if (typeof fault === 'string' && KINDS.has(fault)) return;
  if (typeof fault === 'object' && fault !== null) {
    const delay = (fault as { delayMs?: unknown }).delayMs;
    if (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0) return;
  }
  throw new TypeError(
    `Mi Account emulator: unknown fault ${JSON.stringify(fault)?.slice(0, 60)}; use 'hang', 'html502', 'truncated', 'reset', 'json500' or { delayMs }`,
  );
}

const HTML_502 = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer (emulated fault).</p></body></html>
`;

function truncatedBody(tokenPrefix: string | undefined): string {
  const full =
    tokenPrefix !== undefined
      ? `${tokenPrefix}{"access_token":"V3_truncated_access_token","expires_in":7776000,"refresh_token":"V3_truncated_refresh_token","scope":"1 3","token_type":"mac","mac_key":"truncated","mac_algorithm":"HmacSha1","openId":"2.0truncated"}`
      : '{"result":"ok","description":"success","data":{"miliaoNick":"truncated","unionId":"truncated"},"code":0}';
  return full.slice(0, Math.floor(full.length / 2));
}

/**
 * Answers a request with a fault (or not at all). `{ delayMs }` is not handled here: the caller waits, then answers normally.
 * `tokenPrefix` is the token endpoint's body prefix (`''` without one), undefined on other paths.
 *
 * @example
 * if (typeof fault === 'string') answerWithFault(fault, res, path === '/oauth2/token' ? TOKEN_PREFIX : undefined);
 */
export function answerWithFault(
  fault: Exclude<MiEmulatorFault, { delayMs: number }>,
  res: ServerResponse,
  tokenPrefix: string | undefined,
): void {
  switch (fault) {
    case 'hang':
      // Never answer; close() destroys the socket.
      return;
    case 'html502':
      send(res, 502, 'text/html; charset=utf-8', HTML_502);
      return;
    case 'truncated':
      send(res, 200, 'application/json; charset=utf-8', truncatedBody(tokenPrefix));
      return;
    case 'reset':
      // RST instead of FIN: the client sees ECONNRESET, like a crashed upstream.
      res.socket?.resetAndDestroy();
      return;
    case 'json500': {
      const body =
        tokenPrefix !== undefined
          ? `${tokenPrefix}${JSON.stringify({ error: 500, error_description: 'internal server error (emulated fault)' })}`
          : JSON.stringify({ result: 'error', description: 'internal server error (emulated fault)', code: 500 });
      send(res, 500, 'application/json; charset=utf-8', body);
      return;
    }
  }
}
