import type { ProfileIdentifier } from '../client/profile';
import { defaultEndpoints } from '../client/emulator-host';
import { normalizeClientID, normalizeScopes } from '../protocol';
import { compileRedirectUris, type RedirectUriMatcher } from '../protocol/redirect-uri';
import {
  defaultSessionKey,
  explainStateFailures,
  SessionStateStore,
  StateStoreLike,
} from '../state/session-state-store';
import { assertCallbackCanMatch } from './callback-url';
import type { MiAccountStrategyOptionsBase } from './types';

/** The checked, normalized options of a MiAccountStrategy that its own code reads. */
export interface StrategySettings {
  clientID: string;
  callbackURL: string | undefined;
  /** Numeric scope IDs. */
  scope: string[];
  redirectMatcher: RedirectUriMatcher | undefined;
  skipConfirm: boolean | undefined;
  locale: string | undefined;
  profileIdentifier: ProfileIdentifier;
  strictProfile: boolean;
  trustProxy: boolean | undefined;
  skipUserProfile: MiAccountStrategyOptionsBase['skipUserProfile'];
  /** The store handed to passport-oauth2 (failures explained); it also checks `?error=` callbacks. None when `state: false`. */
  stateStore: StateStoreLike | undefined;
  /** What a state store's `meta` carries, as passport-oauth2 builds it. */
  authorizationURL: string;
  tokenURL: string;
}

/**
 * Checks the options of a MiAccountStrategy, throwing a clear TypeError for a missing App Secret, an unknown scope or
 * profileIdentifier, or a callbackURL that no registered redirect URI could ever accept.
 *
 * @example
 * readSettings({ clientID: 2882303761517383, clientSecret, scope: 'profile openid' }).scope // ['1', '3']
 */
export function readSettings(options: MiAccountStrategyOptionsBase): StrategySettings {
  const scope = normalizeScopes(options.scope ?? ['profile']);
  const clientID = normalizeClientID(options.clientID, 'MiAccountStrategy');
  if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
    throw new TypeError('MiAccountStrategy requires clientSecret: the App Secret from the Mi developer console');
  }
  const { profileIdentifier = 'openId' } = options;
  if (profileIdentifier !== 'openId' && profileIdentifier !== 'unionId') {
    throw new TypeError(`profileIdentifier must be 'openId' or 'unionId', got ${JSON.stringify(profileIdentifier)}`);
  }
  const matcher =
    options.registeredRedirectURIs === undefined ? undefined : compileRedirectUris(options.registeredRedirectURIs);
  if (matcher && options.callbackURL) assertCallbackCanMatch(options.callbackURL, matcher);
  const defaults = defaultEndpoints();
  const authorizationURL = options.authorizationURL ?? defaults.authorizationURL;
  return {
    clientID,
    callbackURL: options.callbackURL,
    scope,
    redirectMatcher: matcher,
    skipConfirm: options.skipConfirm,
    locale: options.locale,
    profileIdentifier,
    strictProfile: options.strictProfile ?? false,
    trustProxy: options.proxy,
    skipUserProfile: options.skipUserProfile,
    stateStore: chooseStateStore(options, authorizationURL),
    authorizationURL,
    tokenURL: options.tokenURL ?? defaults.tokenURL,
  };
}

/**
 * The state store passport-oauth2 gets as its `store` option, wrapped so its failures say why they usually happen:
 * the app's store, else (state on, the default) the session store passport-oauth2 would have made. None without state.
 */
function chooseStateStore(options: MiAccountStrategyOptionsBase, authorizationURL: string): StateStoreLike | undefined {
  if (options.store && typeof options.store === 'object') return explainStateFailures(options.store);
  if (!(options.state ?? true)) return undefined; // passport-oauth2 reads the option as truthy or not
  return explainStateFailures(new SessionStateStore(options.sessionKey || defaultSessionKey(authorizationURL)));
}
