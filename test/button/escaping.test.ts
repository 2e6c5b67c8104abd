import { miAccountButton } from '../../lib/button';
import { accessibleText, openedElements, startTagAttributes } from './support/html';

const HOSTILE = [
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '" onmouseover="alert(1)',
  '`${alert(1)}`',
  '</a><a href="https://evil.example">',
  '&lt;already-escaped&gt; & &amp;',
  '</style><script>alert(1)</script>',
];

function expectNoInjection(html: string): void {
  expect(
    openedElements(html).filter((name) => !['style', 'a', 'svg', 'rect', 'path', 'circle', 'span'].includes(name)),
  ).toEqual([]);
  expect(openedElements(html).filter((name) => name === 'a')).toHaveLength(1);
  expect([...startTagAttributes(html, 'a').keys()].sort()).toEqual(['class', 'dir', 'href', 'lang']);
  expect([...startTagAttributes(html, 'span').keys()]).toEqual(['class']);
  // Words like onerror= may appear as escaped text; a raw tag may not.
  expect(html).not.toMatch(/<(script|img)/i);
}

describe('HTML escaping', () => {
  test.each(HOSTILE)('renders the hostile label %j as text', (label) => {
    const html = miAccountButton({ href: '/auth/mi', label });
    expectNoInjection(html);
    expect(accessibleText(html)).toBe(label.trim());
  });

  test.each(HOSTILE)('keeps the hostile relative href %j inside the attribute', (href) => {
    const html = miAccountButton({ href });
    expectNoInjection(html);
    expect(startTagAttributes(html, 'a').get('href')).toBe(href.trim());
  });

  test.each(HOSTILE)('keeps the hostile className %j inside the class attribute', (className) => {
    const html = miAccountButton({ href: '/auth/mi', className });
    expectNoInjection(html);
    const classes = startTagAttributes(html, 'a').get('class') ?? '';
    expect(classes).toBe(
      `mi-account-btn mi-account-btn--orange mi-account-btn--medium ${className.trim().split(/\s+/).join(' ')}`,
    );
  });

  test('escapes the style nonce', () => {
    const html = miAccountButton({ href: '/', styleNonce: '"><script>alert(1)</script>' });
    expect(html).not.toMatch(/<script/i);
    expect(startTagAttributes(html, 'style').get('nonce')).toBe('"><script>alert(1)</script>');
  });

  test('escapes &, <, >, quotes and backticks in the output', () => {
    const html = miAccountButton({ href: '/a?b=1&c=2', label: `<&>"'\`` });
    expect(html).toContain('href="/a?b=1&amp;c=2"');
    expect(html).toContain('>&lt;&amp;&gt;&quot;&#39;&#96;</span>');
  });

  test('never echoes the locale input', () => {
    const html = miAccountButton({ href: '/', locale: '"><script>alert(1)</script>' });
    expect(html).not.toContain('script');
    expect(startTagAttributes(html, 'a').get('lang')).toBe('en');
  });
});

describe('href check', () => {
  test.each([
    ['javascript:alert(1)', 'javascript'],
    ['JavaScript:alert(1)', 'javascript'],
    ['  javascript:alert(1)', 'javascript'],
    ['\u0000javascript:alert(1)', 'javascript'],
    ['\u001fjavascript:alert(1)', 'javascript'],
    ['java\tscript:alert(1)', 'javascript'],
    ['java\nscript:alert(1)', 'javascript'],
    ['jav\r\nascript:alert(1)', 'javascript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['DATA:text/html;base64,PHNjcmlwdD4=', 'data'],
    ['vbscript:msgbox(1)', 'vbscript'],
    ['VBScript:msgbox(1)', 'vbscript'],
    ['file:///etc/passwd', 'file'],
    ['blob:https://example.com/uuid', 'blob'],
  ])('rejects %j with a TypeError naming the %s: scheme', (href, scheme) => {
    const call = () => miAccountButton({ href });
    expect(call).toThrow(TypeError);
    expect(call).toThrow(`"href" with the "${scheme}:" scheme is not allowed; use a relative URL or an http(s) URL`);
  });

  test.each([
    '/auth/mi',
    'auth/mi',
    './auth/mi?next=%2F',
    '../login',
    '?start=mi',
    '#login',
    '//accounts.example.com/auth/mi',
    'http://localhost:3000/auth/mi',
    'https://example.com/auth/mi?redirect=javascript:alert(1)',
    'HTTPS://EXAMPLE.COM/auth/mi',
    '/auth/mi?x=data:1',
    'javascript&colon;alert(1)',
  ])('accepts the relative or http(s) href %j', (href) => {
    expect(startTagAttributes(miAccountButton({ href }), 'a').get('href')).toBe(href);
  });

  test('trims surrounding whitespace from the href', () => {
    expect(startTagAttributes(miAccountButton({ href: '  /auth/mi\n' }), 'a').get('href')).toBe('/auth/mi');
  });

  test.each([[''], ['   '], ['\t\n']])('rejects the empty href %j', (href) => {
    expect(() => miAccountButton({ href })).toThrow(/"href" must not be empty/);
  });

  test.each([[undefined], [null], [42], [new URL('https://example.com/')]])(
    'rejects the non-string href %p',
    (href) => {
      expect(() => miAccountButton({ href: href as unknown as string })).toThrow(/"href" must be a string/);
    },
  );
});
