/**
 * The rules of the house (docs/ARCHITECTURE.md), checked on the source itself: which folder may
 * import which, no import cycle between modules, the sandbox free of the MCP SDK, and no folder so
 * full that its name stops telling what is in it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcRoot = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Each top-level part of src/ and the parts it may import besides the leaves below; anything not
 * listed is an upward (or sideways) import.
 */
const allowedImports: Readonly<Record<string, readonly string[]>> = {
  'text': [],
  'launch': [],
  'errors.ts': [],
  'version.ts': [],
  'observability': [],
  'config': ['observability'],
  'catalog': [],
  'servers': ['observability', 'config', 'catalog'],
  'sandbox': ['catalog'],
  'modelApi': ['catalog'],
  'telemetry': ['observability', 'config', 'catalog', 'sandbox'],
  'governance': ['observability', 'config', 'catalog'],
  'codeMode': ['observability', 'config', 'catalog', 'servers', 'sandbox', 'modelApi', 'telemetry', 'governance'],
  'gateway': ['observability', 'config', 'catalog', 'servers', 'sandbox', 'modelApi', 'codeMode', 'telemetry', 'governance'],
};
/** Leaves with no imports of their own (plain helpers, the error table, the version, every default): any layer may read them. */
const leaves = new Set(['text', 'launch', 'errors.ts', 'version.ts']);
const leafFiles = new Set(['config/defaults.ts']);
/** The entry points at the top: they may import anything. */
const entryPoints = new Set(['cli.ts', 'index.ts']);
const maxFilesPerFolder = 15;

interface Module {
  readonly file: string; // relative to src/, with forward slashes
  readonly imports: readonly string[]; // relative module files, resolved
  readonly packages: readonly string[]; // bare specifiers
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function readModule(full: string): Module {
  const text = readFileSync(full, 'utf8');
  const specifiers = [...text.matchAll(/\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)].map((match) => (match[1] ?? match[2]) as string);
  const dynamic = [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1] as string);
  const all = [...specifiers, ...dynamic];
  const relative = all.filter((specifier) => specifier.startsWith('.'));
  return {
    file: path.relative(srcRoot, full).split(path.sep).join('/'),
    imports: relative.map((specifier) => path.relative(srcRoot, path.resolve(path.dirname(full), specifier)).split(path.sep).join('/')),
    packages: all.filter((specifier) => !specifier.startsWith('.')),
  };
}

const modules = sourceFiles(srcRoot).map(readModule);
const partOf = (file: string) => file.split('/')[0] as string;

describe('the house rules, on src/', () => {
  it('finds the modules it checks', () => {
    expect(modules.length).toBeGreaterThan(50);
  });

  it('every top-level part of src/ is a known layer or entry point', () => {
    const unknown = [...new Set(modules.map((module) => partOf(module.file)))].filter((part) => !(part in allowedImports) && !entryPoints.has(part));
    expect(unknown).toEqual([]);
  });

  it('imports point only down the layers', () => {
    const upward = modules.flatMap((module) => {
      const from = partOf(module.file);
      if (entryPoints.has(from)) return [];
      const allowed = allowedImports[from] ?? [];
      const mayImport = (target: string) => partOf(target) === from || allowed.includes(partOf(target)) || leaves.has(partOf(target)) || leafFiles.has(target);
      return module.imports.filter((target) => !mayImport(target)).map((target) => `${module.file} -> ${target}`);
    });
    expect(upward).toEqual([]);
  });

  it('the leaves import nothing but other leaves', () => {
    const leafModules = modules.filter((module) => leaves.has(partOf(module.file)) || leafFiles.has(module.file));
    const imports = leafModules.flatMap((module) =>
      module.imports.filter((target) => !leaves.has(partOf(target)) && !leafFiles.has(target)).map((target) => `${module.file} -> ${target}`),
    );
    expect(imports).toEqual([]);
  });

  it('the sandbox knows nothing of MCP', () => {
    const sdkImports = modules
      .filter((module) => partOf(module.file) === 'sandbox')
      .flatMap((module) => module.packages.filter((name) => name.startsWith('@modelcontextprotocol/')).map((name) => `${module.file} -> ${name}`));
    expect(sdkImports).toEqual([]);
  });

  it('no module imports itself through a circle of imports', () => {
    const graph = new Map(modules.map((module) => [module.file, module.imports.filter((target) => target !== module.file)]));
    const cycles = stronglyConnected(graph).filter((component) => component.length > 1);
    expect(cycles).toEqual([]);
  });

  it(`no folder holds more than ${maxFilesPerFolder} files directly`, () => {
    const counts = new Map<string, number>();
    for (const module of modules) counts.set(path.posix.dirname(module.file), (counts.get(path.posix.dirname(module.file)) ?? 0) + 1);
    const crowded = [...counts].filter(([, count]) => count > maxFilesPerFolder).map(([folder, count]) => `${folder}: ${count}`);
    expect(crowded).toEqual([]);
  });
});

/** Tarjan's algorithm: the strongly connected components of a directed graph. */
function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    lowLinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        lowLinks.set(node, Math.min(lowLinks.get(node) as number, lowLinks.get(next) as number));
      } else if (onStack.has(next)) {
        lowLinks.set(node, Math.min(lowLinks.get(node) as number, indices.get(next) as number));
      }
    }
    if (lowLinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return components;
}
