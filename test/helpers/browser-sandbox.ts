// Checks that lib code runs without Node: a grep of its imports and globals, and a vm sandbox that loads it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every module specifier of a TypeScript source: static, re-export, dynamic import and require. */
export function specifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
}

/** Problems that keep a source from running in a browser. */
export function nodeOnlyUses(source: string): string[] {
  const problems = specifiers(source)
    .filter((name) => name.startsWith('node:') || BUILTINS.has(name) || BUILTINS.has(name.split('/')[0] ?? ''))
    .map((name) => `imports ${name}`);
  if (/\brequire\s*\(/.test(source)) problems.push('calls require(');
  if (/\bBuffer\b/.test(source)) problems.push('uses Buffer');
  if (/\bprocess\./.test(source)) problems.push('uses process');
  if (/\b__dirname\b|\b__filename\b/.test(source)) problems.push('uses __dirname/__filename');
  return problems;
}

/** The file a relative specifier names, as TypeScript resolves it: `x.ts`, else `x/index.ts`. */
export function resolveSpecifier(fromFile: string, name: string): string {
  const base = resolve(join(fromFile, '..'), name);
  if (name.endsWith('.ts')) return base;
  return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
}

/** A lib file and every lib file it imports, transitively, with their sources. */
export function libClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (files.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    files.set(file, source);
    for (const name of specifiers(source)) {
      if (name.startsWith('.')) pending.push(resolveSpecifier(file, name));
    }
  }
  return files;
}

/**
 * A vm context with only what a browser page also has that lib code may use: URL, URLSearchParams and
 * crypto.getRandomValues (no process, Buffer, require).
 */
export function browserContext(): vm.Context {
  return vm.createContext({
    URL,
    URLSearchParams,
    crypto: {
      getRandomValues<T extends Uint8Array>(array: T): T {
        array.set(randomBytes(array.length));
        return array;
      },
    },
  });
}

/**
 * Loads `entry` (a lib .ts file) and what it imports inside `context`, each transpiled to CommonJS; a `require` of
 * anything but a relative lib file throws. Returns the entry's exports; `loaded` receives every file evaluated.
 */
export function loadInSandbox(
  entry: string,
  context: vm.Context,
  loaded: Set<string> = new Set(),
): Record<string, unknown> {
  const closure = libClosure(entry);
  const cache = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached) return cached;
    const source = closure.get(file);
    if (source === undefined) throw new Error(`not in the closure: ${file}`);
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false },
    }).outputText;
    const exports: Record<string, unknown> = {};
    cache.set(file, exports);
    loaded.add(file);
    const requireShim = (name: string): unknown => {
      if (!name.startsWith('.')) throw new Error(`browser code required "${name}"`);
      return load(resolveSpecifier(file, name));
    };
    const wrapper: unknown = vm.runInContext(`(function (exports, require) {${js}\n})`, context);
    if (typeof wrapper !== 'function') throw new Error('transpiled module did not evaluate to a function');
    wrapper(exports, requireShim);
    return exports;
  };
  return load(entry);
}
