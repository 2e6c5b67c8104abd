/** Shortest key a signing secret may have, in characters. */
export const MIN_KEY_LENGTH = 32;
/** Least estimated entropy, in bits, a signing secret must show (a random 32-character hex key estimates ≥ 94). */
export const MIN_KEY_BITS = 80;
/** How to make a good key, for error messages. */
export const KEY_GENERATION_HINT =
  "generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"";

/**
 * Why `key` is too weak to sign with, or undefined when it is strong enough. The estimate is the Shannon entropy of
 * the characters (and of the steps between them, which catches `abcdef…` and `1234…`) over the shortest repeating
 * unit of the key (which catches `passwordpassword…`). It cannot know a key was typed by a human; it refuses the
 * obviously weak ones.
 */
export function keyWeakness(key: string): string | undefined {
  const codes = Array.from(key, (char) => char.codePointAt(0) ?? 0);
  if (codes.length < MIN_KEY_LENGTH) return `it has ${codes.length} characters, fewer than ${MIN_KEY_LENGTH}`;
  const unit = shortestPeriod(codes);
  const steps = codes.slice(1).map((code, i) => code - (codes[i] ?? 0));
  const bits = Math.min(shannonBits(codes), shannonBits(steps)) * unit;
  if (bits < MIN_KEY_BITS) {
    return unit < codes.length / 2
      ? `it repeats a ${unit}-character pattern`
      : `its characters are too predictable (about ${Math.floor(bits)} bits of entropy, at least ${MIN_KEY_BITS} needed)`;
  }
  return undefined;
}

function shannonBits(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / values.length) * Math.log2(count / values.length);
  return bits;
}

function shortestPeriod(codes: readonly number[]): number {
  for (let period = 1; period <= codes.length / 2; period += 1) {
    let repeats = true;
    for (let i = 0; i + period < codes.length && repeats; i += 1) repeats = codes[i] === codes[i + period];
    if (repeats) return period;
  }
  return codes.length;
}
