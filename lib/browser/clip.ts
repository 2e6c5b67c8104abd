/**
 * A wire value quoted in a message: control characters blanked, at most `max` characters (then `…`).
 *
 * @example
 * clip('a\nb') // 'a b'
 */
export function clip(text: string, max = 60): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
