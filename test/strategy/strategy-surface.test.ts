import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = readFileSync(join(__dirname, '..', '..', 'lib', 'strategy', 'strategy.ts'), 'utf8');

/** The code of a TypeScript source with comments, strings and template literals blanked out. */
function codeOnly(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g,
    (match) => match.replace(/[^\n]/g, ' '),
  );
}

/** Every access to an underscore member (`x._name`, `x?._name`, `x['_name']`), with its line. */
function underscoreMembers(source: string): string[] {
  const code = codeOnly(source);
  const found: string[] = [];
  const pattern = /\??\.\s*(_[A-Za-z]\w*)/g;
  const raw = source.split('\n');
  for (const match of code.matchAll(pattern)) {
    const line = code.slice(0, match.index).split('\n').length;
    found.push(`${match[1]} @ ${raw[line - 1]!.trim()}`);
  }
  // Bracket accesses are strings, which codeOnly blanks: look for them in the source itself.
  for (const match of source.matchAll(/\[\s*['"`](_[A-Za-z]\w*)['"`]\s*\]/g)) {
    const line = source.slice(0, match.index).split('\n').length;
    found.push(`${match[1]} @ ${raw[line - 1]!.trim()}`);
  }
  return found;
}

describe('lib/strategy.ts builds on the public surface of passport-oauth2', () => {
  it('touches exactly one underscore member: the token seam, _oauth2.getOAuthAccessToken', () => {
    const members = underscoreMembers(SOURCE);
    expect(members).toHaveLength(1);
    expect(members[0]).toMatch(/^_oauth2 @ \(this\._oauth2 as .*\)\.getOAuthAccessToken = /);
  });

  it('says in the comment line above the seam why Mi Account needs it', () => {
    const lines = SOURCE.split('\n');
    const seam = lines.findIndex((line) => line.includes('._oauth2'));
    expect(lines[seam - 1]).toMatch(/^\s*\/\/ .*GET.*&&&START&&&.*numeric errors/);
  });

  it('overrides no private method of passport-oauth2 and builds no per-login prototype', () => {
    const code = codeOnly(SOURCE);
    expect(code).not.toMatch(/^\s*(?:override\s+)?_[A-Za-z]\w*\s*\(/m);
    expect(code).not.toMatch(/Object\.create\(/);
    expect(code).not.toMatch(/OAuth2Strategy\.prototype/);
  });

  it('finds underscore members in code and ignores them in comments and strings (the check itself)', () => {
    const sample = [
      'const a = this._stateStore;',
      "const b = strategy['_verify'];",
      'const c = x?._key;',
      '// this._oauth2 in a comment',
      "const d = 'also this._oauth2 in a string';",
      'const e = { _locale: 1 };',
    ].join('\n');
    expect(underscoreMembers(sample).map((found) => found.split(' @ ')[0])).toEqual(['_stateStore', '_key', '_verify']);
  });
});
