import { BUTTON_SIZES, BUTTON_THEMES, type ButtonSize, type ButtonTheme } from './theme';

/**
 * The class every button carries; every selector of the stylesheet starts with it.
 *
 * @example
 * document.querySelectorAll(`.${BUTTON_CLASS_PREFIX}`)
 */
export const BUTTON_CLASS_PREFIX = 'mi-account-btn';

const P = `.${BUTTON_CLASS_PREFIX}`;
const FONT_STACK =
  'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans Devanagari",' +
  '"PingFang SC","Microsoft YaHei","Helvetica Neue",Arial,sans-serif';

function rule(selectors: readonly string[], declarations: Readonly<Record<string, string>>): string {
  const body = Object.entries(declarations)
    .map(([property, value]) => `${property}:${value}`)
    .join(';');
  return `${selectors.join(',')}{${body}}`;
}

function themeRules(theme: ButtonTheme): string[] {
  const c = BUTTON_THEMES[theme];
  // Doubled class beats host rules such as `a:visited` or `a:hover` (specificity 0,1,1).
  const t = `${P}${P}--${theme}`;
  return [
    rule([t, `${t}:visited`], { color: c.text, 'background-color': c.background, 'border-color': c.border }),
    rule([`${t}:hover`], { color: c.text, 'background-color': c.hoverBackground }),
    rule([`${t}:active`], { color: c.text, 'background-color': c.activeBackground }),
    rule([`${t}:focus-visible`], {
      outline: `3px solid ${c.focusRing}`,
      'outline-offset': '2px',
      'box-shadow': `0 0 0 2px ${c.focusRingInner}`,
    }),
  ];
}

function sizeRules(size: ButtonSize): string[] {
  const m = BUTTON_SIZES[size];
  const s = `${P}${P}--${size}`;
  return [
    rule([s], {
      'min-height': `${m.minHeight}px`,
      'padding-block': '4px',
      'padding-inline': `${m.paddingInline}px`,
      gap: `${m.gap}px`,
      'font-size': `${m.fontSize}px`,
      'border-radius': `${m.borderRadius}px`,
    }),
    rule([`${s} ${P}__mark`], { width: `${m.markSize}px`, height: `${m.markSize}px` }),
  ];
}

function buildStylesheet(): string {
  return [
    rule([P], {
      'box-sizing': 'border-box',
      display: 'inline-flex',
      'align-items': 'center',
      'justify-content': 'center',
      'max-width': '100%',
      margin: '0',
      border: '1px solid transparent',
      'font-family': FONT_STACK,
      'font-weight': '600',
      'line-height': '1.25',
      'text-align': 'center',
      'text-decoration': 'none',
      'white-space': 'normal',
      'vertical-align': 'middle',
      cursor: 'pointer',
      transition: 'background-color .15s ease-in-out',
    }),
    rule([`${P}:hover`, `${P}:focus`, `${P}:active`], { 'text-decoration': 'none' }),
    // Fallback ring for a button whose theme class was removed; themes override the colours.
    rule([`${P}:focus-visible`], { outline: '3px solid #1F1F1F', 'outline-offset': '2px' }),
    ...(['orange', 'light', 'dark'] as const).flatMap(themeRules),
    ...(['small', 'medium', 'large'] as const).flatMap(sizeRules),
    rule([`${P}${P}--full`], { display: 'flex', width: '100%' }),
    rule([`${P}__mark`], { flex: 'none', display: 'block' }),
    rule([`${P}__label`], { 'min-width': '0', 'overflow-wrap': 'anywhere' }),
    `@media (prefers-reduced-motion:reduce){${rule([P], { transition: 'none' })}}`,
  ].join('\n');
}

const STYLESHEET = buildStylesheet();

/**
 * The button's CSS, to include once per page when rendering buttons with
 * `includeStyles: false` (or to serve as a file for a strict Content-Security-Policy).
 * Every selector is scoped under `.mi-account-btn`.
 *
 * @example
 * const html = `<style>${miAccountButtonStyles()}</style>` +
 *   miAccountButton({ href: '/auth/mi', includeStyles: false });
 */
export function miAccountButtonStyles(): string {
  return STYLESHEET;
}
