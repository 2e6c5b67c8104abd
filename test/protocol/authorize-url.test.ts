import {
  authorizeOptionParams,
  authorizeRequestParams,
  buildAuthorizeUrl,
  DEFAULT_AUTHORIZATION_URL,
  type AuthorizeRequest,
} from '../../lib/protocol';

const REQUEST: AuthorizeRequest = {
  responseType: 'code',
  clientID: '2882303761517383915',
  redirectURI: 'https://app.example.com/cb',
  scope: ['1', '3'],
  state: 's1',
};

describe('authorizeOptionParams (the strategy authorizationParams hook and the browser helper)', () => {
  it('sends nothing the app did not set', () => {
    expect(authorizeOptionParams({})).toEqual({});
  });

  it.each([
    [true, 'true'],
    [false, 'false'],
  ])('sends skip_confirm %p as %p', (skipConfirm, sent) => {
    expect(authorizeOptionParams({ skipConfirm })).toEqual({ skip_confirm: sent });
  });

  it('trims _locale and leaves a blank one out', () => {
    expect(authorizeOptionParams({ locale: ' zh_CN ' })).toEqual({ _locale: 'zh_CN' });
    expect(authorizeOptionParams({ locale: '  ' })).toEqual({});
  });
});

describe('authorizeRequestParams', () => {
  it('lists the parameters in the order they are sent, scope IDs separated by a space', () => {
    expect(authorizeRequestParams({ ...REQUEST, skipConfirm: false, locale: 'en_US' })).toEqual([
      ['response_type', 'code'],
      ['client_id', '2882303761517383915'],
      ['redirect_uri', 'https://app.example.com/cb'],
      ['scope', '1 3'],
      ['state', 's1'],
      ['skip_confirm', 'false'],
      ['_locale', 'en_US'],
    ]);
  });

  it('sends no scope for an empty list (Mi then grants the basic scopes)', () => {
    expect(authorizeRequestParams({ ...REQUEST, scope: [] }).map(([name]) => name)).not.toContain('scope');
  });
});

describe('buildAuthorizeUrl', () => {
  it('targets Mi Account by default and encodes the scope separator as %20', () => {
    const url = buildAuthorizeUrl(REQUEST);
    expect(url.startsWith(`${DEFAULT_AUTHORIZATION_URL}?`)).toBe(true);
    expect(url).toContain('scope=1%203');
  });

  it('keeps a query already on the URL byte for byte and drops copies of its own parameters', () => {
    const url = buildAuthorizeUrl(REQUEST, 'https://mi.example/authorize?tenant=a+b&state=old&Client_ID=x&%73cope=9');
    expect(url).toBe(
      'https://mi.example/authorize?tenant=a+b&Client_ID=x&response_type=code&client_id=2882303761517383915' +
        '&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&scope=1%203&state=s1',
    );
  });

  it('throws on a relative authorization URL', () => {
    expect(() => buildAuthorizeUrl(REQUEST, '/oauth2/authorize')).toThrow(/Invalid URL/);
  });
});
