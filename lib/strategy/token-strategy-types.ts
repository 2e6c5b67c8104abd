// The options and verify callbacks of MiAccountTokenStrategy (lib/strategy/token-strategy), as its users write them.
import type { Request } from 'express';
import type { Agent } from 'node:http';
import type { MiAccountProfile, ProfileIdentifier } from '../client/profile';
import type { MiAccountDoneCallback } from './types';

/** Verify callback of {@link MiAccountTokenStrategy}: the verified access token and the user's profile. */
export type MiAccountTokenVerifyFunction = (
  accessToken: string,
  profile: MiAccountProfile,
  done: MiAccountDoneCallback,
) => void;
/** Verify callback with `passReqToCallback: true`: the Express request first, then as {@link MiAccountTokenVerifyFunction}. */
export type MiAccountTokenVerifyFunctionWithRequest = (
  req: Request,
  accessToken: string,
  profile: MiAccountProfile,
  done: MiAccountDoneCallback,
) => void;

/** Options of {@link MiAccountTokenStrategy}. No App Secret: the strategy only makes MAC-signed Open API calls. */
export interface MiAccountTokenStrategyOptions {
  /** App ID from the Mi developer console. */
  clientID: string | number;
  /** Base URL of Mi's Open API. Default `https://open.account.xiaomi.com`; override for the emulator or a proxy. */
  openApiURL?: string | undefined;
  /** Names of the token fields in the body, the Authorization header (and the query, with `allowQueryToken`). */
  tokenFields?:
    | {
        /** Field holding the access token. Default `'access_token'`. */
        accessToken?: string | undefined;
        /** Field holding the token's mac_key. Default `'mac_key'`. */
        macKey?: string | undefined;
      }
    | undefined;
  /** Scopes the client app requested (names or IDs); decides which data calls are made. Default `['profile', 'openid']`. */
  scope?: string | ReadonlyArray<string | number> | undefined;
  /** Which ID becomes `profile.id`. Default `'openId'` (needs the openid scope). */
  profileIdentifier?: ProfileIdentifier | undefined;
  /** Milliseconds per call to Mi Account. Default 10000. */
  timeout?: number | undefined;
  /**
   * An `http.Agent`/`https.Agent` (or a proxy agent) for every call to Mi Account. Without it, `HTTPS_PROXY`,
   * `HTTP_PROXY` and `NO_PROXY` from the environment are honoured.
   */
  agent?: Agent | undefined;
  /**
   * MAC-sign the verifying Open API calls with the caller's mac_key. Default true, and pinned: the mac_key comes from
   * the caller, so a refused signature is that caller's 401 and never switches this strategy to unsigned calls.
   * `false` sends unsigned calls (Mi Account accepts them; the mac_key is then not checked).
   */
  signRequests?: boolean | undefined;
  /**
   * Cache verified tokens for this long (ms). Off by default: with a cache, a token the user revoked keeps
   * working until its entry expires, but repeated API calls skip a round trip to Mi Account.
   */
  cacheTtlMs?: number | undefined;
  /** Most tokens kept in the cache, and most refused tokens remembered. Default 1000. */
  cacheMaxEntries?: number | undefined;
  /**
   * Remember a token Mi Account refused for this long (ms), so repeating it costs no call to Mi Account. Default 5000;
   * 0 turns it off. Network failures and Mi outages are never remembered.
   */
  failureCacheTtlMs?: number | undefined;
  /**
   * Read the token and mac_key from the query string too. Off by default: URLs end up in access logs, proxies and
   * browser history, so a request carrying them in the query is refused with a 400 that says where to send them.
   */
  allowQueryToken?: boolean | undefined;
  /** Pass the Express request as verify's first argument. Default false. */
  passReqToCallback?: boolean | undefined;
  /** Strategy name. Default `'mi-account-token'`. */
  name?: string | undefined;
}
