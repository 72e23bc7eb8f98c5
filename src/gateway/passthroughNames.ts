import { createHash } from 'node:crypto';

/**
 * Upstream names of passed-through tools and prompts: `<server>__<name>`, within what MCP clients
 * accept (`^[a-zA-Z0-9_-]{1,64}$`). Other characters become `_`; a name past 64 characters keeps a
 * short hash of the original so two long names stay apart; a collision gets `_2`, `_3`… in the
 * order the entries come. The mapping goes both ways.
 */
export class PassthroughNames {
  readonly #byUpstream = new Map<string, { server: string; name: string }>();
  readonly #byOriginal = new Map<string, string>();

  constructor(entries: Iterable<{ readonly server: string; readonly name: string }>) {
    for (const { server, name } of entries) {
      const base = upstreamBase(server, name);
      let upstream = base;
      for (let n = 2; this.#byUpstream.has(upstream); n++) upstream = withSuffix(base, `_${n}`);
      this.#byUpstream.set(upstream, { server, name });
      this.#byOriginal.set(key(server, name), upstream);
    }
  }

  upstreamName(server: string, name: string): string | undefined {
    return this.#byOriginal.get(key(server, name));
  }

  resolve(upstream: string): { server: string; name: string } | undefined {
    return this.#byUpstream.get(upstream);
  }

  names(): string[] {
    return [...this.#byUpstream.keys()];
  }
}

const maxLength = 64;

/** How every upstream name of `server`'s tools and prompts begins (names past 64 characters aside). */
export function passthroughPrefix(server: string): string {
  return `${sanitize(server)}__`;
}

function upstreamBase(server: string, name: string): string {
  const full = `${sanitize(server)}__${sanitize(name)}`;
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(`${server}\0${name}`).digest('hex').slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1)}_${hash}`;
}

function withSuffix(base: string, suffix: string): string {
  return base.slice(0, maxLength - suffix.length) + suffix;
}

function sanitize(part: string): string {
  return part.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
}

function key(server: string, name: string): string {
  return `${server}\0${name}`;
}
