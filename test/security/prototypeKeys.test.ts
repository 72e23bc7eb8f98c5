import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigText } from '../../src/config/index.ts';
import { CodeGoatError } from '../../src/errors.ts';

// JSON makes "__proto__" an ordinary key, but a JavaScript object that gets it assigned takes it as
// its prototype: the key, and the server or variable under it, vanished without a word. Such a key
// is refused with CONFIG_INVALID naming its path, in either shape of the config and anywhere in it.
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(CodeGoatError);
    expect((error as CodeGoatError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('a "__proto__" key in the config', () => {
  it('server-keyed-proto-is-refused-not-dropped', () => {
    const message = refusal(() => parseConfigText('{ "mcpServers": { "__proto__": { "command": "x" }, "ok": { "command": "y" } } }', { env: {} }));
    expect(message).toContain('mcpServers.__proto__');
    expect(message).toMatch(/"__proto__"/);
  });

  it('server-named-proto-in-the-servers-list-is-refused', () => {
    const message = refusal(() => parseConfigText('{ "servers": [{ "name": "__proto__", "command": "x" }] }', { env: {} }));
    expect(message).toContain('servers[0].name');
  });

  it('proto-key-in-env-or-headers-is-refused-not-dropped', () => {
    const message = refusal(() =>
      parseConfigText('{ "mcpServers": { "a": { "command": "x", "env": { "__proto__": "v", "K": "w" } }, "b": { "url": "http://127.0.0.1:1/mcp", "headers": { "__proto__": "v" } } } }', {
        env: {},
      }),
    );
    expect(message).toContain('mcpServers.a.env.__proto__');
    expect(message).toContain('mcpServers.b.headers.__proto__');
  });

  it('proto-key-in-a-config-object-is-refused-too', () => {
    // A program's object literal cannot even hold it without defineProperty or JSON.parse; both are refused.
    const input = JSON.parse('{ "mcpServers": { "__proto__": { "command": "x" } } }') as unknown;
    expect(refusal(() => parseConfig(input))).toContain('mcpServers.__proto__');
  });

  it('other-names-that-look-like-object-members-still-work', () => {
    const config = parseConfigText('{ "mcpServers": { "constructor": { "command": "x" }, "toString": { "command": "y", "env": { "hasOwnProperty": "z" } } } }', { env: {} });
    expect(Object.keys(config.mcpServers)).toEqual(['constructor', 'toString']);
  });
});
