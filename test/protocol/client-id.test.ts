import { MiAccountClient, MiAccountStrategy, MiAccountTokenStrategy } from '../../lib';
import { buildImplicitAuthorizeUrl } from '../../lib/browser';
import { normalizeClientID } from '../../lib/protocol/client-id';

// 2882303761517383915 written as a number is already 2882303761517383700 when JavaScript reads it.
// eslint-disable-next-line no-loss-of-precision
const ROUNDED = 2882303761517383915;
const verify = () => undefined;

/** Builds each of the four things that take an App ID, and returns the client_id it would send. */
const PLACES: Array<[string, (clientID: string | number) => string]> = [
  ['MiAccountStrategy', (clientID) => new MiAccountStrategy({ clientID, clientSecret: 's' }, verify).client.clientID],
  ['MiAccountTokenStrategy', (clientID) => new MiAccountTokenStrategy({ clientID }, verify).client.clientID],
  ['MiAccountClient', (clientID) => new MiAccountClient({ clientID }).clientID],
  [
    'buildImplicitAuthorizeUrl',
    (clientID) =>
      new URL(buildImplicitAuthorizeUrl({ clientID, redirectURI: 'https://app.example/cb' }).url).searchParams.get(
        'client_id',
      )!,
  ],
];

describe.each(PLACES)('the App ID rule in %s', (owner, build) => {
  it('refuses a number that lost precision with a TypeError saying to pass it as a string', () => {
    expect(() => build(ROUNDED)).toThrow(TypeError);
    expect(() => build(ROUNDED)).toThrow(/pass the App ID as a string/);
    expect(() => build(ROUNDED)).toThrow(owner);
  });

  it.each([[1.5], [-7], [0], [Number.NaN], [Number.MAX_SAFE_INTEGER + 1]])('refuses the number %p', (value) => {
    expect(() => build(value)).toThrow(/pass the App ID as a string/);
  });

  it('accepts a number that is a safe integer', () => {
    expect(build(179887661252608)).toBe('179887661252608');
  });

  it('accepts the App ID as a string, trimmed', () => {
    expect(build(' 2882303761517383915 ')).toBe('2882303761517383915');
  });

  it('refuses a missing or blank App ID', () => {
    expect(() => build('  ')).toThrow(/requires clientID/);
    expect(() => build(undefined as unknown as string)).toThrow(/requires clientID/);
  });
});

describe('normalizeClientID', () => {
  it('is one function that every place calls: same answer, named owner', () => {
    expect(() => normalizeClientID(ROUNDED, 'Somewhere')).toThrow(/^Somewhere: clientID 2882303761517383700 /);
  });
});
