import { BUTTON_CLASS_PREFIX, BUTTON_SIZES, BUTTON_THEMES, miAccountButtonStyles } from '../../lib/button';
import { parseCss, scopingProblem } from './support/css';

const css = miAccountButtonStyles();
const rules = parseCss(css);
const selectors = rules.flatMap((rule) => rule.selectors);
const declarationsOf = (selector: string) => rules.find((rule) => rule.selectors.includes(selector))?.declarations;

describe('button stylesheet', () => {
  test('parses into rules (so the checks below are not vacuous)', () => {
    expect(rules.length).toBeGreaterThan(15);
    expect(rules.every((rule) => rule.declarations.size > 0)).toBe(true);
  });

  test('uses the mi-account-btn class prefix', () => {
    expect(BUTTON_CLASS_PREFIX).toBe('mi-account-btn');
  });

  test('scopes every selector under .mi-account-btn', () => {
    expect(
      selectors.map((selector) => [selector, scopingProblem(selector, BUTTON_CLASS_PREFIX)]).filter(([, p]) => p),
    ).toEqual([]);
  });

  test.each([
    'a',
    '*',
    'body .mi-account-btn',
    'html',
    ':root',
    '.mi-account-btn a',
    '.mi-account-btn *',
    '.mi-account-btn svg',
    '.other',
    '#mi-account-btn',
    '.mi-account-btn[href]',
    '.mi-account-btnx',
  ])('the scoping check rejects %j', (selector) => {
    expect(scopingProblem(selector, BUTTON_CLASS_PREFIX)).toBeDefined();
  });

  test('has no element, universal, id or attribute selectors anywhere', () => {
    for (const selector of selectors) {
      expect(selector).not.toMatch(/(^|[\s>+~,])[a-z*]|#|\[|\*/i);
    }
  });

  test('uses only @media at-rules (no @import, @font-face, global @keyframes)', () => {
    const atRules = [...css.matchAll(/@([a-z-]+)/g)].map((m) => m[1]);
    expect(new Set(atRules)).toEqual(new Set(['media']));
  });

  test('cannot close the <style> element it is embedded in', () => {
    expect(css).not.toMatch(/<\/?style|<!--|-->/i);
  });

  test('never uses !important (host pages can still override)', () => {
    expect(css).not.toContain('!important');
  });

  test('shows a visible :focus-visible outline in every theme', () => {
    const base = declarationsOf('.mi-account-btn:focus-visible');
    expect(base?.get('outline')).toMatch(/^[2-9]px solid #[0-9A-F]{6}$/);
    for (const theme of Object.keys(BUTTON_THEMES)) {
      const focus = declarationsOf(`.mi-account-btn.mi-account-btn--${theme}:focus-visible`);
      expect(focus?.get('outline')).toMatch(/^[2-9]px solid #[0-9A-F]{6}$/);
      expect(focus?.get('outline-offset')).toBe('2px');
    }
  });

  test('never removes the focus outline', () => {
    for (const rule of rules) {
      expect(rule.declarations.get('outline') ?? '').not.toMatch(/^(none|0)\b/);
      expect(rule.declarations.get('outline-width') ?? '').not.toMatch(/^0/);
    }
  });

  test.each([
    ['medium', 44],
    ['large', 44],
    ['small', 24],
  ] as const)('makes the %s button at least %ipx tall', (size, minimum) => {
    const minHeight = declarationsOf(`.mi-account-btn.mi-account-btn--${size}`)?.get('min-height');
    expect(minHeight).toBe(`${BUTTON_SIZES[size].minHeight}px`);
    expect(BUTTON_SIZES[size].minHeight).toBeGreaterThanOrEqual(minimum);
  });

  test('lays out as an inline flex box that can stretch full width', () => {
    expect(declarationsOf('.mi-account-btn')?.get('display')).toBe('inline-flex');
    expect(declarationsOf('.mi-account-btn.mi-account-btn--full')?.get('width')).toBe('100%');
  });

  test('removes the link underline in every state', () => {
    expect(declarationsOf('.mi-account-btn')?.get('text-decoration')).toBe('none');
    for (const state of [':hover', ':focus', ':active']) {
      expect(declarationsOf(`.mi-account-btn${state}`)?.get('text-decoration')).toBe('none');
    }
  });

  test('turns transitions off for users who prefer reduced motion', () => {
    const reduced = rules.find((rule) => rule.atRule?.includes('prefers-reduced-motion:reduce'));
    expect(reduced?.selectors).toEqual(['.mi-account-btn']);
    expect(reduced?.declarations.get('transition')).toBe('none');
  });
});
