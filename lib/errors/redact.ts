// Secrets out of text a server, a proxy or a stack may echo them in: linear in the text, a bounded cost per secret.

/** Secrets shorter than this are ignored: too likely to occur by chance. */
export const MIN_SECRET_LENGTH = 4;
/** The longest secret searched for in every form: Mi's codes, tokens, mac_keys and App Secrets are far shorter. */
export const MAX_SECRET_LENGTH = 512;
/** The longest text scanned: the tail of a longer one is dropped (and marked `…`), never returned unscanned. */
export const MAX_REDACT_TEXT_LENGTH = 1024 * 1024;

const MARK = '[redacted]';
// Every form of a secret of MAX_SECRET_LENGTH (at most ~44 characters per character) fits in this margin.
const MARGIN = 64 * 1024;
// Escaping nests a few levels at most (a percent-encoded value in a query logged as JSON…).
const MAX_NESTING = 3;
// A longer run of backslashes is not escaping any more; it is kept as text, so decoding stays bounded.
const MAX_BACKSLASH_RUN = 8;
// A base64 run shorter than this is too likely to occur by chance in ordinary text.
const MIN_BASE64_CORE = 8;
const BACKSLASH = 0x5c;
const PLUS = 0x2b;
const SPACE = 0x20;

/**
 * Replaces every occurrence of the given secrets with `[redacted]`, in the forms a server could echo them in:
 * - as is; JSON-escaped once or twice (`\/`, `\"`); percent-encoded 1–3 times by URI or form rules, and as hex
 *   (both matched ignoring letter case); as base64 or base64url at any byte offset, of the secret or of its
 *   percent-encoded form;
 * - character by character, mixed freely: each character as is or percent-encoded up to 3 levels deep (`%2B`,
 *   `%252b`), `\u002f`/`\x2f`, an HTML reference (`&#47;`, `&#x2F;`, `&amp;`), with a space as `+` and backslashes
 *   of any JSON nesting ignored. Not found partly encoded: a secret that itself looks like an escape (`a%41b`,
 *   `a&#65;b`, `a\u0041b`; decoding cannot tell its `%41` from an escaped `A`), or one whose first character
 *   completes an escape the text before it began (`…%2` then `8…`).
 *
 * Linear in the length of the text: each form is searched literally, once per secret, and the decoded text is built
 * once per call. Secrets under 4 characters are ignored; one over 512 characters is searched as is and percent-encoded
 * only; a text over 1 MiB is cut.
 *
 * @example
 * redact('GET /token?client_secret=s3cr%252Bt', ['s3cr+t']) // 'GET /token?client_secret=[redacted]'
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  const whole = String(text);
  const clipped = whole.length > MAX_REDACT_TEXT_LENGTH;
  const hay = new Haystack(clipped ? whole.slice(0, MAX_REDACT_TEXT_LENGTH) : whole);
  for (const secret of new Set(secrets)) {
    if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) hay.find(secret);
  }
  return hay.redacted(clipped ? MAX_REDACT_TEXT_LENGTH - MARGIN : hay.text.length, clipped);
}

/** The text being redacted, its views (built on first use), and the ranges found so far. */
class Haystack {
  private lowered: string | undefined;
  private decoded: Decoded | null | undefined;
  // [start, end) offsets in `text` of every occurrence found.
  private readonly ranges: Array<[number, number]> = [];

  constructor(readonly text: string) {}

