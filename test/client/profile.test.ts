import { buildProfile, MissingIdentifierError, ProfileSources } from '../../lib/client/profile';

const base: ProfileSources = {
  scopes: ['1', '3'],
  tokenOpenId: '2.0open',
  tokenUnionId: undefined,
  profileData: undefined,
  profileRaw: undefined,
  openIdData: undefined,
  contactData: undefined,
  warnings: [],
  profileIdentifier: 'openId',
};

describe('buildProfile', () => {
  it('uses the openId of the token response as id by default', () => {
    const profile = buildProfile(base);
    expect(profile).toMatchObject({ provider: 'mi-account', id: '2.0open', openId: '2.0open', scopes: ['1', '3'] });
  });

  it('maps nickname, unionId and the legacy userId', () => {
    const profile = buildProfile({
      ...base,
      profileData: { miliaoNick: 'Lei Jun', unionId: 'union-1', userId: 12345 },
    });
    expect(profile.displayName).toBe('Lei Jun');
    expect(profile.unionId).toBe('union-1');
    expect(profile.legacyUserId).toBe('12345');
  });

  it('uses unionId as id with profileIdentifier unionId', () => {
    expect(buildProfile({ ...base, profileIdentifier: 'unionId', profileData: { unionId: 'union-1' } }).id).toBe(
      'union-1',
    );
  });

  it('falls back to union_id of the token response', () => {
    expect(buildProfile({ ...base, tokenUnionId: 'u-token' }).unionId).toBe('u-token');
  });

  it('lists avatars largest first and without duplicates', () => {
    const profile = buildProfile({
      ...base,
      profileData: {
        miliaoIcon: 'https://cdn/a.jpg',
        miliaoIcon_75: 'https://cdn/a_75.jpg',
        miliaoIcon_90: 'https://cdn/a_90.jpg',
        miliaoIcon_120: 'https://cdn/a_120.jpg',
        miliaoIcon_320: 'https://cdn/a_320.jpg',
        miliaoIcon_orig: 'https://cdn/a.jpg',
      },
    });
    expect(profile.photos).toEqual([
      { value: 'https://cdn/a.jpg', size: 550 },
      { value: 'https://cdn/a_320.jpg', size: 320 },
      { value: 'https://cdn/a_120.jpg', size: 120 },
      { value: 'https://cdn/a_90.jpg', size: 90 },
      { value: 'https://cdn/a_75.jpg', size: 75 },
    ]);
  });

  it('takes openId from /user/openidV2 (either spelling) when the token had none', () => {
    expect(buildProfile({ ...base, tokenOpenId: undefined, openIdData: { openId: 'o1' } }).id).toBe('o1');
    expect(buildProfile({ ...base, tokenOpenId: undefined, openIdData: { openid: 'o2' } }).id).toBe('o2');
  });

  it('adds phone and email only when non-empty', () => {
    const both = buildProfile({ ...base, contactData: { phone: '+86 138', email: 'a@b.c' } });
    expect(both.emails).toEqual([{ value: 'a@b.c' }]);
    expect(both.phoneNumbers).toEqual([{ value: '+86 138' }]);
    const empty = buildProfile({ ...base, contactData: { phone: '', email: '' } });
    expect(empty).not.toHaveProperty('emails');
    expect(empty).not.toHaveProperty('phoneNumbers');
  });

  it('ignores fields of the wrong type', () => {
    const profile = buildProfile({
      ...base,
      profileData: { miliaoNick: { x: 1 }, miliaoIcon: 7 as unknown as string },
    });
    expect(profile.displayName).toBeUndefined();
    expect(profile).not.toHaveProperty('photos');
  });

  it('records warnings', () => {
    const warnings = [{ endpoint: '/user/phoneAndEmail', code: 96005, message: 'no permission' }];
    expect(buildProfile({ ...base, warnings }).warnings).toEqual(warnings);
    expect(buildProfile(base)).not.toHaveProperty('warnings');
  });

  it('throws when the chosen identifier is missing', () => {
    expect(() => buildProfile({ ...base, tokenOpenId: undefined })).toThrow(MissingIdentifierError);
    expect(() => buildProfile({ ...base, profileIdentifier: 'unionId' })).toThrow(/no unionId/);
  });
});
