// Minimal readers for the button's HTML, strict enough to notice an attribute injection.

export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (_, dec, hex, name: string | undefined) => {
    if (dec !== undefined) return String.fromCodePoint(Number(dec));
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[(name ?? '').toLowerCase() as 'amp'] ?? '';
  });
}

/** The attributes of the first `<tag …>` start tag; throws unless it is exactly name="value" pairs. */
export function startTagAttributes(html: string, tag: string): Map<string, string> {
  const start = html.indexOf(`<${tag} `);
  if (start === -1) throw new Error(`no <${tag}> in ${html}`);
  const end = html.indexOf('>', start);
  const inner = html.slice(start + tag.length + 1, end).replace(/\/$/, '');
  const attributes = new Map<string, string>();
  const pattern = /\s*([a-zA-Z][a-zA-Z0-9-:]*)="([^"<>]*)"\s*/y;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(inner)) !== null) {
    const [, name = '', value = ''] = match;
    if (attributes.has(name)) throw new Error(`duplicate attribute ${name}`);
    attributes.set(name, decodeEntities(value));
    consumed = pattern.lastIndex;
  }
  if (consumed !== inner.length) throw new Error(`unparsed start-tag text: ${inner.slice(consumed)}`);
  return attributes;
}

/** Names of all elements opened in the HTML, in order. */
export function openedElements(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

/** The text a screen reader would use as the link's name: text content outside aria-hidden SVG. */
export function accessibleText(html: string): string {
  const link = html.slice(html.indexOf('<a '));
  return decodeEntities(link.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}
