import { BUTTON_CLASS_PREFIX } from './styles';
import { BUTTON_SIZES, BUTTON_THEMES, type ButtonSize, type ButtonTheme } from './theme';

// Drawn for this project: a rounded square with a lowercase "m" of two stroked arches and an
// "i" (bar and dot). Not derived from Xiaomi's logo artwork.
const GLYPH_M = 'M5.5 16.5V10a2.25 2.25 0 0 1 4.5 0v6.5M10 10a2.25 2.25 0 0 1 4.5 0v6.5';
const GLYPH_I_BAR = 'M18.5 11v5.5';

/**
 * The decorative SVG mark for a theme and size. Hidden from assistive technology (the link
 * text names the button) and kept out of the tab order in old Edge/IE (`focusable="false"`).
 *
 * @example
 * miAccountMark('orange', 'medium') // '<svg class="mi-account-btn__mark" … aria-hidden="true" …>'
 */
export function miAccountMark(theme: ButtonTheme, size: ButtonSize): string {
  const palette = BUTTON_THEMES[theme];
  const px = BUTTON_SIZES[size].markSize;
  return (
    `<svg class="${BUTTON_CLASS_PREFIX}__mark" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"` +
    ` width="${px}" height="${px}" aria-hidden="true" focusable="false">` +
    `<rect width="24" height="24" rx="6" fill="${palette.markBackground}"/>` +
    `<path d="${GLYPH_M} ${GLYPH_I_BAR}" fill="none" stroke="${palette.markForeground}"` +
    ` stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>` +
    `<circle cx="18.5" cy="7.5" r="1.25" fill="${palette.markForeground}"/>` +
    `</svg>`
  );
}
