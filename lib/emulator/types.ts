/**
 * A failure the emulator can inject on one path.
 *
 * - `'hang'`: never answer (`close()` still ends the request).
 * - `'html502'`: HTTP 502 with an HTML page, as a proxy in front of Mi Account would send.
 * - `'truncated'`: HTTP 200 with a JSON body cut in the middle (prefixed by `&&&START&&&` on the token path).
 * - `'reset'`: the TCP connection is reset without an answer.
 * - `'json500'`: HTTP 500 with a JSON error body.
 * - `{ delayMs }`: answer normally after this many milliseconds.
 *
 * @example
 * emulator.setFault('/oauth2/token', 'html502');
 * emulator.setFault('/user/profile', { delayMs: 2000 });
 */
export type MiEmulatorFault =
  | 'hang'
  | 'html502'
  | 'truncated'
  | 'reset'
  | 'json500'
  | {
      /** Milliseconds to wait before answering normally. */
      readonly delayMs: number;
    };

/**
 * A language the emulator's pages speak, picked from the authorization request's `_locale`
 * (`zh_CN` → `'zh-CN'`, `zh_TW` → `'zh-TW'`, `zh_HK` → `'zh-HK'`, anything else → `'en'`).
 *
 * @example
 * const name: MiEmulatorClient['name'] = { en: 'Example app', 'zh-CN': '示例应用' } satisfies Partial<Record<MiEmulatorLanguage, string>>;
 */
export type MiEmulatorLanguage = 'en' | 'zh-CN' | 'zh-TW' | 'zh-HK';

/**
 * An app registered on the emulated Mi developer console.
 *
 * @example
 * const client: MiEmulatorClient = { clientID: '2882303761517383915', clientSecret: 's3cret', redirectURIs: 'http://localhost:3000/' };
 */
export interface MiEmulatorClient {
  /** App ID (a 64-bit integer on the real console; compared as a string). */
  readonly clientID: string | number;
  /** App Secret. */
  readonly clientSecret: string;
  /** Registered redirect URIs: a `;`-separated string as typed on the Mi console, or an array. */
  readonly redirectURIs: string | readonly string[];
  /** Whether the app passed Xiaomi's privacy review for phone (4) and email (6); default false. */
  readonly sensitiveScopes?: boolean | undefined;
  /**
   * The app's display name, shown on the consent page as Mi shows it; default: the App ID. One name, or one per
   * page language (`{ en: 'Example app', 'zh-CN': '示例应用' }`; a missing language falls back to English).
   */
  readonly name?: string | Readonly<Partial<Record<MiEmulatorLanguage, string>>> | undefined;
  /** URL of the app's icon, shown next to its name on the consent page. */
  readonly icon?: string | undefined;
}

/**
 * A test user who can sign in on the emulator's consent page.
 *
 * @example
 * const user: MiEmulatorUser = { id: '1001', nickname: 'Alex', email: 'alex@example.com', legacyUserId: 58219736 };
 */
export interface MiEmulatorUser {
  /** The user's Xiaomi account number inside the emulator (used to derive openId and unionId). */
  readonly id: string | number;
  /** Shown on the consent page and returned as `miliaoNick` (→ `profile.displayName`). */
  readonly nickname: string;
  /** Avatar URL; the sized variants (`miliaoIcon_75` …) are derived from it. */
  readonly avatar?: string | undefined;
  /** Fixed unionId; derived from `id` when absent. */
  readonly unionId?: string | undefined;
  /** The raw `userId` that apps enabled before 2018-06-01 receive; absent → `/user/profile` has no `userId`. */
  readonly legacyUserId?: string | number | undefined;
  /** Returned by `/user/phoneAndEmail` when the phone scope (4) is granted; `''` when absent. */
  readonly phone?: string | undefined;
  /** Returned by `/user/phoneAndEmail` when the email scope (6) is granted; `''` when absent. */
  readonly email?: string | undefined;
}

/**
 * Options of {@link startMiAccountEmulator}.
 *
 * @example
 * const options: MiEmulatorOptions = { clients: [DEMO_CLIENT], users: DEMO_USERS, autoApprove: '1001' };
 */
export interface MiEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free port. */
  readonly port?: number | undefined;
  /** The apps registered on the emulated developer console; App IDs must be unique. */
  readonly clients: readonly MiEmulatorClient[];
  /** The users who can sign in; at least one, ids unique. */
  readonly users: readonly MiEmulatorUser[];
  /** A user id: GET /oauth2/authorize skips the consent page and approves as this user at once. */
  readonly autoApprove?: string | number | undefined;
  /** Milliseconds added before every response. */
  readonly latencyMs?: number | undefined;
  /**
   * Default false, as the real service: Open API calls without an Authorization header are accepted, and a MAC
   * that is sent is always verified. true: every Open API call needs a valid MAC (the emulator's default before 0.2).
   */
  readonly strictMac?: boolean | undefined;
  /** Default false; true → token endpoint answers plain RFC 6749 JSON (no `&&&START&&&`, string errors, HTTP 400). */
  readonly standardTokenResponse?: boolean | undefined;
  /** Clock in milliseconds for code/token expiry and the nonce time window; default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** Lifetime of an authorization code; default 5 minutes. */
  readonly codeTtlMs?: number | undefined;
  /** `expires_in` of access tokens; default 7776000 (90 days). */
  readonly accessTokenTtlSeconds?: number | undefined;
  /** Faults active from the start, by path (same as calling `setFault`). */
  readonly faults?: Readonly<Record<string, MiEmulatorFault>> | undefined;
}

/**
 * Live counters of a running emulator.
 *
 * @example
 * emulator.stats.reset();
 * await login();
 * expect(emulator.stats.requests['/oauth2/token']).toBe(1);
 * expect(emulator.stats.connections).toBe(1);
 */
export interface MiEmulatorStats {
  /** Requests received, by path (query excluded); a fresh snapshot on every read. */
  readonly requests: Record<string, number>;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Sets every counter back to zero. */
  reset(): void;
}

/**
 * A running emulator.
 *
 * @example
 * const emulator = await startMiAccountEmulator({ clients, users });
 * new MiAccountStrategy({ ..., authorizationURL: emulator.authorizationURL, tokenURL: emulator.tokenURL, openApiURL: emulator.openApiURL }, verify);
 * await emulator.close();
 */
export interface MiEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `<url>/oauth2/authorize`: give it as the strategy's `authorizationURL`. */
  readonly authorizationURL: string;
  /** `<url>/oauth2/token`: give it as the strategy's `tokenURL`. */
  readonly tokenURL: string;
  /** Base URL of the Open API (`/user/profile` … live on the same server). */
  readonly openApiURL: string;
  /** The port listened on (the one picked when `options.port` was 0 or absent). */
  readonly port: number;
  /** Request and connection counters, for asserting how many calls a flow made. */
  readonly stats: MiEmulatorStats;
  /** Injects a fault on a path (e.g. `/oauth2/token`); `null` clears it. */
  setFault(path: string, fault: MiEmulatorFault | null): void;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}
