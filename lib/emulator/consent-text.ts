// The words of the emulator's HTML pages in English, Simplified and Traditional Chinese (Mi's `_locale`
// decides). Kept here, not in lib/protocol's locale table: the emulator plays the server with its own data.
// "Sign in with Mi Account" is the login button's label for the same locale (a test keeps them equal).
import { SCOPE_IDS } from './scope-ids';
import { scopeWords } from './scope-grant';
import type { MiEmulatorLanguage } from './types';

/**
 * A language of the emulator's pages, as a BCP 47 tag for `<html lang>`.
 *
 * @example
 * const lang: ConsentLanguage = consentLanguage('zh_CN'); // 'zh-CN'
 */
export type ConsentLanguage = MiEmulatorLanguage;

/**
 * The page languages, in the order a display name falls back through.
 *
 * @example
 * CONSENT_LANGUAGES.includes('zh-HK') // true
 */
export const CONSENT_LANGUAGES: readonly ConsentLanguage[] = Object.freeze(['en', 'zh-CN', 'zh-TW', 'zh-HK']);

/**
 * The language of the emulator's pages for Mi's `_locale` (`zh_CN`, `zh_TW`, `zh_HK`, `en_US`…; `-`
 * works too, case does not matter). Chinese picks its script by region (`zh_MO` → zh-HK, `zh_SG` → zh-CN)
 * or by script subtag (`zh_Hant`); every other or unknown locale, or none, is English.
 *
 * @example
 * consentLanguage('zh_CN') // 'zh-CN'
 * consentLanguage('zh-Hant-HK') // 'zh-HK'
 * consentLanguage('de_DE') // 'en'
 */
