/**
 * Hazard: an unknown tool's error listed every tool name, uncut: a server with hundreds of tools (or
 * a few with very long names) put all of them into one message the model reads with a context
 * budget. The list is capped, the names closest to what was asked for first, then "… and N more".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownToolMessage } from '../../src/servers/outcomes/routingMessages.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings } from '../../src/sandbox/Sandbox.ts';

const many = Array.from({ length: 500 }, (_, index) => `tool_${index}`);

describe("an unknown tool's error lists a capped number of names", () => {
  it('from a server: the closest names first, then how many more', () => {
    const message = unknownToolMessage('big', 'zzz_499', many);
    // tool_499 is listed last, so only ranking by closeness shows it among 20.
    expect(message).toMatch(/^Unknown tool big\.zzz_499; big has: (tool_\d+, ){20}… and 480 more$/);
    expect(message).toContain(' tool_499,');
    expect(message.split(', ')).toHaveLength(21);
  });

  it('from a server whose names are very long: the message stays short', () => {
    const long = Array.from({ length: 30 }, (_, index) => `${String(index).padStart(3, '0')}${'x'.repeat(10_000)}`);
    const message = unknownToolMessage('wide', 'q', long);
    expect(message.length).toBeLessThan(2_000);
    expect(message).toMatch(/… and \d+ more$/);
  });

  it('a very long unknown name: cut in the message, compared by its start only', () => {
    const message = unknownToolMessage('big', `tool_7${'x'.repeat(100_000)}`, many);
    expect(message.length).toBeLessThan(2_000);
    expect(message).toMatch(/^Unknown tool big\.tool_7x+…; /);
  });

  it('a short list is still given whole, in its order', () => {
    expect(unknownToolMessage('fault', 'stats', ['slow', 'fail', 'echoJson'])).toBe('Unknown tool fault.stats; fault has: slow, fail, echoJson');
  });
});

describe("an unknown tool's error in the sandbox lists a capped number of names", () => {
  const bindings: ToolBindings = {
    namespaces: {
      Big: Object.fromEntries(many.map((name) => [name, { server: 'big', tool: name }])),
      ...Object.fromEntries(many.map((name) => [`Ns${name}`, {}])),
    },
  };
  let sandbox: WorkerSandbox;
  beforeAll(() => {
    sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  const run = (code: string) => sandbox.execute({ code, bindings }, async () => ({ ok: true, value: null }));

  it('for a method: the closest first, then how many more', async () => {
    const result = await run('return await mcpTools.Big.qqq_499({});');
    expect(result).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
    expect(result.error).toMatch(/mcpTools\.Big\.qqq_499 is not a tool\. Tools of Big: (tool_\d+, ){20}… and 480 more\.$/);
    expect(result.error).toContain(' tool_499,');
  });

  it('for a namespace: the closest first, then how many more', async () => {
    const result = await run('return await mcpTools.Qqqq.x({});');
    expect(result).toMatchObject({ success: false, errorCode: 'UNKNOWN_TOOL' });
    expect(result.error).toMatch(/mcpTools\.Qqqq is not a namespace\. Namespaces: .*, … and 481 more\.$/);
  });
});
