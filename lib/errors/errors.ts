// The error classes: MiAccountError, and its subclasses for a request that failed and an answer that is not Mi's.
import { miErrorInfo } from '../protocol/error-code';
import { errorReasonFor, statusForReason, type MiAccountErrorReason, type MiAccountStep } from './reasons';

/** Constructor options of {@link MiAccountError} and its subclasses. */
export interface MiAccountErrorOptions {
  /** The login step that failed. */
  step: MiAccountStep;
  /** Mi error code (e.g. 96013), only when Mi Account sent one; never set for a local check. */
  code?: number | undefined;
  /** Why, when the code, step and class cannot tell (a timeout, a missing mac_key…); else derived from them. */
  reason?: MiAccountErrorReason | undefined;
  /** Description sent by Mi Account, already stripped of secrets. */
  description?: string | undefined;
  /** Replaces the hint of the error table. */
  hint?: string | undefined;
  /** Mi Account's own HTTP status, when it answered (often 200, even for errors). */
  responseStatus?: number | undefined;
  /** The HTTP status the app should answer with (400–599); default: the status of the `reason` (see {@link MiAccountErrorReason}). */
  status?: number | undefined;
  /** Path of the Mi Account endpoint, e.g. `/oauth2/token`. */
  endpoint?: string | undefined;
  /** The underlying error, kept as the standard `cause`; give nothing that holds a secret. */
  cause?: unknown;
}

/**
 * An error from Mi Account or from talking to it. The message names the step, the Mi code
 * and name, and a hint; it never contains a client secret, a token or a mac_key.
 *
 * Branch on `reason` (a {@link MiAccountErrorReason}, on every error); `code` is Mi's number, set only when Mi
 * Account sent one. Follows the http-errors convention: `status` and `statusCode` are the HTTP status the app should
 * answer with (the status of the `reason`, in the table of {@link MiAccountErrorReason}), `expose` is true for 4xx,
 * and Mi Account's own HTTP status is `responseStatus`.
 *
 * @example
 * if (err instanceof MiAccountError && err.reason === 'refresh_token_invalid') reauthorize();
 * app.use((err, req, res, next) => res.status(err.status ?? 500).send(err.expose ? err.message : 'Sign-in failed'));
 */
export class MiAccountError extends Error {
  /** Mi error code, e.g. 96013, only when Mi Account sent one (a token or Open API answer, an `?error=` callback). */
  readonly code: number | undefined;
  /** Why, as a stable string to branch on (never the message wording); see {@link MiAccountErrorReason}. */
  readonly reason: MiAccountErrorReason;
  /** Name of the code, e.g. `OA_INVALID_CODE`. */
  readonly errorName: string | undefined;
  /** What to do about it: the given hint, else the error table's hint for `code`. */
  readonly hint: string | undefined;
  /** The HTTP status the app should answer with (http-errors convention): the status of `reason`, unless one was given. */
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

  constructor(options: MiAccountErrorOptions) {
    const known = miErrorInfo(options.code);
    const hint = options.hint ?? known?.hint;
    super(
      formatMessage(options, known?.name, hint),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'MiAccountError';
    this.step = options.step;
    this.code = options.code;
    this.reason = errorReasonFor(options);
    this.errorName = known?.name;
    this.hint = hint;
    this.status = givenStatus(options.status) ?? statusForReason(this.reason);
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
      reason: this.reason,
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

/**
 * The request to Mi Account could not be completed: `reason` `network_error` (502) unless given, such as `timeout`
 * (504) or `configuration` (500, a proxy or agent that cannot be used); `cause` says what failed.
 */
export class MiAccountRequestError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super({ ...options, reason: errorReasonFor(options, 'network_error') });
    this.name = 'MiAccountRequestError';
  }
}

/**
 * Mi Account answered something that is not a valid response (HTML, truncated JSON, missing fields): `reason`
 * `invalid_response` (502) unless given, such as `response_too_large` (502).
 */
export class MiAccountResponseError extends MiAccountError {
  constructor(options: MiAccountErrorOptions) {
    super({ ...options, reason: errorReasonFor(options, 'invalid_response') });
    this.name = 'MiAccountResponseError';
  }
}

// An explicit status is kept only when an HTTP error status: a 200 would tell Express the login succeeded.
function givenStatus(status: unknown): number | undefined {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
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
