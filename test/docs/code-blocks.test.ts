import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPS_DEPENDENCIES } from '../consumers/projects';
import {
  FORMATS,
  allBlocks,
  assertBuilt,
  compileBlock,
  extractBlocks,
  foreignPackages,
  formatManifest,
  linkNodeModules,
  packagesOf,
  type ModuleFormat,
} from './blocks';

// Every TypeScript block of README.md and docs/*.md compiles on its own, as a module of a `tsc --init` project
// (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, module nodenext), as CommonJS and as ESM, against the
// package's published types: `passport-mi-account` and its subpaths resolve through package.json exports to the built
// dist/*.d.ts. A block says what it assumes with `declare const`. Blocks importing packages this repository does not
// install (NestJS, Fastify, Koa) compile in the consumer project that installs them (npm run test:consumers).

const blocks = allBlocks();
const here = blocks.filter((block) => foreignPackages(block).length === 0);

describe('extractBlocks', () => {
  const markdown = [
    '# Title', // 1
    '```sh', // 2
    'npm install', // 3
    '```', // 4
    '- an item:', // 5
    '', // 6
    '  ```typescript', // 7
    "  import Router from '@koa/router';", // 8
    '    const indented = 1;', // 9
    '  ```', // 10
    '~~~ts', // 11
    "import { x } from 'passport-mi-account/emulator';", // 12
    '```', // 13: a backtick fence does not close a tilde fence
    '~~~', // 14
  ].join('\n');

  it('finds ```ts, ```typescript and ~~~ts blocks, by the line of their fence, without their indentation', () => {
    expect(extractBlocks('X.md', markdown)).toEqual([
      {
        document: 'X.md',
        line: 7,
        name: 'X.md:7',
        code: "import Router from '@koa/router';\n  const indented = 1;\n",
        indent: 2,
        packages: ['@koa/router'],
      },
      {
        document: 'X.md',
        line: 11,
        name: 'X.md:11',
        code: "import { x } from 'passport-mi-account/emulator';\n```\n",
        indent: 0,
        packages: ['passport-mi-account'],
      },
    ]);
  });

  it('names the packages a block imports: no subpath, no Node built-in, no relative path', () => {
    const code = [
      "import type { A } from '@nestjs/common/decorators';",
      "import 'express-session';",
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
      "import { y } from './y';",
      "declare module 'express-session' {}",
      "const koa = require('koa');",
    ].join('\n');
    expect(packagesOf(code)).toEqual(['@nestjs/common', 'express-session', 'koa']);
  });
});

describe('TypeScript blocks of README.md and docs/*.md', () => {
  let work: string;
  const dirs = {} as Record<ModuleFormat, string>;

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(path.join(tmpdir(), 'mi-docs-blocks-'));
    linkNodeModules(work);
    for (const format of FORMATS) {
      dirs[format] = path.join(work, format);
      mkdirSync(dirs[format]);
      writeFileSync(path.join(dirs[format], 'package.json'), formatManifest(format));
    }
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds the blocks: README.md has some, and every one is compiled here or in the consumers test', () => {
    expect(blocks.filter((block) => block.document === 'README.md').length).toBeGreaterThan(0);
    const installed = new Set(Object.keys(APPS_DEPENDENCIES));
    const unchecked = blocks
      .filter((block) => foreignPackages(block).some((name) => !installed.has(name)))
      .map((block) => `${block.name} imports ${foreignPackages(block).join(', ')}`);
    // A block listed here imports a package that neither this repository nor test/consumers installs: add it to
    // devDependencies (its types suffice) or to APPS_DEPENDENCIES in test/consumers/projects.ts.
    expect(unchecked).toEqual([]);
  });

  it.each(here.map((block) => [block.name, block] as const))('%s compiles as CommonJS and as ESM', (_name, block) => {
    const diagnostics = FORMATS.flatMap((format) =>
      compileBlock(dirs[format], block, format).map((line) => `[${format}] ${line}`),
    );
    expect(diagnostics).toEqual([]);
  });
});
