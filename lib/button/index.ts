export { miAccountButton, type MiAccountButtonOptions } from './render';
export { miAccountButtonStyles, BUTTON_CLASS_PREFIX } from './styles';
export { BUTTON_LABELS, BUTTON_LOCALES, RTL_BUTTON_LOCALES, type ButtonLocale } from './labels';
export {
  resolveButtonLocale,
  matchButtonLocale,
  localeFromAcceptLanguage,
  toMiLocale,
  buttonDirection,
  buttonLabel,
} from './locale';
export {
  BUTTON_THEMES,
  BUTTON_SIZES,
  type ButtonTheme,
  type ButtonSize,
  type ButtonThemePalette,
  type ButtonSizeMetrics,
} from './theme';
