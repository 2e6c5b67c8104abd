import { MiAccountStrategy } from '../../lib';
import type { MiAccountStrategyOptions } from '../../lib';

type Ctor = new (options: MiAccountStrategyOptions) => MiAccountStrategy;

/** The shape of @nestjs/passport 11's PassportStrategy mixin: a rest-args callback, its length set only on request. */
function nestMixin(callbackArity?: true): Ctor {
  const Base = MiAccountStrategy as unknown as new (...args: unknown[]) => MiAccountStrategy;
  return class extends Base {
    constructor(...args: unknown[]) {
      const callback = async (...params: unknown[]) => params;
      if (callbackArity) {
        const validate = (new.target.prototype as unknown as { validate: (...a: unknown[]) => unknown }).validate;
        Object.defineProperty(callback, 'length', { value: validate.length + 1 });
      }
      super(...args, callback);
    }
  } as unknown as Ctor;
}

const options = { clientID: '2882303761517383915', clientSecret: 's3cret-value' };

describe('a NestJS validate that asks for the token response', () => {
  it('is refused at construction when the callback hides its arity', () => {
    class MiStrategy extends nestMixin() {
      validate(accessToken: string, refreshToken: string, params: unknown, profile: unknown) {
        return { accessToken, refreshToken, params, profile };
      }
    }
    expect(() => new MiStrategy(options)).toThrow(
      'validate(accessToken, refreshToken, params, profile) asks for the token response (accessToken, refreshToken, params, profile), but @nestjs/passport calls it through a callback of length 0',
    );
    expect(() => new MiStrategy(options)).toThrow("PassportStrategy(MiAccountStrategy, 'mi-account', true)");
  });

  it('is refused with five parameters whatever their names', () => {
    class MiStrategy extends nestMixin() {
      validate(a: string, b: string, c: unknown, d: unknown, e: unknown) {
        return [a, b, c, d, e];
      }
    }
    expect(() => new MiStrategy(options)).toThrow(TypeError);
  });

  it('is refused with the request first under passReqToCallback', () => {
    class MiStrategy extends nestMixin() {
      validate(req: unknown, accessToken: string, refreshToken: string, params: unknown, profile: unknown) {
        return [req, accessToken, refreshToken, params, profile];
      }
    }
    expect(
      () => new MiStrategy({ ...options, passReqToCallback: true } as unknown as MiAccountStrategyOptions),
    ).toThrow(/asks for the token response \(req, accessToken, refreshToken, params, profile\)/);
  });

  it('is accepted when PassportStrategy is given callbackArity true', () => {
    class MiStrategy extends nestMixin(true) {
      validate(accessToken: string, refreshToken: string, params: unknown, profile: unknown) {
        return { accessToken, refreshToken, params, profile };
      }
    }
    expect(new MiStrategy(options).name).toBe('mi-account');
  });
});

describe('a NestJS validate without the token response', () => {
  it.each([
    ['(accessToken, refreshToken, profile)', 3],
    ['(accessToken, refreshToken, profile, done)', 4],
  ])('%s is accepted', (_name, arity) => {
    class MiStrategy extends nestMixin() {
      validate(...args: unknown[]) {
        return args;
      }
    }
    Object.defineProperty(MiStrategy.prototype, 'validate', {
      value:
        arity === 3
          ? (accessToken: string, refreshToken: string, profile: unknown) => [accessToken, refreshToken, profile]
          : (accessToken: string, refreshToken: string, profile: unknown, done: unknown) => [
              accessToken,
              refreshToken,
              profile,
              done,
            ],
    });
    expect(new MiStrategy(options).name).toBe('mi-account');
  });
});
