import fc from 'fast-check';

// Any Unicode text: every code point except lone surrogates, as fast-check's `unit: 'binary'` draws, without the
// 3.5 s that arbitrary spends building its tables in every test file that uses it.
const codePoint = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((n) => String.fromCodePoint(n < 0xd800 ? n : n + 0x800));

/** Strings of any code points (`maxLength` counts code points, as with `fc.string({ unit: 'binary' })`). */
export function anyText(constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc.array(codePoint, constraints).map((chars) => chars.join(''));
}