  find(secret: string): void {
    if (secret.length > MAX_SECRET_LENGTH) {
      const encoded = percentEncode(secret, false);
      this.search(this.text, secret);
      if (encoded.includes('%')) this.search(this.lower(), encoded.toLowerCase());
      return;
    }
    for (const form of exactForms(secret)) this.search(this.text, form);
    for (const form of caselessForms(secret)) this.search(this.lower(), form);
    const needle = foldedBytes(secret);
    const decoded = this.decode();
    if (decoded && needle.length >= MIN_SECRET_LENGTH) {
      const { bytes, starts, count } = decoded;
      for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
        let end = at + needle.length;
        // A match ends at a unit boundary; the bytes of one unit share its start.
        while (end < count && starts[end] === starts[end - 1]) end += 1;
        this.ranges.push([starts[at] ?? 0, end < count ? (starts[end] ?? 0) : this.text.length]);
      }
    }
  }

  /** The text up to `keep` with every range found replaced by the mark (overlapping ranges by one mark). */
  redacted(keep: number, clipped: boolean): string {
    if (this.ranges.length === 0 && !clipped) return this.text;
    let out = '';
    let cursor = 0;
    for (const [start, end] of this.ranges.sort((a, b) => a[0] - b[0])) {
      if (start >= keep) break;
      if (start >= cursor) {
        out += `${this.text.slice(cursor, start)}${MARK}`;
        cursor = end;
      } else if (end > cursor) cursor = end;
    }
    if (cursor < keep) out += this.text.slice(cursor, keep);
    return clipped ? `${out}…` : out;
  }

  private search(haystack: string, needle: string): void {
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
      this.ranges.push([at, at + needle.length]);
    }
  }

  // ASCII letters lower-cased: the same length, so offsets carry over.
  private lower(): string {
    this.lowered ??= this.text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
    return this.lowered;
  }

  private decode(): Decoded | null {
    if (this.decoded === undefined) this.decoded = /[%&\\+]/.test(this.text) ? decode(this.text) : null;
    return this.decoded;
  }
}

// Whole-string forms matched exactly.
function exactForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [secret, json, json.replace(/\//g, '\\/'), JSON.stringify(json).slice(1, -1)];
  const form = percentEncode(secret, true);
  if (!form.includes('%')) forms.push(form); // only spaces encoded, as `+`
  for (const source of new Set([secret, percentEncode(secret, false)])) {
    for (const core of base64Cores(utf8(source))) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)];
}

// Forms of escapes only, matched in the lower-cased text so that hex digits match in either case.
function caselessForms(secret: string): string[] {
  const forms: string[] = [];
  for (const form of [false, true]) {
    for (let layer = secret, depth = 0; depth < MAX_NESTING; depth++) {
      layer = percentEncode(layer, form);
      if (layer.includes('%')) forms.push(layer.toLowerCase());
    }
  }
  forms.push(hex(utf8(secret)), hex(utf8(percentEncode(secret, false))));
  return [...new Set(forms)];
}

const URI_KEEP = new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()");
const FORM_KEEP = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.*');

/** encodeURIComponent (or form encoding, a space as `+`), without its URIError on a lone surrogate. */
function percentEncode(text: string, form: boolean): string {
  const keep = form ? FORM_KEEP : URI_KEEP;
  let out = '';
  for (const byte of utf8(text)) {
    const char = String.fromCharCode(byte);
    if (keep.has(char)) out += char;
    else if (form && byte === SPACE) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// Made on first use: a browser sandbox without TextEncoder can still load this module.
let encoder: TextEncoder | undefined;
const utf8 = (text: string): Uint8Array => (encoder ??= new TextEncoder()).encode(text);
const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The base64 characters that depend on the secret's bytes alone, for each of the three offsets at which the secret
 * can start inside a longer base64 text (characters shared with the surrounding bytes are left out).
 */
function base64Cores(bytes: Uint8Array): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const core = toBase64(padded).slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (core.length >= MIN_BASE64_CORE) cores.push(core);
  }
  return cores;
}

