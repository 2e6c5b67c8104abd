// Text from outside (a callback's error_description, a Mi answer, a Host header) as it may enter a message or a log.

// Control and format characters (CR, LF, NEL, ESC, bidi overrides) and the Unicode line and paragraph separators.
const LINE_BREAKERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/**
 * `text` as one line of at most `max` characters: every run of control, format or line-separator characters becomes
 * one space, and a longer text is cut and ends with `…` (never inside a surrogate pair). Linear in the length of
 * `text`. Redact secrets before clipping: a cut could leave the head of a secret that no pattern recognises any more.
 *
 * @example
 * oneLine('denied\r\nINFO login succeeded') // 'denied INFO login succeeded'
 * oneLine('x'.repeat(500), 300).length // 300
 */
export function oneLine(text: string, max = Infinity): string {
  const line = text.replace(LINE_BREAKERS, ' ');
  if (line.length <= max) return line;
  let end = Math.max(0, Math.floor(max) - 1);
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate without its pair would print as garbage
  return `${line.slice(0, end)}…`;
}
