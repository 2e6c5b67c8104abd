import { BUTTON_LABELS, miAccountButton, miAccountButtonStyles } from '../../lib/button';
import { accessibleText, openedElements, startTagAttributes } from './support/html';

const ALLOWED_ELEMENTS = new Set(['style', 'a', 'svg', 'rect', 'path', 'circle', 'span']);

describe('miAccountButton', () => {
  test('renders one real link to href, with the default classes', () => {
    const html = miAccountButton({ href: '/auth/mi' });
    expect(openedElements(html).filter((name) => name === 'a')).toHaveLength(1);
    const link = startTagAttributes(html, 'a');
    expect(link.get('href')).toBe('/auth/mi');
    expect(link.get('class')).toBe('mi-account-btn mi-account-btn--orange mi-account-btn--medium');
    expect(html).toMatch(/<\/a>$/);
  });

  test('renders only style, a, svg, rect, path, circle and span elements', () => {
    const html = miAccountButton({ href: '/auth/mi', theme: 'dark', size: 'large', fullWidth: true });
    expect(openedElements(html).filter((name) => !ALLOWED_ELEMENTS.has(name))).toEqual([]);
  });

  test('gives the link an accessible name: the English label by default', () => {
    expect(accessibleText(miAccountButton({ href: '/auth/mi' }))).toBe('Sign in with Mi Account');
  });

  test('uses the localized label and lang/dir of the locale', () => {
    const html = miAccountButton({ href: '/auth/mi', locale: 'he-IL' });
    expect(accessibleText(html)).toBe(BUTTON_LABELS.he);
    expect(startTagAttributes(html, 'a').get('lang')).toBe('he');
    expect(startTagAttributes(html, 'a').get('dir')).toBe('rtl');
  });

  test('falls back to English for an unknown locale', () => {
    const html = miAccountButton({ href: '/auth/mi', locale: 'tlh' });
    expect(accessibleText(html)).toBe(BUTTON_LABELS.en);
    expect(startTagAttributes(html, 'a').get('lang')).toBe('en');
    expect(startTagAttributes(html, 'a').get('dir')).toBe('ltr');
  });

  test('uses a custom label, trimmed', () => {
    expect(accessibleText(miAccountButton({ href: '/auth/mi', label: '  Continue with Xiaomi ' }))).toBe(
      'Continue with Xiaomi',
    );
  });

  test('uses the localized label when the custom label is blank', () => {
    expect(accessibleText(miAccountButton({ href: '/auth/mi', locale: 'de', label: '   ' }))).toBe(BUTTON_LABELS.de);
  });

  test('hides the SVG mark from assistive technology and from the tab order', () => {
    const svg = startTagAttributes(miAccountButton({ href: '/auth/mi' }), 'svg');
    expect(svg.get('aria-hidden')).toBe('true');
    expect(svg.get('focusable')).toBe('false');
    expect(svg.get('class')).toBe('mi-account-btn__mark');
  });

  test('draws the mark inline, with no text, title or external reference', () => {
    const html = miAccountButton({ href: '/auth/mi' });
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).not.toMatch(/<(text|title|image|use)\b|href=|url\(/);
    expect(openedElements(svg)).toEqual(['svg', 'rect', 'path', 'circle']);
  });

  test('sizes the mark per button size', () => {
    const sizes = (['small', 'medium', 'large'] as const).map((size) =>
      Number(startTagAttributes(miAccountButton({ href: '/', size }), 'svg').get('width')),
    );
    expect(sizes[0]).toBeLessThan(sizes[1] ?? 0);
    expect(sizes[1]).toBeLessThan(sizes[2] ?? 0);
  });

  test.each([
    ['light', 'small'],
    ['dark', 'large'],
    ['orange', 'medium'],
  ] as const)('adds the %s theme and %s size classes', (theme, size) => {
    const classes = startTagAttributes(miAccountButton({ href: '/', theme, size }), 'a')
      .get('class')
      ?.split(' ');
    expect(classes).toEqual(['mi-account-btn', `mi-account-btn--${theme}`, `mi-account-btn--${size}`]);
  });

  test('adds the full-width class only when fullWidth is true', () => {
    expect(startTagAttributes(miAccountButton({ href: '/', fullWidth: true }), 'a').get('class')).toContain(
      'mi-account-btn--full',
    );
    expect(startTagAttributes(miAccountButton({ href: '/' }), 'a').get('class')).not.toContain('--full');
  });

  test('appends the caller classes, normalising whitespace', () => {
    const classes = startTagAttributes(miAccountButton({ href: '/', className: '  login   primary ' }), 'a').get(
      'class',
    );
    expect(classes).toBe('mi-account-btn mi-account-btn--orange mi-account-btn--medium login primary');
  });

  test('starts with the stylesheet by default', () => {
    const html = miAccountButton({ href: '/' });
    expect(html.startsWith(`<style>${miAccountButtonStyles()}</style><a `)).toBe(true);
  });

  test('omits the stylesheet with includeStyles: false', () => {
    const html = miAccountButton({ href: '/', includeStyles: false });
    expect(html).not.toContain('<style');
    expect(html.startsWith('<a ')).toBe(true);
  });

  test('puts a CSP nonce on the style block', () => {
    expect(startTagAttributes(miAccountButton({ href: '/', styleNonce: 'r4nd0m' }), 'style').get('nonce')).toBe(
      'r4nd0m',
    );
  });

  test.each([
    [{ theme: 'purple' }, /"theme" must be one of 'orange', 'light', 'dark', got 'purple'/],
    [{ size: 'huge' }, /"size" must be one of 'small', 'medium', 'large'/],
    [{ theme: 'toString' }, /"theme" must be one of/],
    [{ label: 42 }, /"label" must be a string/],
    [{ locale: ['en'] }, /"locale" must be a string/],
    [{ className: {} }, /"className" must be a string/],
  ])('rejects the invalid option %j with a TypeError', (extra, message) => {
    const call = () => miAccountButton({ href: '/auth/mi', ...(extra as object) });
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  test('rejects a missing options object', () => {
    expect(() => miAccountButton(undefined as never)).toThrow(/options object/);
  });
});
