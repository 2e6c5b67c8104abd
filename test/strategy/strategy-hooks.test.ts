/**
 * MiAccountStrategy plugs into passport-oauth2's hooks: the app's options and verify reach passport-oauth2 as they are,
 * the token call is answered by MiAccountClient, the profile by userProfile. Each login here runs on its own
 * per-request object, as passport makes it (Object.create(strategy) plus the actions), with the client's calls stubbed.
 */
import { inspect } from 'node:util';
import { InternalOAuthError } from 'passport-oauth2';
import refresh from 'passport-oauth2-refresh';
import { MiAccountError, MiAccountStrategy } from '../../lib';
import type {
  MiAccountProfile,
  MiAccountStrategyOptions,
  MiAccountStrategyOptionsWithRequest,
  TokenSet,
} from '../../lib';
import { USED_CODE_MESSAGE } from '../../lib/strategy/token-errors';

const CALLBACK = 'https://app.example/auth/mi/callback';
const base = {
  clientID: '2882303761517383915',
  clientSecret: 'app-secret-value',
  callbackURL: CALLBACK,
  scope: ['profile', 'openid'],
  state: false, // no session here: these tests are about what follows the state check
};

type Action = 'success' | 'fail' | 'error' | 'redirect' | 'pass';
interface Outcome {
  action: Action;
  args: unknown[];
  login: object;
}

/** The token set Mi Account would answer for `code`. */
function tokensFor(code: string): TokenSet {
  const raw = {
    access_token: `at-${code}`,
    mac_key: `mk-${code}`,
    expires_in: 3600,
    scope: '1 3',
    openId: `o-${code}`,
  };
  return {
    accessToken: raw.access_token,
    refreshToken: `rt-${code}`,
    expiresIn: 3600,
    expiresAt: Date.now() + 3_600_000,
    scope: ['1', '3'],
    tokenType: 'mac',
    macKey: raw.mac_key,
    macAlgorithm: 'HmacSha1',
    openId: raw.openId,
    unionId: undefined,
    raw,
  };
}

/** A strategy whose client answers from tokensFor and builds the profile from what getProfile was given. */
function strategyWith(
  options: Partial<MiAccountStrategyOptions> | Partial<MiAccountStrategyOptionsWithRequest>,
  verify: (...args: never[]) => void,
): MiAccountStrategy {
  const strategy = new MiAccountStrategy({ ...base, ...options } as MiAccountStrategyOptions, verify as never);
  jest.spyOn(strategy.client, 'exchangeCode').mockImplementation(async (code) => tokensFor(code));
  jest.spyOn(strategy.client, 'getProfile').mockImplementation(
    async (input) =>
      ({
        provider: 'mi-account',
        id: input.openId ?? '',
        openId: input.openId ?? '',
        displayName: `signed with ${input.macKey}, scope ${String(input.scope)}`,
        scopes: [],
        _raw: '{}',
        _json: {},
      }) as MiAccountProfile,
  );
  return strategy;
}

/** Runs one request through the strategy as passport does, resolving with the action it ends in. */
function authenticate(strategy: MiAccountStrategy, req: object, options: object = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const login = Object.create(strategy) as MiAccountStrategy & Record<Action, unknown>;
    for (const action of ['success', 'fail', 'error', 'redirect', 'pass'] as const) {
      login[action] = (...args: unknown[]) => resolve({ action, args, login });
    }
    login.authenticate({ headers: {}, ...req } as never, options);
  });
}

const callback = (code: string) => ({ query: { code }, url: `/auth/mi/callback?code=${code}` });