export function consentLanguage(locale: string | undefined): ConsentLanguage {
  const match = /^([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?(?:$|[-_.@])/i.exec(locale?.trim() ?? '');
  if (!match || match[1]?.toLowerCase() !== 'zh') return 'en';
  const script = match[2]?.toLowerCase();
  const region = match[3]?.toUpperCase();
  const hongKongOrMacau = region === 'HK' || region === 'MO';
  if (script === 'hant') return hongKongOrMacau ? 'zh-HK' : 'zh-TW';
  if (script === 'hans') return 'zh-CN';
  if (region === 'TW') return 'zh-TW';
  return hongKongOrMacau ? 'zh-HK' : 'zh-CN';
}

/** Short words (in the heading) and long words (in the list) for a scope. */
interface ScopeText {
  readonly short: string;
  readonly long: string;
}

/**
 * Every visible string of the consent and error pages in one language. Functions take plain text
 * (the pages escape the result).
 *
 * @example
 * const text = consentText('zh_CN');
 * text.allow('Example app', text.list(['profile', 'openid'].map((id) => text.scope(id).short)));
 */
export interface ConsentText {
  readonly lang: ConsentLanguage;
  /** "Mi Account", as the page's brand line. */
  readonly brand: string;
  readonly emulatorNote: string;
  /** Space before a bracketed note: ' ' in English, '' in Chinese (full-width brackets bring their own). */
  readonly gap: string;
  /** The login button's label for this language. */
  readonly signInWithMi: string;
  /** How an app without a display name is named. */
  app(clientID: string): string;
  /** Heading when no data is asked for. */
  signInTo(app: string): string;
  /** Heading: allow the app to access these scopes (already joined by {@link ConsentText.list}). */
  allow(app: string, scopes: string): string;
  readonly noData: string;
  readonly receives: string;
  scopeNote(id: string): string;
  notAvailable(scopes: string): string;
  readonly signInAs: string;
  userNote(id: string): string;
  readonly approve: string;
  readonly deny: string;
  /** "a, b and c" in this language. */
  list(items: readonly string[]): string;
  scope(id: string): ScopeText;
  errorTitle(code: number, name: string): string;
  errorHeading(code: number, name: string): string;
  /** What the codes the authorization page shows itself mean (96001, 96002, 96010), and any other code. */
  readonly errors: Readonly<Record<number, string>> & { readonly other: string };
  /** Label before the technical detail (English, for the developer), or '' for none. */
  readonly detailLabel: string;
}

type ScopeName = keyof typeof SCOPE_IDS;
type ScopeTable = Readonly<Record<ScopeName, readonly [short: string, long: string]>>;

const SCOPES_HANS: ScopeTable = {
  profile: ['个人资料', '你的个人资料：昵称和头像'],
  relation: ['米聊好友列表', '你的米聊好友列表'],
  openid: ['openId', '你的 openId（你的账号在此应用中的 ID）'],
  phone: ['手机号码', '你的手机号码'],
  email: ['邮箱地址', '你的邮箱地址'],
  router: ['小米路由器信息', '你的小米路由器信息'],
  routerAdmin: ['小米路由器管理', '管理你的小米路由器'],
  contacts: ['小米云服务联系人', '你在小米云服务中的联系人'],
  calendar: ['小米云服务日历', '你在小米云服务中的日历'],
  alarms: ['小米云服务闹钟', '你在小米云服务中的闹钟'],
  smartHome: ['米家服务', '你的米家智能家居服务'],
  smartHomeDevices: ['米家设备', '你的米家设备'],
  smartHomeScenes: ['米家场景', '你的米家场景'],
  smartHomeStats: ['米家统计数据', '你的米家统计数据'],
  yellowPages: ['关注黄页服务号', '关注黄页服务号'],
  gallery: ['小米云服务相册', '你在小米云服务中的相册'],
  appData: ['小米云服务中的应用数据', '将应用数据保存到你的小米云服务'],
  ecg: ['心电健康服务', '心电健康服务'],
  fitness: ['小米云服务中的运动数据', '将运动数据保存到你的小米云服务'],
  walletPasses: ['小米钱包卡券', '你的小米钱包卡券和优惠券'],
  xiaoai: ['小爱语音服务', '小爱语音服务'],
  cloudAi: ['云端 AI 服务', '云端 AI 服务'],
};

const SCOPES_HANT: ScopeTable = {
  profile: ['個人資料', '你的個人資料：暱稱和頭像'],
  relation: ['米聊好友列表', '你的米聊好友列表'],
  openid: ['openId', '你的 openId（你的帳號在此應用程式中的 ID）'],
  phone: ['手機號碼', '你的手機號碼'],
  email: ['電子郵件地址', '你的電子郵件地址'],
  router: ['小米路由器資訊', '你的小米路由器資訊'],
  routerAdmin: ['小米路由器管理', '管理你的小米路由器'],
  contacts: ['小米雲服務聯絡人', '你在小米雲服務中的聯絡人'],
  calendar: ['小米雲服務日曆', '你在小米雲服務中的日曆'],
  alarms: ['小米雲服務鬧鐘', '你在小米雲服務中的鬧鐘'],
  smartHome: ['米家服務', '你的米家智慧家庭服務'],
  smartHomeDevices: ['米家裝置', '你的米家裝置'],
  smartHomeScenes: ['米家情境', '你的米家情境'],
  smartHomeStats: ['米家統計資料', '你的米家統計資料'],
  yellowPages: ['關注黃頁服務號', '關注黃頁服務號'],
  gallery: ['小米雲服務相簿', '你在小米雲服務中的相簿'],
  appData: ['小米雲服務中的應用程式資料', '將應用程式資料儲存到你的小米雲服務'],
  ecg: ['心電圖健康服務', '心電圖健康服務'],
  fitness: ['小米雲服務中的運動資料', '將運動資料儲存到你的小米雲服務'],
  walletPasses: ['小米錢包票券', '你的小米錢包票券和優惠券'],
  xiaoai: ['小愛語音服務', '小愛語音服務'],
  cloudAi: ['雲端 AI 服務', '雲端 AI 服務'],
};

const SCOPE_NAMES = new Map<string, ScopeName>(
  (Object.entries(SCOPE_IDS) as [ScopeName, string][]).map(([name, id]) => [id, name]),
);

function chineseScope(table: ScopeTable, id: string, unknown: string): ScopeText {
  const name = SCOPE_NAMES.get(id);
  if (name === undefined) return { short: `${unknown} ${id}`, long: `${unknown} ${id}` };
  const [short, long] = table[name];
  return { short, long };
}

function chineseList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')}和${items[items.length - 1] ?? ''}`;
}

const ENGLISH: ConsentText = {
  lang: 'en',
  brand: 'Mi Account',
  emulatorNote: '(local emulator)',
  gap: ' ',
  signInWithMi: 'Sign in with Mi Account',
  app: (clientID) => `app ${clientID}`,
  signInTo: (app) => `Sign in to ${app} with your Mi Account`,
  allow: (app, scopes) => `Allow ${app} to access your ${scopes}?`,
  noData: 'The app asks for no data beyond signing you in.',
  receives: 'The app will receive:',
  scopeNote: (id) => `(scope ${id})`,
  notAvailable: (scopes) => `Not available to this app (no privacy review): ${scopes}.`,
  signInAs: 'Sign in as',
  userNote: (id) => `(user ${id})`,
  approve: 'Approve',
  deny: 'Deny',
  list: (items) =>
    items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`,
  scope: scopeWords,
  errorTitle: (code, name) => `Mi Account error ${code} ${name}`,
  errorHeading: (code, name) => `Error ${code} ${name}`,
  errors: {
    96001: 'the App ID is unknown, or the account service is not enabled for this app on the Mi developer console',
    96002: 'a required parameter is missing or malformed',
    96010:
      'redirect_uri does not match any redirect URI registered on the Mi developer console (same scheme, port, host or sub-domain, path or sub-path)',
    other: 'the request could not be handled',
  },
  detailLabel: '',
};

const SIMPLIFIED: ConsentText = {
  lang: 'zh-CN',
  brand: '小米账号',
  emulatorNote: '（本地模拟器）',
  gap: '',
  signInWithMi: '使用小米账号登录',
  app: (clientID) => `应用 ${clientID}`,
  signInTo: (app) => `使用小米账号登录“${app}”`,
  allow: (app, scopes) => `允许“${app}”访问你的${scopes}？`,
  noData: '除登录外，该应用不会获取你的任何数据。',
  receives: '该应用将获得：',
  scopeNote: (id) => `（权限 ${id}）`,
  notAvailable: (scopes) => `该应用无权获取（未通过隐私审核）：${scopes}。`,
  signInAs: '选择登录的账号',
  userNote: (id) => `（用户 ${id}）`,
  approve: '同意',
  deny: '拒绝',
  list: chineseList,
  scope: (id) => chineseScope(SCOPES_HANS, id, '权限'),
  errorTitle: (code, name) => `小米账号错误 ${code} ${name}`,
  errorHeading: (code, name) => `错误 ${code} ${name}`,
  errors: {
    96001: '没有使用此 App ID 的应用，或该应用未在小米开放平台启用账号服务',
    96002: '缺少必需的参数，或参数格式有误',
    96010: 'redirect_uri 与该应用在小米开放平台登记的回调地址都不匹配',
    other: '无法处理该请求',
  },
  detailLabel: '详情（供开发者参考）：',
};

const TRADITIONAL: ConsentText = {
  lang: 'zh-TW',
  brand: '小米帳號',
  emulatorNote: '（本機模擬器）',
  gap: '',
  signInWithMi: '使用小米帳號登入',
  app: (clientID) => `應用程式 ${clientID}`,
  signInTo: (app) => `使用小米帳號登入「${app}」`,
  allow: (app, scopes) => `允許「${app}」存取你的${scopes}？`,
  noData: '除了登入之外，此應用程式不會取得你的任何資料。',
  receives: '此應用程式將取得：',
  scopeNote: (id) => `（權限 ${id}）`,
  notAvailable: (scopes) => `此應用程式無權取得（未通過隱私審查）：${scopes}。`,
  signInAs: '選擇登入的帳號',
  userNote: (id) => `（使用者 ${id}）`,
  approve: '同意',
  deny: '拒絕',
  list: chineseList,
  scope: (id) => chineseScope(SCOPES_HANT, id, '權限'),
  errorTitle: (code, name) => `小米帳號錯誤 ${code} ${name}`,
  errorHeading: (code, name) => `錯誤 ${code} ${name}`,
  errors: {
    96001: '沒有使用此 App ID 的應用程式，或此應用程式未在小米開放平台啟用帳號服務',
    96002: '缺少必要的參數，或參數格式有誤',
    96010: 'redirect_uri 與此應用程式在小米開放平台登記的回呼網址皆不相符',
    other: '無法處理此請求',
  },
  detailLabel: '詳細資訊（供開發者參考）：',
};

const TEXTS: Readonly<Record<ConsentLanguage, ConsentText>> = {
  en: ENGLISH,
  'zh-CN': SIMPLIFIED,
  'zh-TW': TRADITIONAL,
  // Hong Kong and Macau write Traditional Chinese; Xiaomi's button says 使用小米帳號登入 there too.
  'zh-HK': { ...TRADITIONAL, lang: 'zh-HK' },
};

/**
 * An app's display names by page language (at least one).
 *
 * @example
 * const names: LocalizedName = { en: 'Example app', 'zh-CN': '示例应用' };
 */
export type LocalizedName = Readonly<Partial<Record<ConsentLanguage, string>>>;

/**
 * The display name for a page language: that language's, else the other Traditional Chinese one
 * (zh-HK ↔ zh-TW), else English, else the first one given.
 *
 * @example
 * localizedName({ en: 'Example app', 'zh-TW': '範例應用程式' }, 'zh-HK') // '範例應用程式'
 * localizedName({ en: 'Example app' }, 'zh-CN') // 'Example app'
 */
export function localizedName(names: LocalizedName, lang: ConsentLanguage): string | undefined {
  const sibling = lang === 'zh-HK' ? names['zh-TW'] : lang === 'zh-TW' ? names['zh-HK'] : undefined;
  return names[lang] ?? sibling ?? names.en ?? Object.values(names)[0];
}

/**
 * The strings of the emulator's pages for Mi's `_locale` (see {@link consentLanguage}).
 *
 * @example
 * consentText('zh_TW').approve // '同意'
 * consentText(undefined).signInAs // 'Sign in as'
 */
export function consentText(locale: string | undefined): ConsentText {
  return TEXTS[consentLanguage(locale)];
}
