import fc from 'fast-check';
import { BUTTON_LOCALES, buttonDirection, matchButtonLocale, resolveButtonLocale, toMiLocale } from '../../lib/button';
import { anyText } from '../helpers/arbitraries';
import { expectEvery } from './support/every';

describe('resolveButtonLocale', () => {
  test.each([
    ['en', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['zh_tw', 'zh-TW'],
    ['pt-br', 'pt-BR'],
    ['pt_BR', 'pt-BR'],
    ['PT-BR', 'pt-BR'],
    ['FIL', 'fil'],
  ])('matches %s case-insensitively with _ or - to %s', (input, expected) => {
    expect(resolveButtonLocale(input)).toBe(expected);
  });

  test.each([
    ['fr-CA', 'fr'],
    ['es-MX', 'es'],
    ['es-419', 'es'],
    ['en-GB', 'en'],
    ['de-AT', 'de'],
    ['ar-SA', 'ar'],
    ['pt-PT', 'pt'],
    ['pt-AO', 'pt'],
    ['nb-NO', 'nb'],
    ['ms-MY', 'ms'],
    ['sr-Latn-RS', 'sr'],
  ])('falls back from the region %s to the language %s', (input, expected) => {
    expect(resolveButtonLocale(input)).toBe(expected);
  });

  test.each([
    ['zh', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-MY', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['zh-Hant', 'zh-TW'],
    ['zh-Hant-TW', 'zh-TW'],
    ['zh_Hant_HK', 'zh-HK'],
    ['zh-Hant-MO', 'zh-HK'],
    ['zh-MO', 'zh-HK'],
    ['zh-HK', 'zh-HK'],
    ['yue-HK', 'zh-HK'],
    ['cmn-Hans-CN', 'zh-CN'],
  ])('picks the Chinese variant of %s by script and region: %s', (input, expected) => {
    expect(resolveButtonLocale(input)).toBe(expected);
  });

  test.each([
    ['iw', 'he'],
    ['in-ID', 'id'],
    ['tl', 'fil'],
    ['no', 'nb'],
    ['nn-NO', 'nb'],
  ])('understands the legacy or alternative code %s as %s', (input, expected) => {
    expect(resolveButtonLocale(input)).toBe(expected);
  });

  test.each([
    ['zh_CN.UTF-8', 'zh-CN'],
    ['de_DE@euro', 'de'],
    ['ja-JP-u-ca-japanese', 'ja'],
    ['  ko-KR  ', 'ko'],
  ])('reads the language of %s (POSIX suffixes, extensions, spaces)', (input, expected) => {
    expect(resolveButtonLocale(input)).toBe(expected);
  });

  test.each(['tlh', 'xx-YY', '', '   ', '*', 'x-private', 'de--DE', 'de DE', '"><script>', 'e'])(
    'falls back to English for the unknown or malformed %j',
    (input) => {
      expect(matchButtonLocale(input)).toBeUndefined();
      expect(resolveButtonLocale(input)).toBe('en');
    },
  );

  test('falls back to English for undefined and null', () => {
    expect(resolveButtonLocale(undefined)).toBe('en');
    expect(resolveButtonLocale(null)).toBe('en');
  });

  test('resolves every supported locale to itself', () => {
    for (const locale of BUTTON_LOCALES) expect(resolveButtonLocale(locale)).toBe(locale);
  });

  test('resolves every supported locale to itself whatever the letter case and with _ or - between subtags', () => {
    const spelling = fc.record({
      locale: fc.constantFrom(...BUTTON_LOCALES),
      upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      separator: fc.constantFrom('-', '_'),
    });
    fc.assert(
      fc.property(spelling, ({ locale, upper, separator }) => {
        const spelled = [...locale.replace('-', separator)]
          .map((char, i) => (upper[i] ? char.toUpperCase() : char.toLowerCase()))
          .join('');
        expect(resolveButtonLocale(spelled)).toBe(locale);
      }),
      { numRuns: 500 },
    );
  });

  test('resolves any string to a supported locale, agreeing with matchButtonLocale when that finds one', () => {
    fc.assert(
      fc.property(anyText({ maxLength: 40 }), (input) => {
        const resolved = resolveButtonLocale(input);
        expect(BUTTON_LOCALES).toContain(resolved);
        expect(resolved).toBe(matchButtonLocale(input) ?? 'en');
      }),
    );
  });
});

describe('buttonDirection', () => {
  test.each([
    ['ar-EG', 'rtl'],
    ['fa', 'rtl'],
    ['he-IL', 'rtl'],
    ['iw', 'rtl'],
    ['ur-PK', 'rtl'],
    ['en', 'ltr'],
    ['zh-CN', 'ltr'],
    ['unknown', 'ltr'],
  ])('gives %s the direction %s', (input, expected) => {
    expect(buttonDirection(input)).toBe(expected);
  });
});

describe('toMiLocale', () => {
  test.each([
    ['zh-CN', 'zh_CN'],
    ['zh-TW', 'zh_TW'],
    ['zh-HK', 'zh_HK'],
    ['zh-Hant', 'zh_TW'],
    ['en', 'en_US'],
    ['en-GB', 'en_US'],
    ['pt-br', 'pt_BR'],
    ['pt-PT', 'pt_PT'],
    ['es', 'es_ES'],
    ['es-MX', 'es_ES'],
    ['ru', 'ru_RU'],
    ['id', 'id_ID'],
    ['in', 'id_ID'],
    ['ja', 'ja_JP'],
    ['fil', 'fil_PH'],
    ['nb', 'nb_NO'],
  ])('maps %s to %s', (input, expected) => {
    expect(toMiLocale(input)).toBe(expected);
  });

  test('maps unknown and missing locales to en_US', () => {
    expect(toMiLocale('tlh')).toBe('en_US');
    expect(toMiLocale(undefined)).toBe('en_US');
  });

  test('maps every supported locale to language_REGION of the same language (and region, when it has one)', () => {
    expectEvery(BUTTON_LOCALES, (locale) => {
      const mi = toMiLocale(locale);
      expect(mi).toMatch(/^[a-z]{2,3}_[A-Z]{2}$/);
      expect(mi.split('_')[0]).toBe(locale.split('-')[0]);
      const region = locale.split('-')[1];
      if (region !== undefined) expect(mi.split('_')[1]).toBe(region);
    });
  });

  test('maps any input at all to a language_REGION value', () => {
    fc.assert(
      fc.property(fc.option(anyText({ maxLength: 40 })), (input) => {
        expect(toMiLocale(input ?? undefined)).toMatch(/^[a-z]{2,3}_[A-Z]{2}$/);
      }),
    );
  });
});
