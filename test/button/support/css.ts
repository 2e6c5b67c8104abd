// A small CSS reader for the button's stylesheet: rules (selectors + declarations) and at-rules.

export interface CssRule {
  selectors: string[];
  declarations: Map<string, string>;
  atRule?: string | undefined;
}

export function parseCss(css: string, atRule?: string): CssRule[] {
  const source = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: CssRule[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{', i);
    if (open === -1) {
      if (source.slice(i).trim() !== '') throw new Error(`trailing CSS: ${source.slice(i)}`);
      break;
    }
    const prelude = source.slice(i, open).trim();
    let depth = 1;
    let j = open + 1;
    while (j < source.length && depth > 0) {
      if (source[j] === '{') depth += 1;
      else if (source[j] === '}') depth -= 1;
      j += 1;
    }
    if (depth !== 0) throw new Error('unbalanced braces');
    const body = source.slice(open + 1, j - 1);
    if (prelude.startsWith('@')) {
      rules.push(...parseCss(body, prelude));
    } else {
      const declarations = new Map<string, string>();
      for (const declaration of body.split(';')) {
        if (declaration.trim() === '') continue;
        const colon = declaration.indexOf(':');
        if (colon === -1) throw new Error(`bad declaration: ${declaration}`);
        declarations.set(declaration.slice(0, colon).trim(), declaration.slice(colon + 1).trim());
      }
      rules.push({ selectors: prelude.split(',').map((s) => s.trim()), declarations, atRule });
    }
    i = j;
  }
  return rules;
}

/** Why a selector is not scoped under `.${prefix}`, or undefined when it is. */
export function scopingProblem(selector: string, prefix: string): string | undefined {
  if (!selector.startsWith(`.${prefix}`)) return `does not start with .${prefix}`;
  const compounds = selector.split(/\s*[\s>+~]\s*/).filter(Boolean);
  const escaped = prefix.replace(/[-]/g, '\\-');
  const compound = new RegExp(`^(?:\\.${escaped}(?:(?:--|__)[a-z0-9-]+)?)+(?::[a-z-]+)*$`);
  for (const part of compounds) {
    if (!compound.test(part)) return `compound "${part}" is not made of .${prefix}* classes and pseudo-classes`;
  }
  return undefined;
}
