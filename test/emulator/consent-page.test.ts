import { BUTTON_LABELS } from '../../lib/button/labels';
import { DEMO_CLIENT, DEMO_USERS, startMiAccountEmulator, type MiEmulator } from '../../lib/emulator';
import { consentLanguage, consentText, CONSENT_LANGUAGES, localizedName } from '../../lib/emulator/consent-text';
import { SCOPE_IDS } from '../../lib/emulator/scope-ids';
import { authorizeGet, CLIENT, PLAIN_CLIENT, REDIRECT, start, USERS } from './helpers';

let emulator: MiEmulator;

afterEach(async () => {
  await emulator.close();
});

const REQUEST = {
  client_id: CLIENT.clientID,
  redirect_uri: REDIRECT,
  response_type: 'code',
  scope: '1 3 6',
  state: 'st4te',
};

async function page(params: Readonly<Record<string, string>>): Promise<string> {
  const res = await authorizeGet(emulator, params);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
}

describe('the consent page speaks the language of _locale', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('zh_CN: Simplified Chinese heading, scopes, user list and buttons, with lang="zh-CN"', async () => {
    const html = await page({ ...REQUEST, _locale: 'zh_CN' });
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain(`<title>使用小米账号登录 — 应用 ${CLIENT.clientID}</title>`);
    expect(html).toContain(`<h1>允许“应用 ${CLIENT.clientID}”访问你的个人资料、openId和邮箱地址？</h1>`);
    expect(html).toContain('<li>你的个人资料：昵称和头像<span class="note">（权限 1）</span></li>');
    expect(html).toContain('<legend>选择登录的账号</legend>');
    expect(html).toContain('<button type="submit" name="decision" value="approve">同意</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">拒绝</button>');
    expect(html).toContain('<p class="brand">小米账号<span class="note">（本地模拟器）</span></p>');
    // The language goes back with the form, so a page shown again after the POST keeps it.
    expect(html).toContain('<input type="hidden" name="_locale" value="zh_CN">');
    expect(html).not.toMatch(/Approve|Deny|Sign in|Allow|The app/);
  });

  it.each([
    ['zh_TW', 'zh-TW'],
    ['zh_HK', 'zh-HK'],
  ])('%s: Traditional Chinese, with lang="%s"', async (locale, lang) => {
    const html = await page({ ...REQUEST, client_id: PLAIN_CLIENT.clientID, _locale: locale });
    expect(html).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${lang}">`));
    expect(html).toContain(`<h1>允許「應用程式 ${PLAIN_CLIENT.clientID}」存取你的個人資料和openId？</h1>`);
    expect(html).toContain('此應用程式無權取得（未通過隱私審查）：你的電子郵件地址。');
    expect(html).toContain('<button type="submit" name="decision" value="approve">同意</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">拒絕</button>');
  });

  it.each([
    ['en_US', { _locale: 'en_US' }],
    ['an unknown locale', { _locale: 'xx_YY' }],
    ['a language the emulator does not speak', { _locale: 'de_DE' }],
    ['garbage', { _locale: '"><b>' }],
    ['no _locale', {}],
  ])('%s: English, with lang="en"', async (_what, extra) => {
    const html = await page({ ...REQUEST, ...extra });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(`<h1>Allow app ${CLIENT.clientID} to access your profile, openId and email address?</h1>`);
    expect(html).toContain('<button type="submit" name="decision" value="approve">Approve</button>');
    expect(html).not.toContain('<b>');
  });

  it('says "sign in" in Chinese when no data is granted', async () => {
    const html = await page({ ...REQUEST, client_id: PLAIN_CLIENT.clientID, scope: '6', _locale: 'zh_CN' });
    expect(html).toContain(`<h1>使用小米账号登录“应用 ${PLAIN_CLIENT.clientID}”</h1>`);
    expect(html).toContain('<p>除登录外，该应用不会获取你的任何数据。</p>');
    const traditional = await page({ ...REQUEST, client_id: PLAIN_CLIENT.clientID, scope: '6', _locale: 'zh_TW' });
    expect(traditional).toContain(`<h1>使用小米帳號登入「應用程式 ${PLAIN_CLIENT.clientID}」</h1>`);
  });

  it('shows the error page in the language of _locale, the technical detail in English', async () => {
    const res = await authorizeGet(emulator, { ...REQUEST, client_id: '42', _locale: 'zh_CN' });
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<h1>错误 96001 OA_CLIENT_NOT_EXISTS</h1>');
    expect(html).toContain('<p>没有使用此 App ID 的应用，或该应用未在小米开放平台启用账号服务。</p>');
    expect(html).toContain('详情（供开发者参考）：no app has the App ID &quot;42&quot;');
    const english = await (await authorizeGet(emulator, { ...REQUEST, client_id: '42' })).text();
    expect(english).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(english).toContain('<h1>Error 96001 OA_CLIENT_NOT_EXISTS</h1>');
    expect(english).toContain('<p>the App ID is unknown, or the account service is not enabled for this app');
  });

  it.each([
    [
      'zh_TW',
      '<h1>錯誤 96010 OA_INVALID_REDIRECT_URI</h1>',
      'redirect_uri 與此應用程式在小米開放平台登記的回呼網址皆不相符。',
    ],
    ['en', '<h1>Error 96010 OA_INVALID_REDIRECT_URI</h1>', 'redirect_uri does not match any redirect URI registered'],
  ])(
    "names the redirect URI error (%s) with its own table, not the client library's",
    async (locale, heading, meaning) => {
      const html = await page({ ...REQUEST, redirect_uri: 'https://evil.example/', _locale: locale });
      expect(html).toContain(heading);
      expect(html).toContain(meaning);
    },
  );

  it('links its icon, which the emulator serves (no 404 for /favicon.ico either)', async () => {
    expect(await page(REQUEST)).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${emulator.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>$/);
    }
    const head = await fetch(`${emulator.url}/favicon.ico`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(`${emulator.url}/favicon.ico`, { method: 'POST' });
    expect(post.status).toBe(404);
    await post.text();
  });
});

