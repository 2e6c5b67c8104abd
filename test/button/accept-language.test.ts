import { localeFromAcceptLanguage } from '../../lib/button';

describe('localeFromAcceptLanguage', () => {
  test.each([undefined, null, '', '   ', ','])('returns en for the empty header %j', (header) => {
    expect(localeFromAcceptLanguage(header)).toBe('en');
  });

  test('takes the first language when there are no q-values', () => {
    expect(localeFromAcceptLanguage('ja, ko, de')).toBe('ja');
  });

  test('ranks by q-value, not header order', () => {
    expect(localeFromAcceptLanguage('de;q=0.5, ja;q=0.9, ko;q=0.7')).toBe('ja');
  });

  test('treats a missing q as 1', () => {
    expect(localeFromAcceptLanguage('de;q=0.9, vi')).toBe('vi');
  });

  test('keeps header order between equal q-values', () => {
    expect(localeFromAcceptLanguage('ko;q=0.8, ja;q=0.8')).toBe('ko');
  });

  test('picks the first supported language of typical browser headers (fr-CA → fr, zh-TW, pt-BR)', () => {
    expect(localeFromAcceptLanguage('fr-CA,fr;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('fr');
    expect(localeFromAcceptLanguage('zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('zh-TW');
    expect(localeFromAcceptLanguage('pt-BR,pt;q=0.9')).toBe('pt-BR');
  });

  test('skips unsupported languages and uses the next supported one', () => {
    expect(localeFromAcceptLanguage('tlh, xx-YY;q=0.9, de;q=0.1')).toBe('de');
  });

  test('ignores the * wildcard', () => {
    expect(localeFromAcceptLanguage('*, de;q=0.5')).toBe('de');
    expect(localeFromAcceptLanguage('*')).toBe('en');
  });

  test('ignores entries with q=0 (explicitly not acceptable)', () => {
    expect(localeFromAcceptLanguage('ja;q=0, de;q=0.1')).toBe('de');
    expect(localeFromAcceptLanguage('ja;q=0.000, de;q=0.001')).toBe('de');
    expect(localeFromAcceptLanguage('ja;q=0, tlh')).toBe('en');
  });

  test.each(['q=2', 'q=1.5', 'q=-1', 'q=abc', 'q=0.12345', 'q=', 'q=.5', 'q=1.001'])(
    'ignores an entry with the invalid %s',
    (q) => {
      expect(localeFromAcceptLanguage(`ja;${q}, de;q=0.1`)).toBe('de');
    },
  );

  test('accepts q in upper case and spaces around separators', () => {
    expect(localeFromAcceptLanguage('  de ;  Q=0.2 , zh-Hant-TW ; q=0.9 ')).toBe('zh-TW');
  });

  test.each([
    [';;,,, de', 'de'],
    ['ja?!, ko', 'ko'],
    ['"><script>alert(1)</script>, zh-HK', 'zh-HK'],
    ['en_US, fr', 'fr'],
    ['123, it', 'it'],
    ['de-, nl', 'nl'],
  ])('ignores junk in %j', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  test('returns en when nothing in the header is supported or valid', () => {
    expect(localeFromAcceptLanguage('tlh, x-klingon, ;q=1, $$$')).toBe('en');
  });

  test('accepts a header given as an array of values', () => {
    expect(localeFromAcceptLanguage(['xx', 'nl;q=0.4, sv;q=0.6'])).toBe('sv');
  });

  test('reads only the first 4 KiB of a huge header, quickly', () => {
    const started = Date.now();
    expect(localeFromAcceptLanguage(`${'xx,'.repeat(200_000)}de`)).toBe('en');
    expect(localeFromAcceptLanguage(`tr;q=0.5,${'xx;q=0.9,'.repeat(200_000)}`)).toBe('tr');
    expect(Date.now() - started).toBeLessThan(500);
  });
});
