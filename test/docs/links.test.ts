import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Every relative link of the project's Markdown resolves, on GitHub as locally: the file exists and its #anchor is a
// heading of the target under GitHub's slug rules. The README stays short enough to read top to bottom.

const ROOT = path.join(__dirname, '..', '..');
const README_MAX_LINES = 450;

/** The documents checked: the top-level guides and every docs/*.md (docs/api/ is generated, not committed). */
const DOCUMENTS = [
  'README.md',
  'ARCHITECTURE.md',
  'CHANGELOG.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/**
 * GitHub's heading anchor (github-slugger): lower case, everything but letters, marks, numbers, `_`, `-` and spaces
 * removed, each space made `-`; the second heading with the same slug gets `-1`, the third `-2`…
 */
function githubSlugs(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base);
    seen.set(base, (count ?? -1) + 1);
    return count === undefined ? base : `${base}-${count + 1}`;
  });
}

/** The lines of a Markdown text with fenced code blocks blanked out, so code never counts as links or headings. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) {
      fence = marker;
      return '';
    }
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
      return '';
    }
    return line;
  });
}

/** A heading as GitHub renders its text: inline code, emphasis, links and HTML reduced to their text. */
function headingText(raw: string): string {
  return raw
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim();
}

/** The anchors of a Markdown document: its headings' slugs and any explicit `id`/`name` of HTML elements. */
function anchorsOf(text: string): Set<string> {
  const lines = proseLines(text);
  const headings: string[] = [];
  lines.forEach((line, index) => {
    const atx = /^ {0,3}#{1,6}\s+(.*)$/.exec(line);
    if (atx?.[1] !== undefined) return void headings.push(headingText(atx[1]));
    const next = lines[index + 1];
    if (line.trim() !== '' && next !== undefined && /^ {0,3}(=+|-+)\s*$/.test(next) && !/^\s*[-*+]\s/.test(line)) {
      headings.push(headingText(line));
    }
  });
  const html = [...text.matchAll(/<[a-z][^>]*\s(?:id|name)="([^"]+)"/gi)].map((match) => match[1] ?? '');
  return new Set([...githubSlugs(headings), ...html]);
}

interface Link {
  line: number;
  source: string;
  target: string;
}

/** Inline links and images `[text](target)`, `![alt](target)` and reference definitions `[id]: target`. */
function linksOf(text: string): Link[] {
  const links: Link[] = [];
  proseLines(text).forEach((rawLine, index) => {
    // Inline code is not a link: blank it out, keeping the other characters where they are.
    const line = rawLine.replace(/(`+)[^`]*?\1/g, (code) => ' '.repeat(code.length));
    for (const match of line.matchAll(/!?\[(?:[^\]\\]|\\.|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ line: index + 1, source: match[0], target: match[1] ?? '' });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition?.[1] !== undefined) links.push({ line: index + 1, source: line.trim(), target: definition[1] });
  });
  return links;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    anchors = anchorsOf(readFileSync(file, 'utf8'));
    anchorCache.set(file, anchors);
  }
  return anchors;
}

/** What is wrong with a relative link of `document`, or undefined when it resolves. */
function brokenReason(document: string, target: string): string | undefined {
  const hashAt = target.indexOf('#');
  const pathPart = (hashAt < 0 ? target : target.slice(0, hashAt)).replace(/\?.*$/, '');
  const anchor = hashAt < 0 ? undefined : target.slice(hashAt + 1);
  const file =
    pathPart === ''
      ? path.join(ROOT, document)
      : path.resolve(path.dirname(path.join(ROOT, document)), decodeURIComponent(pathPart));
  if (!file.startsWith(ROOT + path.sep) && file !== ROOT) return 'points outside the repository';
  if (!existsSync(file)) return `no such file: ${path.relative(ROOT, file)}`;
  if (anchor === undefined) return undefined;
  if (anchor === '') return 'empty anchor';
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return undefined; // GitHub's line anchors and the like
  if (!anchorsOfFile(file).has(decodeURIComponent(anchor)))
    return `no heading #${anchor} in ${path.relative(ROOT, file)}`;
  return undefined;
}

describe('githubSlugs', () => {
  it('lower-cases a heading and turns each space into a hyphen', () => {
    expect(githubSlugs(['Quick Start'])).toEqual(['quick-start']);
  });

  it('removes punctuation but keeps hyphens and underscores', () => {
    expect(githubSlugs(["The app's CPU: `npm run bench:lines` (Node 20, 22)"])).toEqual([
      'the-apps-cpu-npm-run-benchlines-node-20-22',
    ]);
    expect(githubSlugs(['MI_ACCOUNT_EMULATOR_HOST and passport-xiaomi'])).toEqual([
      'mi_account_emulator_host-and-passport-xiaomi',
    ]);
  });

  it('keeps letters of every script and drops symbols such as the em dash', () => {
    expect(githubSlugs(['[0.1.0] — 2026-11-24', '示例 应用'])).toEqual(['010--2026-11-24', '示例-应用']);
  });

  it('numbers repeated headings -1, -2 in order', () => {
    expect(githubSlugs(['Errors', 'Options', 'Errors', 'Errors'])).toEqual([
      'errors',
      'options',
      'errors-1',
      'errors-2',
    ]);
  });
});

describe('links in the Markdown documents', () => {
  it(`keeps README.md at ${README_MAX_LINES} lines or fewer`, () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(DOCUMENTS)('resolves every relative link and image of %s, anchors included', (document) => {
    const broken = linksOf(readFileSync(path.join(ROOT, document), 'utf8'))
      .filter((link) => !isExternal(link.target))
      .flatMap((link) => {
        const reason = link.target === '' ? 'empty link' : brokenReason(document, link.target);
        return reason ? [`${document}:${link.line} ${link.source} — ${reason}`] : [];
      });
    expect(broken).toEqual([]);
  });
});
