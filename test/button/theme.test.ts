import { BUTTON_THEMES, miAccountButton, miAccountButtonStyles, type ButtonTheme } from '../../lib/button';
import fc from 'fast-check';
import { parseCss } from './support/css';
import { expectEvery } from './support/every';
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
  test('computes the WCAG ratios of known pairs (21:1, 1:1, 4.48:1, 2.89:1)', () => {
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

  // Each property below holds for every theme; a failure names each theme that breaks it.

  test('in every theme the label text contrasts at least 4.5:1 with the background, hover and active colours', () => {
    const STATES = ['background', 'hoverBackground', 'activeBackground'] as const;
    expectEvery(
      THEMES.flatMap((theme) => STATES.map((state) => [theme, state] as const)),
      ([theme, state]) => {
        expect(contrastRatio(BUTTON_THEMES[theme].text, BUTTON_THEMES[theme][state])).toBeGreaterThanOrEqual(4.5);
      },
    );
  });

  test("every theme's focus ring has two tones at least 3:1 apart", () => {
    expectEvery(THEMES, (theme) => {
      expect(contrastRatio(BUTTON_THEMES[theme].focusRing, BUTTON_THEMES[theme].focusRingInner)).toBeGreaterThanOrEqual(
        3,
      );
    });
  });

  test("every theme's focus ring changes at least 3:1 against any page colour", () => {
    // Any #RRGGBB page; the greys, primaries and Xiaomi orange of PAGES are always among the cases tried.
    const pageColour = fc
      .integer({ min: 0, max: 0xffffff })
      .map((rgb) => `#${rgb.toString(16).toUpperCase().padStart(6, '0')}`);
    expectEvery(THEMES, (theme) => {
      const c = BUTTON_THEMES[theme];
      fc.assert(
        fc.property(pageColour, (page) => {
          expect(
            Math.max(contrastRatio(c.focusRing, page), contrastRatio(c.focusRingInner, page)),
          ).toBeGreaterThanOrEqual(3);
        }),
        { examples: PAGES.map((page) => [page]), numRuns: 1000 },
      );
    });
  });

  test("every theme's mark glyph contrasts at least 3:1 with its tile", () => {
    expectEvery(THEMES, (theme) => {
      expect(
        contrastRatio(BUTTON_THEMES[theme].markForeground, BUTTON_THEMES[theme].markBackground),
      ).toBeGreaterThanOrEqual(3);
    });
  });

  test('the stylesheet paints every theme with exactly its palette colours, in every state', () => {
    const rules = parseCss(miAccountButtonStyles());
    const find = (selector: string) => rules.find((rule) => rule.selectors.includes(selector))?.declarations;
    expectEvery(THEMES, (theme) => {
      const c = BUTTON_THEMES[theme];
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
  });

  test("every theme's rendered mark uses that theme's palette", () => {
    expectEvery(THEMES, (theme) => {
      const c = BUTTON_THEMES[theme];
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
