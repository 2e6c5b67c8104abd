// Locale negotiation: a language tag or an Accept-Language header to a supported locale, and Mi's `_locale` for it.
// Used by the strategy (`locale: 'auto'`) and the button; the button's label table covers exactly these locales.

// Deprecated or alternative codes browsers and OSes still send (Java/Android use iw and in).
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  iw: 'he',
  in: 'id',
  tl: 'fil',
  no: 'nb',
  nn: 'nb',
  mo: 'ro',
  zsm: 'ms',
  cmn: 'zh',
};

// Mi's `_locale` values (language_REGION, as in real authorize URLs such as `_locale=zh_CN`).
// Languages given without a region get their CLDR "likely" region.
const MI_LOCALES = {
  en: 'en_US',
  'zh-CN': 'zh_CN',
  'zh-TW': 'zh_TW',
  'zh-HK': 'zh_HK',
  es: 'es_ES',
  'pt-BR': 'pt_BR',
  pt: 'pt_PT',
  ru: 'ru_RU',
  id: 'id_ID',
  vi: 'vi_VN',
  th: 'th_TH',
  hi: 'hi_IN',
  bn: 'bn_BD',
  ar: 'ar_EG',
  fa: 'fa_IR',
  he: 'he_IL',
  fr: 'fr_FR',
  de: 'de_DE',
  it: 'it_IT',
  nl: 'nl_NL',
  pl: 'pl_PL',
  cs: 'cs_CZ',
  ro: 'ro_RO',
  hu: 'hu_HU',
  el: 'el_GR',
  tr: 'tr_TR',
  uk: 'uk_UA',
  sv: 'sv_SE',
  da: 'da_DK',
  fi: 'fi_FI',
  nb: 'nb_NO',
  ja: 'ja_JP',
  ko: 'ko_KR',
  ms: 'ms_MY',
  fil: 'fil_PH',
  sk: 'sk_SK',
  bg: 'bg_BG',
  hr: 'hr_HR',
  sr: 'sr_RS',
  sl: 'sl_SI',
  lt: 'lt_LT',
  lv: 'lv_LV',
  et: 'et_EE',
  ca: 'ca_ES',
  ur: 'ur_PK',
  ta: 'ta_IN',
  te: 'te_IN',
  mr: 'mr_IN',
  gu: 'gu_IN',
  kn: 'kn_IN',
  ml: 'ml_IN',
  pa: 'pa_IN',
  ne: 'ne_NP',
  si: 'si_LK',
  kk: 'kk_KZ',
  uz: 'uz_UZ',
  az: 'az_AZ',
  ka: 'ka_GE',
  my: 'my_MM',
  km: 'km_KH',
  lo: 'lo_LA',
  sw: 'sw_TZ',
} as const satisfies Record<string, string>;

/**
 * A supported locale (the button has a label and Mi Account a `_locale` for each): a BCP 47 tag such as `'en'`, `'zh-CN'` or `'pt-BR'`.
 *
 * @useDeclaredType
 * @example
 * const locale: ButtonLocale = resolveButtonLocale('pt_br'); // 'pt-BR'
 */
export type ButtonLocale = keyof typeof MI_LOCALES;

const SUPPORTED = new Map<string, ButtonLocale>(
  (Object.keys(MI_LOCALES) as ButtonLocale[]).map((locale) => [locale.toLowerCase(), locale]),
);

interface ParsedTag {
  language: string;
  script?: string;
  region?: string;
}

function parseTag(input: string): ParsedTag | undefined {
  // POSIX forms like `zh_CN.UTF-8` or `de_DE@euro` carry an encoding/modifier we do not need.
  const cleaned = input
    .trim()
    .replace(/[.@].*$/s, '')
    .replace(/_/g, '-');
  if (cleaned.length > 64 || !/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(cleaned)) return undefined;
  const [first = '', ...rest] = cleaned.split('-');
  const lower = first.toLowerCase();
  const tag: ParsedTag = { language: LANGUAGE_ALIASES[lower] ?? lower };
  for (const subtag of rest) {
    if (subtag.length === 1) break; // extensions (-u-…, -x-…) say nothing about the language
    if (tag.script === undefined && tag.region === undefined && /^[A-Za-z]{4}$/.test(subtag)) {
      tag.script = subtag.charAt(0).toUpperCase() + subtag.slice(1).toLowerCase();
    } else if (tag.region === undefined && /^(?:[A-Za-z]{2}|\d{3})$/.test(subtag)) {
      tag.region = subtag.toUpperCase();
    }
  }
  return tag;
}

