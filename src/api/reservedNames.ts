/**
 * Names a generated namespace or method must not take, and why. A name on these lists gets a trailing `_`
 * (`then` → `then_`, `Promise` → `Promise_`), and the declaration's JSDoc says so.
 */

/**
 * Members every object already has, or that the language calls by itself: a method named `then` would make
 * `await mcpTools.Server` treat the namespace as a promise, `toJSON` would change how it prints,
 * `constructor`/`__proto__`/`toString`… would replace the object's own machinery.
 */
const objectMachinery = [
  'then', 'toJSON', 'prototype', 'constructor', '__proto__', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
];

/**
 * Words that cannot name a `function` declaration in strict code, which is how methods are declared
 * inside `declare namespace mcpTools { namespace Server { … } }`.
 */
const reservedWords = [
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof',
  'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void',
  'while', 'with', 'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static',
  'yield', 'await', 'eval', 'arguments',
];

/**
 * Globals a namespace of the same name would shadow inside `declare namespace mcpTools`: the declarations
 * use `Promise` there, and the rest are the built-ins a reader expects to mean what they always mean.
 */
const shadowedGlobals = [
  'Promise', 'PromiseLike', 'Awaited', 'Object', 'Function', 'Array', 'ReadonlyArray', 'String', 'Number',
  'Boolean', 'Symbol', 'BigInt', 'Error', 'ToolError', 'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'JSON', 'Math', 'Record', 'Partial', 'Required', 'Readonly', 'Pick', 'Omit', 'Uint8Array', 'ArrayBuffer',
];

const methodReasons = new Map<string, string>([
  ...objectMachinery.map((name) => [name, `${name} is a built-in member of every object`] as const),
  ...reservedWords.map((name) => [name, `${name} is a reserved word in JavaScript`] as const),
]);

const namespaceReasons = new Map<string, string>(
  shadowedGlobals.map((name) => [name, `${name} would shadow the global ${name}`] as const),
);

/** Why `method` cannot be used as is, or `undefined` when it can. */
export function reservedMethodReason(method: string): string | undefined {
  return methodReasons.get(method);
}

/** Why `namespace` cannot be used as is, or `undefined` when it can. */
export function reservedNamespaceReason(namespace: string): string | undefined {
  return namespaceReasons.get(namespace);
}
