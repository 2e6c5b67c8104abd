import { oneLine } from '../../lib/protocol/one-line';

describe('oneLine', () => {
  it.each([
    ['CR LF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
    ['NEL (U+0085)', '\u0085'],
    ['the line separator U+2028', '\u2028'],
    ['the paragraph separator U+2029', '\u2029'],
    ['a vertical tab', '\v'],
    ['a form feed', '\f'],
    ['a right-to-left override', '\u202e'],
    ['NUL', '\u0000'],
  ])('turns %s into one space', (_name, breaker) => {
    expect(oneLine(`denied${breaker}INFO login succeeded`)).toBe('denied INFO login succeeded');
  });

  it('blanks the escape that starts a terminal control sequence, which then shows as plain text', () => {
    expect(oneLine('denied\u001b[2K\rINFO login succeeded')).toBe('denied [2K INFO login succeeded');
  });

  it('turns a run of breaks into a single space', () => {
    expect(oneLine('a\r\n\r\n\tb')).toBe('a b');
  });

  it('keeps ordinary text, spaces and characters outside the BMP as they are', () => {
    expect(oneLine('用户拒绝了授权  😀 ok')).toBe('用户拒绝了授权  😀 ok');
  });

  it('leaves a text of exactly max characters whole', () => {
    expect(oneLine('x'.repeat(300), 300)).toBe('x'.repeat(300));
  });

  it('clips a longer text to max characters, the last one an ellipsis', () => {
    const clipped = oneLine('x'.repeat(301), 300);
    expect(clipped).toHaveLength(300);
    expect(clipped).toBe(`${'x'.repeat(299)}…`);
  });

  it('never cuts a surrogate pair in half', () => {
    const clipped = oneLine(`${'x'.repeat(298)}😀tail`, 300);
    expect(clipped).toBe(`${'x'.repeat(298)}…`);
    expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('makes a megabyte of alternating text and line breaks one line', () => {
    const text = 'a\r\n'.repeat(350_000);
    const line = oneLine(text, 1000);
    expect(line).toHaveLength(1000);
    expect(line).not.toMatch(/[\r\n]/);
  });
});
