import fc from 'fast-check';
import { miAccountButton } from '../../lib/button';
import { anyText } from '../helpers/arbitraries';
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
  // Any text, biased towards HTML metacharacters and markup; the HOSTILE strings are always among the cases tried.
  const text = fc.oneof(
    anyText({ maxLength: 60 }),
    fc
      .array(fc.constantFrom(...'<>"\'`&=/ \n\t;#'.split(''), 'script', 'onerror', '&amp;', '&#39;', '</a>', '<svg>'), {
        maxLength: 20,
      })
      .map((parts) => parts.join('')),
  );
  const hostileExamples = HOSTILE.map((value) => [value] as [string]);

  test('renders any label as the link text only: no element or attribute injected, whitespace trimmed', () => {
    const label = text.filter((value) => value.trim() !== ''); // a blank label means "use the localized one"
    fc.assert(
      fc.property(label, (value) => {
        const html = miAccountButton({ href: '/auth/mi', label: value });
        expectNoInjection(html);
        expect(accessibleText(html)).toBe(value.trim().replace(/\s+/g, ' '));
      }),
      { examples: hostileExamples },
    );
  });

  test('keeps any relative href inside the href attribute, cleaned of tabs, newlines and edge controls', () => {
    // A leading / makes every case a relative URL; the HOSTILE strings (relative too) are tried as they are.
    const href = text.map((value) => `/${value}`);
    fc.assert(
      fc.property(href, (value) => {
        const html = miAccountButton({ href: value });
        expectNoInjection(html);
        const cleaned = value.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
        expect(startTagAttributes(html, 'a').get('href')).toBe(cleaned);
      }),
      { examples: hostileExamples },
    );
  });

  test('keeps any className inside the class attribute, after the default classes, whitespace-separated', () => {
    fc.assert(
      fc.property(text, (className) => {
        const html = miAccountButton({ href: '/auth/mi', className });
        expectNoInjection(html);
        const extra = className.split(/\s+/).filter(Boolean);
        expect(startTagAttributes(html, 'a').get('class')).toBe(
          ['mi-account-btn', 'mi-account-btn--orange', 'mi-account-btn--medium', ...extra].join(' '),
        );
      }),
      { examples: hostileExamples },
    );
  });

  test('keeps a hostile style nonce inside the nonce attribute', () => {
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
