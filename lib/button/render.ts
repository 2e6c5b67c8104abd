import { checkButtonHref, escapeHtml } from './html';
import { BUTTON_LABELS } from './labels';
import { resolveButtonLocale } from '../protocol/locale';
import { buttonDirection } from './locale';
import { miAccountMark } from './mark';
import { BUTTON_CLASS_PREFIX, miAccountButtonStyles } from './styles';
import { BUTTON_SIZES, BUTTON_THEMES, type ButtonSize, type ButtonTheme } from './theme';

/**
 * Options of {@link miAccountButton}.
 *
 * @example
 * const options: MiAccountButtonOptions = { href: '/auth/mi', locale: 'zh-CN', theme: 'light' };
 */
export interface MiAccountButtonOptions {
  /** Where the login starts (the route calling `passport.authenticate('mi-account')`): relative or http(s). */
  href: string;
  /** Language tag for the label and `lang`/`dir`, e.g. `'zh-CN'`, `'pt_BR'`; unknown → English. */
  locale?: string | undefined;
  /** Default `'orange'`. */
  theme?: ButtonTheme | undefined;
  /** Default `'medium'` (44 px tall). */
  size?: ButtonSize | undefined;
  /** Custom text instead of the localized label (pass `locale` in the same language). Blank → localized label. */
  label?: string | undefined;
  /** Extra classes for the link, space-separated. */
  className?: string | undefined;
  /** Stretch to the width of the container. Default `false`. */
  fullWidth?: boolean | undefined;
  /** Prepend the `<style>` block. Default `true`; use `false` plus {@link miAccountButtonStyles} for many buttons. */
  includeStyles?: boolean | undefined;
  /** CSP nonce for the `<style>` block, when the page's Content-Security-Policy requires one. */
  styleNonce?: string | undefined;
}

function oneOf<T extends string>(value: unknown, allowed: Readonly<Record<T, unknown>>, fallback: T, name: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(allowed, value)) return value as T;
  throw new TypeError(
    `miAccountButton: "${name}" must be one of ${Object.keys(allowed)
      .map((key) => `'${key}'`)
      .join(', ')}, got ${typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeof value}`,
  );
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new TypeError(`miAccountButton: "${name}" must be a string, got ${typeof value}`);
  return value;
}

/**
 * The HTML of a "Sign in with Mi Account" link-button: a scoped `<style>` block (unless
 * `includeStyles: false`) followed by an `<a href>` with the localized label, `lang` and `dir`,
 * and a decorative SVG mark. Every user-provided value is HTML-escaped; `href` must be relative
 * or http(s) (`javascript:`, `data:`, `vbscript:`… throw a TypeError).
 *
 * @example
 * miAccountButton({ href: '/auth/mi', locale: localeFromAcceptLanguage(req.headers['accept-language']) })
 * // '<style>…</style><a class="mi-account-btn mi-account-btn--orange mi-account-btn--medium"
 * //   href="/auth/mi" lang="zh-CN" dir="ltr"><svg …></svg><span …>使用小米账号登录</span></a>'
 */
export function miAccountButton(options: MiAccountButtonOptions): string {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('miAccountButton: expected an options object such as { href: "/auth/mi" }');
  }
  const href = checkButtonHref(options.href);
  const theme = oneOf<ButtonTheme>(options.theme, BUTTON_THEMES, 'orange', 'theme');
  const size = oneOf<ButtonSize>(options.size, BUTTON_SIZES, 'medium', 'size');
  const locale = resolveButtonLocale(optionalString(options.locale, 'locale'));
  const customLabel = optionalString(options.label, 'label')?.trim();
  const label = customLabel !== undefined && customLabel !== '' ? customLabel : BUTTON_LABELS[locale];
  const extraClasses = (optionalString(options.className, 'className') ?? '').split(/\s+/).filter(Boolean);
  const nonce = optionalString(options.styleNonce, 'styleNonce');

  const classes = [
    BUTTON_CLASS_PREFIX,
    `${BUTTON_CLASS_PREFIX}--${theme}`,
    `${BUTTON_CLASS_PREFIX}--${size}`,
    ...(options.fullWidth === true ? [`${BUTTON_CLASS_PREFIX}--full`] : []),
    ...extraClasses,
  ];
  const style =
    options.includeStyles === false
      ? ''
      : `<style${nonce === undefined ? '' : ` nonce="${escapeHtml(nonce)}"`}>${miAccountButtonStyles()}</style>`;
  return (
    style +
    `<a class="${escapeHtml(classes.join(' '))}" href="${escapeHtml(href)}"` +
    ` lang="${locale}" dir="${buttonDirection(locale)}">` +
    miAccountMark(theme, size) +
    `<span class="${BUTTON_CLASS_PREFIX}__label">${escapeHtml(label)}</span>` +
    `</a>`
  );
}
