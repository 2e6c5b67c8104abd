import { resolveButtonLocale } from '../protocol/locale';
import { BUTTON_LABELS, RTL_BUTTON_LOCALES } from './labels';

// Kept so that existing imports compile; negotiation lives in lib/locale.ts.
export { matchButtonLocale, resolveButtonLocale, localeFromAcceptLanguage, toMiLocale } from '../protocol/locale';

/**
 * The text direction of a locale's button label (`'rtl'` for Arabic, Persian, Hebrew, Urdu).
 *
 * @example
 * buttonDirection('ar-SA') // 'rtl'
 * buttonDirection('de')    // 'ltr'
 */
export function buttonDirection(locale: string | null | undefined): 'ltr' | 'rtl' {
  return RTL_BUTTON_LOCALES.has(resolveButtonLocale(locale)) ? 'rtl' : 'ltr';
}

/**
 * The localized "Sign in with Mi Account" label for any language tag (English when unknown).
 *
 * @example
 * buttonLabel('zh-TW') // '使用小米帳號登入'
 */
export function buttonLabel(locale: string | null | undefined): string {
  return BUTTON_LABELS[resolveButtonLocale(locale)];
}
