import type { MiAccountErrorReason } from '../../lib/errors/reasons';

/** The one reason → status table as documented (README "Errors"), written here independently of lib/errors. */
export const DOCUMENTED_STATUS: Readonly<Record<MiAccountErrorReason, number>> = {
  access_denied: 403,
  code_invalid: 400,
  token_invalid: 401,
  refresh_token_invalid: 401,
  signature_refused: 401,
  scope_invalid: 500,
  client_invalid: 500,
  client_unauthorized: 500,
  redirect_uri_not_registered: 500,
  request_invalid: 500,
  mi_error: 502,
  state_mismatch: 403,
  missing_token: 400,
  missing_identifier: 403,
  configuration: 500,
  invalid_argument: 500,
  timeout: 504,
  network_error: 502,
  invalid_response: 502,
  response_too_large: 502,
};