describe('users with and without an avatar', () => {
  beforeEach(async () => {
    emulator = await start();
  });

  it('shows the avatar, or a same-size placeholder with the initial, before every nickname', async () => {
    const html = await page(REQUEST);
    expect(USERS[0].avatar).toBeDefined();
    expect(html).toContain(
      `<img class="avatar" src="${USERS[0].avatar}" alt="" width="32" height="32"><span>Alex Morgan`,
    );
    expect('avatar' in USERS[1]).toBe(false);
    expect(html).toMatch(/<span class="avatar avatar-initial initial-\d" aria-hidden="true">李<\/span><span>李小米/);
    // Both have the one .avatar box (32 × 32) that keeps the rows aligned.
    expect(html).toMatch(/\.avatar \{ flex: none; width: 32px; height: 32px;/);
  });

  it('upper-cases a Latin initial and escapes it; a blank nickname gets "?"', async () => {
    await emulator.close();
    emulator = await start({
      users: [
        { id: 'a', nickname: 'sam legacy' },
        { id: 'b', nickname: '<x' },
        { id: 'c', nickname: ' ' },
      ],
    });
    const html = await page(REQUEST);
    expect(html).toMatch(/aria-hidden="true">S<\/span><span>sam legacy/);
    expect(html).toMatch(/aria-hidden="true">&lt;<\/span><span>&lt;x/);
    expect(html).toMatch(/aria-hidden="true">\?<\/span>/);
  });
});

describe('the demo client', () => {
  beforeEach(async () => {
    emulator = await startMiAccountEmulator({ clients: [DEMO_CLIENT], users: DEMO_USERS });
  });

  const demoRequest = {
    client_id: DEMO_CLIENT.clientID,
    redirect_uri: 'http://localhost:3000/auth/mi/callback',
    response_type: 'code',
    scope: '1',
  };

  it.each([
    ['en_US', 'en', '<h1>Allow Example app to access your profile?</h1>'],
    ['zh_CN', 'zh-CN', '<h1>允许“示例应用”访问你的个人资料？</h1>'],
    ['zh_TW', 'zh-TW', '<h1>允許「範例應用程式」存取你的個人資料？</h1>'],
    ['zh_HK', 'zh-HK', '<h1>允許「範例應用程式」存取你的個人資料？</h1>'],
  ])('is shown by its display name (%s), never by its App ID', async (locale, lang, heading) => {
    const html = await page({ ...demoRequest, _locale: locale });
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain(heading);
    expect(html).not.toMatch(new RegExp(`(?:app|应用|應用程式) ${DEMO_CLIENT.clientID}`));
  });

  it('lays out Sam Legacy, who has no avatar, with a placeholder like the others', async () => {
    const html = await page(demoRequest);
    expect(html.match(/<img class="avatar" /g)).toHaveLength(2);
    expect(html).toMatch(/<span class="avatar avatar-initial initial-\d" aria-hidden="true">S<\/span><span>Sam Legacy/);
  });
});

describe('display names by language', () => {
  it('falls back from one Traditional Chinese region to the other, then to English, then to any name', () => {
    expect(localizedName({ en: 'App', 'zh-TW': '應用' }, 'zh-HK')).toBe('應用');
    expect(localizedName({ en: 'App', 'zh-HK': '應用' }, 'zh-TW')).toBe('應用');
    expect(localizedName({ en: 'App' }, 'zh-CN')).toBe('App');
    expect(localizedName({ 'zh-CN': '应用' }, 'en')).toBe('应用');
  });

  it('takes a plain string as the name in every language', async () => {
    emulator = await start({ clients: [{ ...CLIENT, name: 'Tea Shop' }] });
    expect(await page({ ...REQUEST, scope: '1', _locale: 'zh_CN' })).toContain(
      '<h1>允许“Tea Shop”访问你的个人资料？</h1>',
    );
  });

  it.each([
    ['a language the pages do not speak', { de: 'Teeladen' }, /language "de"; use en, zh-CN, zh-TW, zh-HK/],
    ['no name at all', {}, /has no names/],
    ['a blank name', { en: ' ' }, /name \(en\) must be a non-empty string/],
    ['a number for a name', 42, /name must be a string or an object of names by language/],
  ])('rejects names with %s', async (_what, name, message) => {
    await expect(
      startMiAccountEmulator({
        clients: [{ ...CLIENT, name: name as unknown as Record<string, string> }],
        users: USERS,
      }),
    ).rejects.toThrow(message);
  });
});

describe('consentLanguage and consentText', () => {
  it.each([
    ['zh_CN', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh_SG', 'zh-CN'],
    ['zh_Hans_HK', 'zh-CN'],
    ['zh_TW', 'zh-TW'],
    ['zh_Hant', 'zh-TW'],
    ['zh_HK', 'zh-HK'],
    ['zh_MO', 'zh-HK'],
    ['zh-Hant-HK', 'zh-HK'],
    ['zh_CN.UTF-8', 'zh-CN'],
    ['en_US', 'en'],
    ['en', 'en'],
    ['de_DE', 'en'],
    ['zhx', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ])('reads %p as %p', (locale, lang) => {
    expect(consentLanguage(locale)).toBe(lang);
    expect(consentText(locale).lang).toBe(lang);
  });

  it.each(CONSENT_LANGUAGES)('says "Sign in with Mi Account" in %s as the login button does', (lang) => {
    expect(consentText(lang).signInWithMi).toBe(BUTTON_LABELS[lang]);
  });

  it.each(CONSENT_LANGUAGES)('has words in %s for every scope the emulator knows', (lang) => {
    const text = consentText(lang);
    for (const id of Object.values(SCOPE_IDS)) {
      const words = text.scope(id);
      expect({ id, short: words.short, long: words.long }).toEqual({
        id,
        short: expect.not.stringMatching(/^(?:scope|权限|權限) \d/),
        long: expect.not.stringMatching(/^(?:scope|权限|權限) \d/),
      });
    }
  });
});
