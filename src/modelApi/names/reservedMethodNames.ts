/**
 * Method names that must not be used as is, and why. Such a name gets a trailing `_` (`then` → `then_`),
 * and the declaration's JSDoc says so.
 *
 * Namespaces need no such list: they are PascalCase, so never a reserved word nor an object member, and a
 * namespace named `Promise` or `Object` shadows no global type (a namespace is not a type; a test checks it).
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
 * Words that cannot name a `function` declaration, which is how methods are declared inside
 * `declare namespace mcpTools { namespace Server { … } }`. The strict-mode-only words (`let`, `package`,
 * `static`, `yield`, `await`…) are accepted there, so they are not renamed (a test checks both lists).
 */
const reservedWords = [
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else',
  'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof',
  'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void',
  'while', 'with',
];

const methodReasons = new Map<string, string>([
  ...objectMachinery.map((name) => [name, `${name} is a built-in member of every object`] as const),
  ...reservedWords.map((name) => [name, `${name} is a reserved word in JavaScript`] as const),
]);

/** The words `reservedMethodReason` renames, for tests that compile every one of them. */
export const reservedMethodNames: readonly string[] = [...objectMachinery, ...reservedWords];

/** Why `method` cannot be used as is, or `undefined` when it can. */
export function reservedMethodReason(method: string): string | undefined {
  return methodReasons.get(method);
}
