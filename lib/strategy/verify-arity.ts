/**
 * Catches the NestJS arity trap. @nestjs/passport hands the strategy a verify callback of length 0 that forwards
 * everything to the class's `validate`; passport-oauth2 then picks the 4-argument form and `validate` never receives
 * the token response. A `validate` that asks for it would silently get the profile as `params`: throw instead.
 *
 * @param owner - the strategy under construction (a NestJS strategy class defines `validate` on it)
 * @param verify - the verify callback given to the constructor
 * @param passReqToCallback - whether the request comes first
 */
export function assertVerifyArity(
  owner: object,
  verify: (...args: never[]) => unknown,
  passReqToCallback: boolean,
): void {
  const validate = (owner as { validate?: unknown }).validate as ((...args: never[]) => unknown) | undefined;
  if (verify.length !== 0 || typeof validate !== 'function') return;
  const names = parameterNames(validate);
  const first = passReqToCallback ? 1 : 0;
  const wantsParams =
    validate.length >= first + 5 ||
    (validate.length === first + 4 &&
      (/profile/i.test(names[first + 3] ?? '') || /param|result|token|response/i.test(names[first + 2] ?? '')));
  if (!wantsParams) return;
  const shape = passReqToCallback
    ? 'req, accessToken, refreshToken, params, profile'
    : 'accessToken, refreshToken, params, profile';
  throw new TypeError(
    `MiAccountStrategy: validate(${names.join(', ')}) asks for the token response (${shape}), but @nestjs/passport ` +
      'calls it through a callback of length 0, so passport-oauth2 would pass (accessToken, refreshToken, profile, done) ' +
      'and validate would get the profile as params. Give the callback the arity of validate: ' +
      "PassportStrategy(MiAccountStrategy, 'mi-account', true), or drop params: validate(accessToken, refreshToken, profile).",
  );
}

// Best effort: the declared parameter names of a function, for the message and for telling params from done.
function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const match = /^[^(]*\(([^)]*)\)/.exec(Function.prototype.toString.call(fn));
  if (!match?.[1]) return [];
  return match[1]
    .split(',')
    .map((part) => part.replace(/[=:].*$/s, '').trim())
    .filter(Boolean);
}
