/**
 * `passport-mi-account/button`: the "Sign in with Mi Account" button (accessible, self-contained HTML, labels in 60+
 * locales) and the helpers that pick its locale.
 *
 * @example
 * import { miAccountButton, localeFromAcceptLanguage } from 'passport-mi-account/button';
 * const html = miAccountButton({ href: '/auth/mi', locale: localeFromAcceptLanguage(req.headers['accept-language']) });
 *
 * @module button
 */
export {
  miAccountButton,
  miAccountButtonStyles,
  localeFromAcceptLanguage,
  toMiLocale,
  BUTTON_LOCALES,
} from '../button';
export type { MiAccountButtonOptions, ButtonLocale, ButtonSize, ButtonTheme } from '../button';
