/**
 * Colour theme of the button: `'orange'` (Xiaomi-style), `'light'` (white, for light pages) or
 * `'dark'` (near-black, for dark pages).
 *
 * @example
 * const theme: ButtonTheme = 'dark';
 */
export type ButtonTheme = 'orange' | 'light' | 'dark';

/**
 * Size of the button. `'medium'` and `'large'` are at least 44 px tall (touch target size);
 * `'small'` is 32 px, above the 24 px WCAG 2.2 minimum, for dense toolbars.
 *
 * @example
 * miAccountButton({ href: '/auth/mi', size: 'large' });
 */
export type ButtonSize = 'small' | 'medium' | 'large';

/**
 * The colours of one theme, as `#RRGGBB`. The stylesheet and the SVG mark use exactly these.
 *
 * @example
 * BUTTON_THEMES.orange.background // '#C24E00'
 */
export interface ButtonThemePalette {
  /** Label colour; ≥ 4.5:1 against `background`, `hoverBackground` and `activeBackground`. */
  readonly text: string;
  readonly background: string;
  readonly hoverBackground: string;
  readonly activeBackground: string;
  readonly border: string;
  /** Outer ring of the two-tone `:focus-visible` indicator. */
  readonly focusRing: string;
  /** Inner ring, between the button and `focusRing`, so one ring shows on any page colour. */
  readonly focusRingInner: string;
  readonly markBackground: string;
  readonly markForeground: string;
}

/**
 * The palette of every theme.
 *
 * @example
 * BUTTON_THEMES.dark.text // '#FFFFFF'
 */
export const BUTTON_THEMES: Readonly<Record<ButtonTheme, ButtonThemePalette>> = Object.freeze({
  // Xiaomi's #FF6900 gives white text only 2.9:1, so the button uses a deeper orange (4.8:1).
  orange: Object.freeze({
    text: '#FFFFFF',
    background: '#C24E00',
    hoverBackground: '#A84300',
    activeBackground: '#8F3900',
    border: '#C24E00',
    focusRing: '#1F1F1F',
    focusRingInner: '#FFFFFF',
    markBackground: '#FFFFFF',
    markForeground: '#C24E00',
  }),
  light: Object.freeze({
    text: '#1F1F1F',
    background: '#FFFFFF',
    hoverBackground: '#F2F2F2',
    activeBackground: '#E6E6E6',
    border: '#747775',
    focusRing: '#1F1F1F',
    focusRingInner: '#FFFFFF',
    markBackground: '#E65C00',
    markForeground: '#FFFFFF',
  }),
  dark: Object.freeze({
    text: '#FFFFFF',
    background: '#1F1F1F',
    hoverBackground: '#333333',
    activeBackground: '#474747',
    border: '#8E918F',
    focusRing: '#A8C7FA',
    focusRingInner: '#131314',
    markBackground: '#E65C00',
    markForeground: '#FFFFFF',
  }),
});

/**
 * Pixel metrics of one size.
 *
 * @example
 * BUTTON_SIZES.medium.minHeight // 44
 */
export interface ButtonSizeMetrics {
  readonly minHeight: number;
  readonly fontSize: number;
  readonly paddingInline: number;
  readonly gap: number;
  readonly markSize: number;
  readonly borderRadius: number;
}

/**
 * The metrics of every size, used by the stylesheet and the SVG mark.
 *
 * @example
 * BUTTON_SIZES.large.minHeight // 52
 */
export const BUTTON_SIZES: Readonly<Record<ButtonSize, ButtonSizeMetrics>> = Object.freeze({
  small: Object.freeze({ minHeight: 32, fontSize: 14, paddingInline: 12, gap: 8, markSize: 18, borderRadius: 6 }),
  medium: Object.freeze({ minHeight: 44, fontSize: 16, paddingInline: 16, gap: 10, markSize: 22, borderRadius: 8 }),
  large: Object.freeze({ minHeight: 52, fontSize: 18, paddingInline: 24, gap: 12, markSize: 26, borderRadius: 10 }),
});