describe('the app’s options and verify reach passport-oauth2 as the app set them', () => {
  it('passReqToCallback with 6 parameters: verify gets (req, accessToken, refreshToken, params, profile, done) on the login', async () => {
    const calls: Array<{ self: unknown; args: unknown[] }> = [];
    const strategy = strategyWith(
      { passReqToCallback: true },
      function (
        this: unknown,
        req: object,
        accessToken: string,
        refreshToken: string,
        params: object,
        profile: MiAccountProfile,
        done: (e: null, u: object) => void,
      ) {
        calls.push({ self: this, args: [req, accessToken, refreshToken, params, profile] });
        done(null, { id: profile.id });
      },
    );
    const req = callback('c1');
    const outcome = await authenticate(strategy, req);
    expect(outcome.action).toBe('success');
    const [seenReq, accessToken, refreshToken, params, profile] = calls[0]!.args;
    expect(calls[0]!.self).toBe(outcome.login);
    expect((seenReq as { query: unknown }).query).toBe(req.query);
    expect([accessToken, refreshToken, params]).toEqual(['at-c1', 'rt-c1', tokensFor('c1').raw]);
    expect(profile).toMatchObject({ openId: 'o-c1', displayName: 'signed with mk-c1, scope 1,3' });
  });

  it('without passReqToCallback, 4 parameters: verify gets (accessToken, refreshToken, profile, done)', async () => {
    const calls: unknown[][] = [];
    const strategy = strategyWith(
      {},
      (a: string, r: string, profile: MiAccountProfile, done: (e: null, u: object) => void) => {
        calls.push([a, r, profile]);
        done(null, { id: profile.id });
      },
    );
    expect((await authenticate(strategy, callback('c2'))).action).toBe('success');
    expect(calls[0]).toEqual(['at-c2', 'rt-c2', expect.objectContaining({ openId: 'o-c2' })]);
  });

  it('skipUserProfile true: no profile call, verify gets no profile', async () => {
    const profiles: unknown[] = [];
    const strategy = strategyWith(
      { skipUserProfile: true },
      (_a: string, _r: string, _p: object, profile: unknown, done: (e: null, u: object) => void) => {
        profiles.push(profile);
        done(null, {});
      },
    );
    expect((await authenticate(strategy, callback('c3'))).action).toBe('success');
    expect(profiles).toEqual([undefined]);
    expect(strategy.client.getProfile).not.toHaveBeenCalled();
  });

  it('skipUserProfile as a function of (accessToken, done) is asked on the login with the access token', async () => {
    const asked: unknown[][] = [];
    const skip = function (this: unknown, accessToken: string, done: (e: null, skip: boolean) => void) {
      asked.push([this, accessToken]);
      done(null, false);
    };
    const strategy = strategyWith(
      { skipUserProfile: skip as never },
      (_a: string, _r: string, profile: unknown, done: (e: null, u: unknown) => void) => done(null, profile),
    );
    const outcome = await authenticate(strategy, callback('c4'));
    expect(asked).toEqual([[outcome.login, 'at-c4']]);
    expect(outcome.args[0]).toMatchObject({ displayName: 'signed with mk-c4, scope 1,3' });
  });

  it('a verify that throws ends the login in error with what it threw', async () => {
    const strategy = strategyWith({}, (_a: string, _r: string, _p: object, _profile: unknown, _done: unknown) => {
      throw new Error('verify broke');
    });
    const outcome = await authenticate(strategy, callback('c5'));
    expect(outcome.action).toBe('error');
    expect((outcome.args[0] as Error).message).toBe('verify broke');
  });

  it('a NestJS PassportStrategy-style subclass (callback of length 0) logs in through validate', async () => {
    class NestStyle extends (MiAccountStrategy as unknown as new (...args: unknown[]) => MiAccountStrategy) {
      constructor(options: object) {
        // As @nestjs/passport: a rest-args callback (length 0) that hands everything but done to validate.
        const callback = async function (this: NestStyle, ...params: unknown[]) {
          const done = params[params.length - 1] as (e: unknown, u?: unknown) => void;
          done(null, await this.validate(...(params.slice(0, -1) as [string, string, MiAccountProfile])));
        };
        super(options, callback);
      }
      validate(accessToken: string, _refreshToken: string, profile: MiAccountProfile) {
        return { accessToken, openId: profile.openId };
      }
    }
    const strategy = new NestStyle(base);
    jest.spyOn(strategy.client, 'exchangeCode').mockImplementation(async (code) => tokensFor(code));
    jest.spyOn(strategy.client, 'getProfile').mockResolvedValue({ openId: 'o-n1' } as MiAccountProfile);
    const outcome = await authenticate(strategy, callback('n1'));
    expect(outcome).toMatchObject({ action: 'success', args: [{ accessToken: 'at-n1', openId: 'o-n1' }, {}] });
  });
});

