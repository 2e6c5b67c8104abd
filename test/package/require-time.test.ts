// Issue #24: require('passport-mi-account') reads one bundled module and none of the optional parts (the button, the
// subpaths), which load when first used. The time it takes against passport-oauth2's own is a figure of npm run bench.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
describe("require('passport-mi-account')", () => {
  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/index.js')))
      throw new Error('dist/ is missing: run npm run build first (npm test does)');
  });

  it('loads none of the optional parts: the button, the subpath entries, the emulator, the browser helper', () => {
    const script = `
      const before = new Set(Object.keys(require.cache));
      require(${JSON.stringify(path.join(root, 'dist/index.js'))});
      const dist = ${JSON.stringify(path.join(root, 'dist') + path.sep)};
      const loaded = Object.keys(require.cache).filter((file) => !before.has(file) && file.startsWith(dist));
      console.log(JSON.stringify(loaded.map((file) => file.slice(dist.length).split(require('node:path').sep).join('/'))));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
    expect(loaded).toContain('index.js');
    const optional = /^(button|emulator|browser)\/|^browser\.js$|^entries\/(protocol|button)\.js$/;
    expect(loaded.filter((file) => optional.test(file))).toEqual([]);
  });

  it('reads one module of its own (the bundled main entry), not one per source file', () => {
    const script = `
      const before = new Set(Object.keys(require.cache));
      require(${JSON.stringify(path.join(root, 'dist/index.js'))});
      console.log(JSON.stringify(Object.keys(require.cache).filter((file) => !before.has(file) && !file.includes('node_modules'))));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
    expect(loaded).toEqual([path.join(root, 'dist', 'index.js')]);
  });
});
