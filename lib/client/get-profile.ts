// The profile step: the Open API calls the granted scopes allow, in parallel, then the normalized profile.
import { MiAccountError, MiAccountResponseError } from '../errors/errors';
import { normalizeScopes, parseGrantedScopes } from '../protocol';
import { expectProfileCalls, parallelProfileCalls, type PreconnectClient } from '../transport/preconnect';
import type { MiAccountCredentials, OpenApiResult } from './open-api';
import {
  buildProfile,
  MissingIdentifierError,
  type MiAccountProfile,
  type ProfileIdentifier,
  type ProfileWarning,
} from './profile';

/** Input of `MiAccountClient.getProfile`: the credentials plus what the token response told. */
export interface GetProfileInput extends MiAccountCredentials {
  /** Granted scopes (numeric, array or space-separated); default: profile only. */
  scope?: string | readonly string[] | undefined;
  /** openId from the token response; `/user/openidV2` is called only when it is missing. */
  openId?: string | undefined;
  /** union_id from the token response, used when `/user/profile` does not give one. */
  unionId?: string | undefined;
  /** Which ID becomes `profile.id`. Default `'openId'`. */
  profileIdentifier?: ProfileIdentifier | undefined;
  /** When true, a failing optional call (phone/email, openid) fails the whole call. Default false. */
  strictProfile?: boolean | undefined;
}

/** Makes one Open API call with the given credentials. */
export type OpenApiCall = (path: string, credentials: MiAccountCredentials) => Promise<OpenApiResult>;

/**
 * Fetches and normalizes the user's profile: `/user/profile` with scope 1, `/user/phoneAndEmail` with scope 4 or 6,
 * `/user/openidV2` only with scope 3 and no openId given — independent calls run in parallel. A failing optional call
 * becomes a profile warning unless `strictProfile`; a profile that cannot name the user is `missing_identifier`.
 *
 * @example
 * const profile = await getProfile(client, (path, credentials) => openApi.call(path, credentials), input);
 */
export function getProfile(
  client: PreconnectClient,
  call: OpenApiCall,
  input: GetProfileInput,
): Promise<MiAccountProfile> {
  let scopes: string[];
  try {
    scopes = typeof input.scope === 'string' ? parseGrantedScopes(input.scope) : normalizeScopes(input.scope ?? ['1']);
  } catch (err) {
    return Promise.reject(err);
  }
  const warnings: ProfileWarning[] = [];
  const optional = (endpoint: string): Promise<Record<string, unknown> | undefined> =>
    // One `then` with both handlers: a promise fewer than `then` and `catch`.
    call(endpoint, input).then(
      (result) => result.data,
      (err: unknown) => {
        if (input.strictProfile || !(err instanceof MiAccountError)) throw err;
        warnings.push({ endpoint, code: err.code, message: err.message });
        return undefined;
      },
    );
  expectProfileCalls(client, parallelProfileCalls(scopes)); // what the next code exchange pre-connects
  const wantsContact = scopes.includes('4') || scopes.includes('6');
  const profile = scopes.includes('1') ? call('/user/profile', input) : undefined;
  const openId = input.openId || !scopes.includes('3') ? undefined : optional('/user/openidV2');
  const contact = wantsContact ? optional('/user/phoneAndEmail') : undefined;
  // Only the calls made are joined (each entry costs Promise.all a promise), and the profile is built in its `then`.
  const made = [profile, openId, contact].filter((pending) => pending !== undefined);
  return Promise.all(made).then((results) => {
    const next = <T>(pending: Promise<T> | undefined): T | undefined =>
      pending === undefined ? undefined : (results.shift() as T);
    const profileResult = next(profile);
    const openIdData = next(openId);
    const contactData = next(contact);
    try {
      return buildProfile({
        scopes,
        tokenOpenId: input.openId,
        tokenUnionId: input.unionId,
        profileData: profileResult?.data,
        profileRaw: profileResult?.text,
        openIdData,
        contactData,
        warnings,
        profileIdentifier: input.profileIdentifier ?? 'openId',
      });
    } catch (err) {
      if (!(err instanceof MissingIdentifierError)) throw err;
      throw new MiAccountResponseError({
        step: 'open api',
        reason: 'missing_identifier',
        hint: err.message,
        cause: err,
      });
    }
  });
}
