/**
 * What `execute_code` gives a client beyond JSON (SPEC: "What the model gets, beyond declared types"):
 * content blocks that code returns reach the client as blocks, and a request with a `progressToken`
 * hears of each inner call as it finishes. One in-process HTTP gateway over server-everything, the
 * official SDK client upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, connectHttp, executionResultValidator, startHttpGateway } from './gatewayHelpers.ts';
import { officialServer } from '../fixtures/servers.ts';

const maxReturnBytes = 20_000;
const closer = new Closer();
let client: Client;
let validate: (value: unknown) => string | undefined;

beforeAll(async () => {
  const served = await startHttpGateway(closer, { mcpServers: { everything: officialServer('everything') }, codeMode: { timeout: 30_000, memoryMb: 64, maxReturnBytes } });
  client = await connectHttp(closer, served.url);
  validate = await executionResultValidator(client);
});

afterAll(() => closer.closeAll());

type Block = { type: string; text?: string; data?: string; mimeType?: string };

async function run(code: string, options: Parameters<Client['callTool']>[1] = {}) {
  const result = await client.callTool({ name: 'execute_code', arguments: { code } }, options);
  expect(validate(result.structuredContent)).toBeUndefined();
  return { ...result, content: result.content as Block[], structured: result.structuredContent as { success: boolean; errorCode?: string; returnValue?: unknown } };
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('content blocks returned by code', () => {
  it('an image block from server-everything reaches the client as an image block, its data not repeated in the text', async () => {
    const answer = await run("const blocks = await mcpTools.Everything.getTinyImage({});\nreturn blocks.find((block) => block.type === 'image');");
    expect(answer.isError).toBeFalsy();
    expect(answer.content.map((block) => block.type)).toEqual(['text', 'image']);
    const image = answer.content[1]!;
    expect(image.mimeType).toBe('image/png');
    expect(Buffer.from(image.data!, 'base64').subarray(0, 8)).toEqual(pngSignature);
    expect(image.data).toBe((answer.structured.returnValue as Block).data);
    expect(answer.content[0]!.text).toContain('Return value: 1 content block, sent after this text: image (image/png).');
    expect(answer.content[0]!.text).not.toContain(image.data!.slice(0, 40));
  });

  it("a tool's whole content array, text around the image, comes through block for block", async () => {
    const answer = await run('return await mcpTools.Everything.getTinyImage({});');
    expect(answer.content.map((block) => block.type)).toEqual(['text', 'text', 'image', 'text']);
    expect(answer.content[1]!.text).toBe("Here's the image you requested:");
    expect(answer.content[0]!.text).toContain('Return value: 3 content blocks, sent after this text: 2 × text, image (image/png).');
  });

  it('a resource link block comes through as one', async () => {
    const answer = await run('const blocks = await mcpTools.Everything.getResourceLinks({ count: 2 });\nreturn blocks.filter((block) => block.type === "resource_link");');
    expect(answer.content.map((block) => block.type)).toEqual(['text', 'resource_link', 'resource_link']);
  });

  it('hundreds of tiny blocks of many kinds: each is sent, the text names a few kinds and stays short', async () => {
    const answer = await run("return Array.from({ length: 300 }, (_, i) => ({ type: 'image', data: 'QUFB', mimeType: `image/x-${i % 30}` }));");
    expect(answer.structured.success).toBe(true);
    expect(answer.content).toHaveLength(301);
    expect(answer.content[0]!.text).toContain('Return value: 300 content blocks, sent after this text: 10 × image (image/x-0), ');
    expect(answer.content[0]!.text).toContain(', 20 more kinds.');
    expect(answer.content[0]!.text!.length).toBeLessThan(1_000);
  });

  it('an image over the return budget fails the execution as RETURN_TOO_LARGE and sends no block', async () => {
    const answer = await run(`return { type: 'image', mimeType: 'image/png', data: 'QUFB'.repeat(${maxReturnBytes / 2}) };`);
    expect(answer.isError).toBe(true);
    expect(answer.structured.errorCode).toBe('RETURN_TOO_LARGE');
    expect(answer.content.map((block) => block.type)).toEqual(['text']);
  });

  it('malformed blocks (no mimeType, data not a string, data not base64, beside a non-block) stay plain JSON', async () => {
    const malformed = [
      "{ type: 'image', data: 'QUFB' }",
      "{ type: 'image', data: 42, mimeType: 'image/png' }",
      "{ type: 'audio', data: 'not base64!', mimeType: 'audio/wav' }",
      "[{ type: 'image', data: 'QUFB', mimeType: 'image/png' }, { note: 'not a block' }]",
      "{ type: 'resource', resource: 'nope' }",
    ];
    for (const value of malformed) {
      const answer = await run(`return ${value};`);
      expect(answer.isError, value).toBeFalsy();
      expect(answer.content.map((block) => block.type), value).toEqual(['text']);
      expect(answer.content[0]!.text, value).toContain('Return value:\n');
      expect(answer.structured.returnValue, value).toBeDefined();
    }
  });
});

describe('progress', () => {
  const fiveCalls = 'for (let i = 0; i < 5; i++) await mcpTools.Everything.echo({ message: `call ${i}` });\nreturn "done";';

  it('with a progressToken, five inner calls send five progress notifications, in order, naming the call', async () => {
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const answer = await run(fiveCalls, { onprogress: (update) => void progress.push(update) });
    expect(answer.structured.success).toBe(true);
    expect(progress.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5]);
    for (const update of progress) expect(update.message).toMatch(/^everything\.echo returned/);
  });

  it('without a progressToken, no progress notification is sent', async () => {
    const seen: unknown[] = [];
    client.setNotificationHandler('notifications/progress', (notification) => void seen.push(notification));
    const answer = await run(fiveCalls);
    expect(answer.structured.success).toBe(true);
    expect(seen).toEqual([]);
  });
});
