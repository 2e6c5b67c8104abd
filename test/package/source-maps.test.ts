import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface SourceMap {
  sources: string[];
  sourcesContent?: Array<string | null>;
}

describe('the source maps in the package', () => {
  let files: string[];

  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run npm run build first (npm test does)');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--dry-run', '--json'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, npm_config_loglevel: 'error' },
      }),
    ) as Array<{ files: Array<{ path: string }> }>;
    files = packed[0]!.files.map((f) => f.path);
  }, 60_000);

  it('are shipped for the build', () => {
    expect(files.filter((f) => f.endsWith('.map')).length).toBeGreaterThan(10);
  });

  it('each carry every source they point to, or point only to files in the package', () => {
    const unresolved: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as SourceMap;
      map.sources.forEach((source, i) => {
        const shipped = files.includes(path.posix.join(path.posix.dirname(file), source));
        if (!shipped && typeof map.sourcesContent?.[i] !== 'string') unresolved.push(`${file} → ${source}`);
      });
    }
    expect(unresolved).toEqual([]);
  });

  it('hold the TypeScript source the build was made from', () => {
    const map = JSON.parse(readFileSync(path.join(root, 'dist/strategy/strategy.js.map'), 'utf8')) as SourceMap;
    expect(map.sources).toEqual(['../../lib/strategy/strategy.ts']);
    expect(map.sourcesContent?.[0]).toBe(readFileSync(path.join(root, 'lib/strategy/strategy.ts'), 'utf8'));
  });
});
