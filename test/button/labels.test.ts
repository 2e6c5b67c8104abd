import { BUTTON_LABELS, BUTTON_LOCALES, RTL_BUTTON_LOCALES, buttonLabel, miAccountButton } from '../../lib/button';
import { expectEvery } from './support/every';
import { accessibleText, startTagAttributes } from './support/html';

// prettier-ignore
const REQUIRED = [
  'zh-CN', 'zh-TW', 'zh-HK', 'en', 'es', 'pt-BR', 'pt', 'ru', 'id', 'vi', 'th', 'hi', 'bn', 'ar', 'fa', 'he', 'fr',
  'de', 'it', 'nl', 'pl', 'cs', 'ro', 'hu', 'el', 'tr', 'uk', 'sv', 'da', 'fi', 'nb', 'ja', 'ko', 'ms', 'fil',
];

// Languages whose button really reads the same as the English one (none so far besides English).
const SAME_AS_ENGLISH = new Set(['en']);
const RTL = ['ar', 'fa', 'he', 'ur'];

// The script each non-Latin label must be written in (catches a label pasted under the wrong key).
// prettier-ignore
const SCRIPTS: Record<string, RegExp> = {
  'zh-CN': /\p{Script=Han}/u, 'zh-TW': /\p{Script=Han}/u, 'zh-HK': /\p{Script=Han}/u,
  ja: /\p{Script=Katakana}/u, ko: /\p{Script=Hangul}/u,
  ru: /\p{Script=Cyrillic}/u, uk: /\p{Script=Cyrillic}/u, bg: /\p{Script=Cyrillic}/u, sr: /\p{Script=Cyrillic}/u,
  kk: /\p{Script=Cyrillic}/u, el: /\p{Script=Greek}/u, he: /\p{Script=Hebrew}/u,
  ar: /\p{Script=Arabic}/u, fa: /\p{Script=Arabic}/u, ur: /\p{Script=Arabic}/u,
  hi: /\p{Script=Devanagari}/u, mr: /\p{Script=Devanagari}/u, ne: /\p{Script=Devanagari}/u,
  bn: /\p{Script=Bengali}/u, ta: /\p{Script=Tamil}/u, te: /\p{Script=Telugu}/u, gu: /\p{Script=Gujarati}/u,
  kn: /\p{Script=Kannada}/u, ml: /\p{Script=Malayalam}/u, pa: /\p{Script=Gurmukhi}/u, si: /\p{Script=Sinhala}/u,
  th: /\p{Script=Thai}/u, lo: /\p{Script=Lao}/u, km: /\p{Script=Khmer}/u, my: /\p{Script=Myanmar}/u,
  ka: /\p{Script=Georgian}/u,
};

describe('button label table', () => {
  test('covers at least 35 locales, including every required one', () => {
    expect(BUTTON_LOCALES.length).toBeGreaterThanOrEqual(35);
    expect(BUTTON_LOCALES).toEqual(expect.arrayContaining(REQUIRED));
  });

  test('uses Xiaomi wording for Chinese', () => {
    expect(BUTTON_LABELS['zh-CN']).toBe('使用小米账号登录');
    expect(BUTTON_LABELS['zh-TW']).toBe('使用小米帳號登入');
    expect(BUTTON_LABELS['zh-HK']).toBe('使用小米帳號登入');
    expect(BUTTON_LABELS.en).toBe('Sign in with Mi Account');
  });

  test('marks exactly Arabic, Persian, Hebrew and Urdu as right-to-left', () => {
    expect([...RTL_BUTTON_LOCALES].sort()).toEqual([...RTL].sort());
  });

  test('gives every language its own label (only zh-TW and zh-HK share one)', () => {
    const byLabel = new Map<string, string[]>();
    for (const locale of BUTTON_LOCALES) {
      byLabel.set(BUTTON_LABELS[locale], [...(byLabel.get(BUTTON_LABELS[locale]) ?? []), locale]);
    }
    const shared = [...byLabel.values()].filter((locales) => locales.length > 1);
    expect(shared).toEqual([['zh-TW', 'zh-HK']]);
  });

  test('has a script check for every supported non-Latin locale', () => {
    const latin = BUTTON_LOCALES.filter((locale) => /^[\p{Script=Latin}\s\p{P}]+$/u.test(BUTTON_LABELS[locale]));
    const nonLatin = BUTTON_LOCALES.filter((locale) => !latin.includes(locale));
    expect(nonLatin.filter((locale) => SCRIPTS[locale] === undefined)).toEqual([]);
  });

  // Each property below holds for every locale in BUTTON_LOCALES; a failure names each locale that breaks it.

  test('every locale renders its own label as the link text, and buttonLabel returns the same label', () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      expect(accessibleText(miAccountButton({ href: '/auth/mi', locale }))).toBe(BUTTON_LABELS[locale]);
      expect(buttonLabel(locale)).toBe(BUTTON_LABELS[locale]);
    });
  });

  test('every label is trimmed, single-spaced, longer than 3 characters and names the Mi Account brand', () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      const label = BUTTON_LABELS[locale];
      expect(label.trim()).toBe(label);
      expect(label).not.toMatch(/\s{2}/);
      expect(label.length).toBeGreaterThan(3);
      expect(label).toMatch(/Mi|小米/);
    });
  });

  test('every label is translated: it differs from English unless the language uses the English text', () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      if (SAME_AS_ENGLISH.has(locale)) expect(BUTTON_LABELS[locale]).toBe(BUTTON_LABELS.en);
      else expect(BUTTON_LABELS[locale]).not.toBe(BUTTON_LABELS.en);
    });
  });

  test("every label is written in its locale's script (Latin unless the locale has a script check)", () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      const script = SCRIPTS[locale];
      if (script !== undefined) expect(BUTTON_LABELS[locale]).toMatch(script);
      else expect(BUTTON_LABELS[locale]).toMatch(/^[\p{Script=Latin}\s\p{P}]+$/u);
    });
  });

  test('every locale sets lang to itself, and dir to rtl exactly for Arabic, Persian, Hebrew and Urdu', () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      const link = startTagAttributes(miAccountButton({ href: '/auth/mi', locale }), 'a');
      expect(link.get('lang')).toBe(locale);
      expect(link.get('dir')).toBe(RTL.includes(locale) ? 'rtl' : 'ltr');
    });
  });
});