describe('each login’s profile step gets its own token set', () => {
  it('two concurrent logins whose token calls end in reverse order each see their own tokens and profile', async () => {
    const seen: Array<[string, unknown, MiAccountProfile]> = [];
    const strategy = strategyWith(
      {},
      (a: string, _r: string, params: unknown, profile: MiAccountProfile, done: (e: null, u: object) => void) => {
        seen.push([a, params, profile]);
        done(null, {});
      },
    );
    const answers = new Map<string, () => void>();
    jest
      .spyOn(strategy.client, 'exchangeCode')
      .mockImplementation((code) => new Promise((resolve) => answers.set(code, () => resolve(tokensFor(code)))));
    const first = authenticate(strategy, callback('first'));
    const second = authenticate(strategy, callback('second'));
    answers.get('second')!();
    await second;
    answers.get('first')!();
    await first;
    expect(seen.map(([a]) => a)).toEqual(['at-second', 'at-first']);
    for (const [accessToken, params, profile] of seen) {
      const code = accessToken.slice(3);
      expect(params).toEqual(tokensFor(code).raw);
      expect(profile).toMatchObject({ openId: `o-${code}`, displayName: `signed with mk-${code}, scope 1,3` });
    }
  });

  it('leaves no Symbol-keyed property on the strategy or the login, and sends Mi no token parameter of its own', async () => {
    const strategy = strategyWith(
      {},
      (_a: string, _r: string, _p: unknown, _profile: unknown, done: (e: null, u: object) => void) => done(null, {}),
    );
    const outcome = await authenticate(strategy, callback('c6'));
    expect(outcome.action).toBe('success');
    expect(Object.getOwnPropertySymbols(strategy)).toEqual([]);
    expect(Object.getOwnPropertySymbols(outcome.login)).toEqual([]);
    expect(strategy.tokenParams({})).toEqual({});
  });

  it('shows no token of a login whose profile step was skipped in any rendering of the strategy', async () => {
    const strategy = strategyWith(
      { skipUserProfile: () => true },
      (_a: string, _r: string, _p: unknown, _profile: unknown, done: (e: null, u: object) => void) => done(null, {}),
    );
    expect((await authenticate(strategy, callback('skipped'))).action).toBe('success');
    const text = [inspect(strategy, { depth: Infinity, showHidden: true }), JSON.stringify(strategy)].join('\n');
    expect(text).not.toMatch(/at-skipped|rt-skipped|mk-skipped/);
  });

  it('userProfile of an access token of no login in progress makes unsigned calls when signRequests is false', async () => {
    const strategy = strategyWith({ signRequests: false }, () => undefined);
    const profile = await new Promise((resolve, reject) =>
      strategy.userProfile('a-stored-token', (err, p) => (err ? reject(err) : resolve(p))),
    );
    expect(profile).toMatchObject({ displayName: 'signed with , scope undefined' });
    expect(strategy.client.getProfile).toHaveBeenCalledWith(
      expect.objectContaining({ accessToken: 'a-stored-token', macKey: '' }),
    );
  });
});

describe('errors of the token call', () => {
  it('a code Mi Account refuses as used or expired (96013) fails the login with 400, so failureRedirect applies', async () => {
    const strategy = strategyWith({}, () => undefined);
    jest
      .spyOn(strategy.client, 'exchangeCode')
      .mockRejectedValue(new MiAccountError({ step: 'token exchange', code: 96013, endpoint: '/oauth2/token' }));
    const outcome = await authenticate(strategy, callback('used'));
    expect(outcome.action).toBe('fail');
    expect(outcome.args).toEqual([{ message: USED_CODE_MESSAGE, code: 96013, reason: 'code_invalid' }, 400]);
  });

  it('any other MiAccountError reaches the app as itself, not inside an InternalOAuthError', async () => {
    const strategy = strategyWith({}, () => undefined);
    const refused = new MiAccountError({ step: 'token exchange', code: 96003, endpoint: '/oauth2/token' });
    jest.spyOn(strategy.client, 'exchangeCode').mockRejectedValue(refused);
    const outcome = await authenticate(strategy, callback('c7'));
    expect(outcome).toMatchObject({ action: 'error', args: [refused] });
  });

  it('an InternalOAuthError that does not carry a MiAccountError is passed on unchanged', async () => {
    const strategy = strategyWith({}, () => undefined);
    const other = new InternalOAuthError('failed to fetch user profile', new Error('db down'));
    jest.spyOn(strategy.client, 'getProfile').mockRejectedValue(other);
    const outcome = await authenticate(strategy, callback('c8'));
    expect(outcome).toMatchObject({ action: 'error', args: [other] });
  });
});

describe('passport-oauth2-refresh', () => {
  /** Registers the strategy with passport-oauth2-refresh (by its name, replacing an earlier test's). */
  function register(strategy: MiAccountStrategy): typeof refresh {
    refresh.use(strategy);
    return refresh;
  }

  it('requestNewAccessToken refreshes through MiAccountClient and answers the rotated tokens and the response', async () => {
    const strategy = strategyWith({}, () => undefined);
    const refreshed = jest.spyOn(strategy.client, 'refreshAccessToken').mockResolvedValue(tokensFor('r1'));
    const answer = await new Promise<unknown[]>((resolve) =>
      register(strategy).requestNewAccessToken('mi-account', 'old-refresh-token', (...args: unknown[]) =>
        resolve(args),
      ),
    );
    expect(refreshed).toHaveBeenCalledWith('old-refresh-token', undefined);
    expect(answer).toEqual([null, 'at-r1', 'rt-r1', tokensFor('r1').raw]);
    expect(strategy.client.exchangeCode).not.toHaveBeenCalled();
  });

  it('a refused refresh token answers the MiAccountError itself', async () => {
    const strategy = strategyWith({}, () => undefined);
    const refused = new MiAccountError({ step: 'token refresh', code: 96009, endpoint: '/oauth2/token' });
    jest.spyOn(strategy.client, 'refreshAccessToken').mockRejectedValue(refused);
    const [err] = await new Promise<unknown[]>((resolve) =>
      register(strategy).requestNewAccessToken('mi-account', 'spent', (...args: unknown[]) => resolve(args)),
    );
    expect(err).toBe(refused);
  });
});