function chineseLocale({ script, region }: ParsedTag): ButtonLocale {
  const hongKongOrMacau = region === 'HK' || region === 'MO';
  if (script === 'Hant') return hongKongOrMacau ? 'zh-HK' : 'zh-TW';
  if (script === 'Hans') return 'zh-CN';
  if (region === 'TW') return 'zh-TW';
  return hongKongOrMacau ? 'zh-HK' : 'zh-CN';
}

/**
 * The supported locale for a language tag, or `undefined` when the language has no label.
 * Case-insensitive, accepts `_` or `-`, falls back from a region to its language and picks the
 * Chinese variant by script and region (`zh-Hant` → zh-TW, `zh-MO` → zh-HK, `zh-SG` → zh-CN).
 *
 * @example
 * matchButtonLocale('fr-CA') // 'fr'
 * matchButtonLocale('xx')    // undefined
 */
export function matchButtonLocale(locale: string | null | undefined): ButtonLocale | undefined {
  if (typeof locale !== 'string') return undefined;
  const tag = parseTag(locale);
  if (tag === undefined) return undefined;
  if (tag.language === 'zh') return chineseLocale(tag);
  if (tag.language === 'yue') return 'zh-HK'; // Cantonese is written in Traditional Chinese
  const candidates = [tag.region, tag.script]
    .filter((part): part is string => part !== undefined)
    .map((part) => `${tag.language}-${part}`.toLowerCase());
  for (const candidate of [...candidates, tag.language]) {
    const found = SUPPORTED.get(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The supported locale for a language tag, falling back to `'en'`.
 *
 * @example
 * resolveButtonLocale('zh_CN')   // 'zh-CN'
 * resolveButtonLocale('es-MX')   // 'es'
 * resolveButtonLocale('zh-Hant') // 'zh-TW'
 * resolveButtonLocale('tlh')     // 'en'
 */
export function resolveButtonLocale(locale: string | null | undefined): ButtonLocale {
  return matchButtonLocale(locale) ?? 'en';
}

const MAX_HEADER_LENGTH = 4096;
const MAX_ENTRIES = 64;
const LANGUAGE_RANGE = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The best supported locale for an `Accept-Language` header, or `'en'`. Entries are ranked by
 * q-value (ties keep header order); `*`, `q=0` and malformed entries are ignored.
 *
 * @example
 * localeFromAcceptLanguage('de-CH;q=0.8, fr-CA, en;q=0.5') // 'fr'
 * localeFromAcceptLanguage(req.headers['accept-language'])  // 'en' when absent
 */
export function localeFromAcceptLanguage(header: string | readonly string[] | null | undefined): ButtonLocale {
  const text = typeof header === 'string' ? header : Array.isArray(header) ? header.join(',') : '';
  const ranked: { tag: string; q: number; index: number }[] = [];
  const entries = text.slice(0, MAX_HEADER_LENGTH).split(',').slice(0, MAX_ENTRIES);
  entries.forEach((entry, index) => {
    const [rawTag = '', ...params] = entry.split(';').map((part) => part.trim());
    if (rawTag === '*' || !LANGUAGE_RANGE.test(rawTag)) return;
    let q = 1;
    for (const param of params) {
      if (!/^q=/i.test(param)) continue; // other parameters are not defined for Accept-Language
      const match = QVALUE.exec(param);
      if (match === null) return;
      q = Number(match[1]);
    }
    if (q > 0) ranked.push({ tag: rawTag, q, index });
  });
  ranked.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = matchButtonLocale(tag);
    if (locale !== undefined) return locale;
  }
  return 'en';
}

/**
 * Mi Account's `_locale` value (`language_REGION`) for a locale; unknown locales give `'en_US'`.
 * The strategy's `locale: 'auto'` uses it with {@link localeFromAcceptLanguage}.
 *
 * @example
 * toMiLocale('zh-CN')  // 'zh_CN'
 * toMiLocale('pt-br')  // 'pt_BR'
 * toMiLocale('es-MX')  // 'es_ES'
 * toMiLocale(localeFromAcceptLanguage('ja,en;q=0.8')) // 'ja_JP'
 */
export function toMiLocale(locale: string | null | undefined): string {
  return MI_LOCALES[resolveButtonLocale(locale)];
}
