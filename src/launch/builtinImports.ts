import type { Plugin } from 'esbuild';

/**
 * An esbuild plugin for our bundles: `import … from 'node:http'` in an ES module becomes a read of
 * `process.getBuiltinModule('node:http')`, which is what a CommonJS `require` gets.
 *
 * Why: an ES module import of a built-in makes Node copy every export of it into the module namespace
 * at once, and `node:http`'s `WebSocket`, `CloseEvent` and `MessageEvent` are getters that load undici,
 * Node's whole fetch stack (nodejs/node#59686). Measured on our 2-core machine: `import 'node:http'`
 * 47-60 ms, `getBuiltinModule('node:http')` 4-6 ms. The gateway imports `node:http` (its HTTP entry,
 * the MCP SDK's Node adapter) even when it serves over stdio, and so does server-everything: each of
 * their starts paid for a fetch stack it never used.
 *
 * The virtual module exports the built-in's plain data properties by name (a getter is left out: reading
 * it here would load what we avoid); an import of a name it lacks fails the build, loudly.
 */
export function builtinImportsWithoutUndici(): Plugin {
  return {
    name: 'builtin-imports-without-undici',
    setup(build) {
      build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
        args.kind === 'import-statement' || args.kind === 'dynamic-import' ? { path: 'node:http', namespace: namespace } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: namespace }, () => ({ contents: httpModuleSource(), loader: 'js' }));
    },
  };
}

const namespace = 'builtin-without-undici';

/** Whether an input esbuild lists (its metafile) is this plugin's virtual module, not a file. */
export const isVirtualInput = (input: string): boolean => input.startsWith(`${namespace}:`);

/** The virtual module's text: the built-in as its default export, and each plain property as a named one. */
function httpModuleSource(): string {
  const http = process.getBuiltinModule('node:http');
  const names = Object.keys(http).filter((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(http, name);
    return descriptor !== undefined && !('get' in descriptor) && /^[A-Za-z_$][\w$]*$/.test(name);
  });
  return [
    // Resolved when the bundle runs, from the Node running it, never copied from the one that built it.
    "const http = process.getBuiltinModule('node:http');",
    'export default http;',
    `export const { ${names.join(', ')} } = http;`,
  ].join('\n');
}
