// Mi Account's public endpoints (protocol §1).

/** Mi Account's authorization page, where the browser is sent to sign in and consent. */
export const DEFAULT_AUTHORIZATION_URL = 'https://account.xiaomi.com/oauth2/authorize';
/** Mi Account's token endpoint (code exchange and refresh). */
export const DEFAULT_TOKEN_URL = 'https://account.xiaomi.com/oauth2/token';
/** Base URL of Mi Account's Open API (`/user/profile`, `/user/openidV2`, `/user/phoneAndEmail`…). */
export const DEFAULT_OPEN_API_URL = 'https://open.account.xiaomi.com';
