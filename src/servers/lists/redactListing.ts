import { isContainer, type Container, type SecretRedactor } from '../../observability/redactSecrets.ts';

/**
 * What a listing holds as identifiers: the names calls and reads are routed by (a tool's, a prompt's
 * and its arguments', a server's), a resource's URI, and what of a schema a call must send back as it
 * is (its property names, `required`, `enum`, `const`) or that decides validation (`type`, `pattern`,
 * `format`, references). An `env` value of one server that happens to be a word (`info`, `production`)
 * turned `get_info` of another into `get_[redacted]`, the name the gateway then called.
 */
const identifierKeys = new Set(['name', 'server', 'uri', 'uriTemplate', 'required', 'enum', 'const', 'type', 'format', 'pattern', 'mimeType', '$ref', '$id', '$schema', '$anchor', '$dynamicRef', '$dynamicAnchor']);

/**
 * A server's listing (tools, resources, prompts) with every secret redacted from its text (descriptions,
 * titles, examples, defaults, whatever else it says), its keys and its identifiers kept as the server
 * wrote them (see `identifierKeys`): they are how the model calls what is listed, and how the call is
 * routed. A copy; walked without recursion (a listed schema may nest deep).
 */
export function redactListing<T>(listing: T, redactor: SecretRedactor): T {
  if (!redactor.active) return listing;
  /** Each container to copy, its copy, and whether its strings are identifiers (an array under an identifier key). */
  const pending: [Container, Container, boolean][] = [];
  const copyOf = (item: unknown, kept: boolean): unknown => {
    if (typeof item === 'string') return kept ? item : redactor.text(item);
    if (!isContainer(item)) return item;
    const copy: Container = Array.isArray(item) ? [] : (Object.create(Object.getPrototypeOf(item) as object | null) as Record<string, unknown>);
    pending.push([item, copy, kept && Array.isArray(item)]);
    return copy;
  };
  const root = copyOf(listing, false);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [source, target, kept] = next;
    if (Array.isArray(source)) {
      for (let index = 0; index < source.length; index++) (target as unknown[])[index] = copyOf(source[index], kept);
    } else {
      for (const [key, item] of Object.entries(source)) {
        // defineProperty: a key "__proto__" stays data, as JSON made it.
        Object.defineProperty(target, key, { value: copyOf(item, identifierKeys.has(key)), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return root as T;
}
