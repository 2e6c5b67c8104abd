import { join, resolve } from 'node:path';
import { localeFromAcceptLanguage as fromButton, toMiLocale as toMiFromButton } from '../../lib/button';
import { localeFromAcceptLanguage, toMiLocale } from '../../lib/protocol/locale';
import { libClosure } from '../helpers/browser-sandbox';

const LIB = resolve(__dirname, '..', '..', 'lib', 'protocol');

describe('lib/locale (Accept-Language → Mi `_locale`, for the strategy and the button)', () => {
  it('negotiates an Accept-Language header into Mi Account’s _locale', () => {
    expect(toMiLocale(localeFromAcceptLanguage('de-CH;q=0.8, zh-Hant-HK, en;q=0.5'))).toBe('zh_HK');
  });

  it('needs nothing from the button', () => {
    const reached = [...libClosure(join(LIB, 'locale.ts')).keys()].filter((file) => file !== join(LIB, 'locale.ts'));
    expect(reached).toEqual([]);
  });

  it('is what lib/button still exports under the same names', () => {
    expect(fromButton).toBe(localeFromAcceptLanguage);
    expect(toMiFromButton).toBe(toMiLocale);
  });
});
