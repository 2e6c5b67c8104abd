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
export async function getProfile(
  client: PreconnectClient,
  call: OpenApiCall,
  input: GetProfileInput,
): Promise<MiAccountProfile> {
  const scopes =
    typeof input.scope === 'string' ? parseGrantedScopes(input.scope) : normalizeScopes(input.scope ?? ['1']);
  const warnings: ProfileWarning[] = [];
  const optional = (endpoint: string): Promise<Record<string, unknown> | undefined> => {
    const data = call(endpoint, input).then((result) => result.data);
    if (input.strictProfile) return data;
    return data.catch((err: unknown) => {
      if (!(err instanceof MiAccountError)) throw err;
      warnings.push({ endpoint, code: err.code, message: err.message });
      return undefined;
    });
  };
  expectProfileCalls(client, parallelProfileCalls(scopes)); // what the next code exchange pre-connects
  const wantsContact = scopes.includes('4') || scopes.includes('6');
  const [profile, openIdData, contact] = await Promise.all([
    scopes.includes('1') ? call('/user/profile', input) : undefined,
    input.openId || !scopes.includes('3') ? undefined : optional('/user/openidV2'),
    wantsContact ? optional('/user/phoneAndEmail') : undefined,
  ]);
  try {
    return buildProfile({
      scopes,
      tokenOpenId: input.openId,
      tokenUnionId: input.unionId,
      profileData: profile?.data,
      profileRaw: profile?.text,
      openIdData,
      contactData: contact,
      warnings,
      profileIdentifier: input.profileIdentifier ?? 'openId',
    });
  } catch (err) {
    if (!(err instanceof MissingIdentifierError)) throw err;
    throw new MiAccountResponseError({ step: 'open api', reason: 'missing_identifier', hint: err.message, cause: err });
  }
}
