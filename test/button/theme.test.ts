import { BUTTON_THEMES, miAccountButton, miAccountButtonStyles, type ButtonTheme } from '../../lib/button';
import { parseCss } from './support/css';
import { startTagAttributes } from './support/html';
import { contrastRatio } from './support/wcag';

const THEMES = Object.keys(BUTTON_THEMES) as ButtonTheme[];
// Page colours the focus ring must show on: 16 greys from black to white, primaries, Xiaomi orange.
const GREYS = Array.from(
  { length: 16 },
  (_, i) => `#${(i * 17).toString(16).toUpperCase().padStart(2, '0').repeat(3)}`,
);
const PAGES = [...GREYS, '#FF0000', '#00FF00', '#0000FF', '#00FFFF', '#FF00FF', '#FFFF00', '#FF6900', '#0B57D0'];

describe('WCAG contrast helper (test support)', () => {
  test('matches known ratios', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#FFFFFF', '#FFFFFF')).toBeCloseTo(1, 5);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#FF6900', '#FFFFFF')).toBeCloseTo(2.89, 2);
  });
});

describe('button themes', () => {
  test('are orange, light and dark, every colour written #RRGGBB', () => {
    expect(THEMES).toEqual(['orange', 'light', 'dark']);
    for (const palette of Object.values(BUTTON_THEMES)) {
      for (const colour of Object.values(palette)) expect(colour).toMatch(/^#[0-9A-F]{6}$/);
    }
  });

  describe.each(THEMES.map((theme) => [theme]))('%s', (theme) => {
    const c = BUTTON_THEMES[theme];

    test.each(['background', 'hoverBackground', 'activeBackground'] as const)(
      'label text contrasts at least 4.5:1 with %s',
      (state) => {
        expect(contrastRatio(c.text, c[state])).toBeGreaterThanOrEqual(4.5);
      },
    );

    test('focus ring has two tones at least 3:1 apart', () => {
      expect(contrastRatio(c.focusRing, c.focusRingInner)).toBeGreaterThanOrEqual(3);
    });

    test.each(PAGES)('focus ring changes at least 3:1 against a %s page', (page) => {
      expect(Math.max(contrastRatio(c.focusRing, page), contrastRatio(c.focusRingInner, page))).toBeGreaterThanOrEqual(
        3,
      );
    });

    test('mark glyph contrasts at least 3:1 with its tile', () => {
      expect(contrastRatio(c.markForeground, c.markBackground)).toBeGreaterThanOrEqual(3);
    });

    test('stylesheet uses exactly these colours', () => {
      const rules = parseCss(miAccountButtonStyles());
      const find = (selector: string) => rules.find((rule) => rule.selectors.includes(selector))?.declarations;
      const t = `.mi-account-btn.mi-account-btn--${theme}`;
      expect(find(t)?.get('color')).toBe(c.text);
      expect(find(t)?.get('background-color')).toBe(c.background);
      expect(find(t)?.get('border-color')).toBe(c.border);
      expect(find(`${t}:visited`)?.get('color')).toBe(c.text);
      expect(find(`${t}:hover`)?.get('background-color')).toBe(c.hoverBackground);
      expect(find(`${t}:hover`)?.get('color')).toBe(c.text);
      expect(find(`${t}:active`)?.get('background-color')).toBe(c.activeBackground);
      expect(find(`${t}:focus-visible`)?.get('outline')).toBe(`3px solid ${c.focusRing}`);
      expect(find(`${t}:focus-visible`)?.get('box-shadow')).toBe(`0 0 0 2px ${c.focusRingInner}`);
    });

    test('the rendered mark uses this palette', () => {
      const html = miAccountButton({ href: '/', theme });
      expect(startTagAttributes(html, 'rect').get('fill')).toBe(c.markBackground);
      expect(startTagAttributes(html, 'path').get('stroke')).toBe(c.markForeground);
      expect(startTagAttributes(html, 'circle').get('fill')).toBe(c.markForeground);
    });
  });

  test.each([
    ['light', '#FFFFFF'],
    ['dark', '#131314'],
    ['orange', '#FFFFFF'],
    ['orange', '#000000'],
  ] as const)('the %s button edge is visible (≥ 3:1) on a %s page', (theme, page) => {
    const c = BUTTON_THEMES[theme];
    expect(Math.max(contrastRatio(c.border, page), contrastRatio(c.background, page))).toBeGreaterThanOrEqual(3);
  });
});