// btoa works in browsers and Node alike; this module is also bundled for the browser.
function toBase64(bytes: Uint8Array): string {
  return btoa(latin1(bytes));
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** The secret as the decoded view holds it: UTF-8, `+` as a space, no backslashes. */
function foldedBytes(secret: string): string {
  const bytes = utf8(secret).filter((byte) => byte !== BACKSLASH);
  return latin1(bytes.map((byte) => (byte === PLUS ? SPACE : byte)));
}

/** The text with its escapes decoded, as UTF-8 bytes (one character each); `starts[i]`: where byte i's unit begins. */
type Decoded = { bytes: string; starts: Int32Array; count: number };
/** What one escape decodes to (a byte or a code point) and how many characters it takes. */
type Unit = { value: number; length: number };

/** One left-to-right pass; every escape is read at one place, with bounded look-ahead. */
function decode(text: string): Decoded {
  // A character takes at most 3 UTF-8 bytes; an escape decodes to fewer bytes than it has characters.
  const bytes = new Uint8Array(text.length * 3);
  const starts = new Int32Array(text.length * 3);
  let count = 0;
  let held = -1; // where dropped backslashes began: the next unit covers them
  const push = (start: number, byte: number) => {
    bytes[count] = byte;
    starts[count] = held >= 0 ? held : start;
    count += 1;
  };
  const unit = (start: number, value: number, isByte: boolean) => {
    if (value === BACKSLASH) {
      if (held < 0) held = start;
      return;
    }
    if (isByte || value < 0x80) push(start, value === PLUS ? SPACE : value);
    else for (const byte of utf8(String.fromCodePoint(value))) push(start, byte);
    held = -1;
  };
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) {
      let run = 1;
      while (text.charCodeAt(i + run) === BACKSLASH) run += 1;
      const escape = run <= MAX_BACKSLASH_RUN ? backslashEscape(text, i + run - 1) : undefined;
      if (escape) unit(i, escape.value, false);
      else if (run <= MAX_BACKSLASH_RUN) unit(i, BACKSLASH, false);
      else for (let k = 0; k < run; k++) push(i + k, BACKSLASH); // kept: no folded secret holds a backslash
      i += run - 1 + (escape?.length ?? 1);
      continue;
    }
    const escape = code === 0x25 ? percentEscape(text, i) : code === 0x26 ? htmlReference(text, i) : undefined;
    if (escape) {
      unit(i, escape.value, code === 0x25);
      i += escape.length;
      continue;
    }
    const point = text.codePointAt(i) ?? code;
    // A lone surrogate becomes U+FFFD, as TextEncoder writes it in the secret.
    unit(i, point >= 0xd800 && point <= 0xdfff ? 0xfffd : point, false);
    i += point > 0xffff ? 2 : 1;
  }
  return { bytes: latin1(bytes.subarray(0, count)), starts, count };
}

const HEX = /^[0-9a-fA-F]+$/;

function hexAt(text: string, at: number, digits: number): number | undefined {
  const part = text.slice(at, at + digits);
  return part.length === digits && HEX.test(part) ? parseInt(part, 16) : undefined;
}

/** `%XX`, or `%25XX`… up to MAX_NESTING levels: one byte. */
function percentEscape(text: string, at: number): Unit | undefined {
  let next = at + 1;
  for (let depth = 0; depth < MAX_NESTING && text.startsWith('25', next); depth++) {
    if (hexAt(text, next + 2, 2) === undefined) break;
    next += 2;
  }
  const value = hexAt(text, next, 2);
  return value === undefined ? undefined : { value, length: next + 2 - at };
}

/** `\uXXXX` (a surrogate pair as two), `\xXX`, read from the last backslash of a run at `at`. */
function backslashEscape(text: string, at: number): Unit | undefined {
  const short = text[at + 1] === 'x' ? hexAt(text, at + 2, 2) : undefined;
  if (short !== undefined) return { value: short, length: 4 };
  const value = text[at + 1] === 'u' ? hexAt(text, at + 2, 4) : undefined;
  if (value === undefined) return undefined;
  if (value >= 0xd800 && value <= 0xdbff) {
    let run = 0;
    while (run <= MAX_BACKSLASH_RUN && text.charCodeAt(at + 6 + run) === BACKSLASH) run += 1;
    const low = run > 0 && text[at + 6 + run] === 'u' ? hexAt(text, at + 7 + run, 4) : undefined;
    if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
      return { value: 0x10000 + ((value - 0xd800) << 10) + (low - 0xdc00), length: 11 + run };
    }
  }
  return { value: value >= 0xd800 && value <= 0xdfff ? 0xfffd : value, length: 6 };
}

const NAMED: Readonly<Record<string, number>> = { 'lt;': 0x3c, 'gt;': 0x3e, 'quot;': 0x22, 'apos;': 0x27 };

/** `&#47;`, `&#x2F;` (`;` optional), `&lt;`…, behind up to MAX_NESTING `amp;`: one code point. */
function htmlReference(text: string, at: number): Unit | undefined {
  let next = at + 1;
  for (let depth = 0; depth < MAX_NESTING && text.startsWith('amp;', next); depth++) next += 4;
  const numeric = /^#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?/.exec(text.slice(next, next + 13));
  if (numeric) {
    const value = numeric[1] === undefined ? Number(numeric[2]) : parseInt(numeric[1], 16);
    if (value <= 0x10ffff) {
      const point = value >= 0xd800 && value <= 0xdfff ? 0xfffd : value;
      return { value: point, length: next + numeric[0].length - at };
    }
  }
  for (const [name, value] of Object.entries(NAMED)) {
    if (text.startsWith(name, next)) return { value, length: next + name.length - at };
  }
  return next > at + 1 ? { value: 0x26, length: next - at } : undefined;
}
