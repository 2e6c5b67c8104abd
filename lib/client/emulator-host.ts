import { MiAccountError } from '../errors/errors';
import { oneLine } from '../protocol/one-line';
import { DEFAULT_AUTHORIZATION_URL, DEFAULT_OPEN_API_URL, DEFAULT_TOKEN_URL } from '../protocol/endpoints';

/** The variable that points every Mi Account endpoint at a local emulator, as `FIREBASE_AUTH_EMULATOR_HOST` does. */
export const EMULATOR_HOST_VARIABLE = 'MI_ACCOUNT_EMULATOR_HOST';

/** Where Mi Account's three endpoints are when the options name none. */
export interface MiEndpoints {
  readonly authorizationURL: string;
  readonly tokenURL: string;
  readonly openApiURL: string;
}

const XIAOMI: MiEndpoints = {
  authorizationURL: DEFAULT_AUTHORIZATION_URL,
  tokenURL: DEFAULT_TOKEN_URL,
  openApiURL: DEFAULT_OPEN_API_URL,
};
// `host:port`: a name or IPv4 address, or a bracketed IPv6 literal, and a port.
const HOST_PORT = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/;
let warned = false;

/**
 * The default endpoints: Xiaomi's, or the emulator's at `http://$MI_ACCOUNT_EMULATOR_HOST` when that variable is
 * set (one warning per process). Explicit URL options still win. Throws when the variable is set under
 * `NODE_ENV=production` (every login would go to the emulator) or is not a `host:port`.
 *
 * @example
 * // MI_ACCOUNT_EMULATOR_HOST=127.0.0.1:4000
 * defaultEndpoints().tokenURL // 'http://127.0.0.1:4000/oauth2/token'
 */
export function defaultEndpoints(env: NodeJS.ProcessEnv = process.env): MiEndpoints {
  const host = env[EMULATOR_HOST_VARIABLE]?.trim();
  if (!host) return XIAOMI;
  const shown = oneLine(host, 80);
  if (env.NODE_ENV === 'production') {
    throw emulatorHostError(
      `${EMULATOR_HOST_VARIABLE} is set ("${shown}") while NODE_ENV=production: every login would go to a local emulator instead of Mi Account. Unset ${EMULATOR_HOST_VARIABLE}`,
    );
  }
  if (!HOST_PORT.test(host)) {
    throw emulatorHostError(
      `${EMULATOR_HOST_VARIABLE} must be the emulator's host:port (e.g. 127.0.0.1:4000, as npm run emulator prints), not "${shown}"`,
    );
  }
  if (!warned) {
    warned = true;
    process.emitWarning(
      `Mi Account endpoints default to the emulator at http://${host} (${EMULATOR_HOST_VARIABLE}); explicit URL options still win`,
      { code: 'MI_ACCOUNT_EMULATOR_HOST' },
    );
  }
  const base = `http://${host}`;
  return { authorizationURL: `${base}/oauth2/authorize`, tokenURL: `${base}/oauth2/token`, openApiURL: base };
}

function emulatorHostError(hint: string): MiAccountError {
  return new MiAccountError({ step: 'configuration', reason: 'configuration', hint });
}
