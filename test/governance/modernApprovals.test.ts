/**
 * A 2026-07-28 client that declared elicitation is asked for approvals through `input_required`
 * rounds, and the call it made outlives each request. What that must not cost: a client that walks away
 * from a question does not leave its execution waiting forever (its later questions are declined at
 * once, and the execution ends); cancelling the request cancels the execution and its calls
 * downstream, and progress still reaches it; over stdio, where the SDK records no capabilities on the
 * server for such a client, it is asked as over HTTP. Real gateways, real SDK clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, connectStdioCli, eventually, makeWorkspace, startHttpGateway, writeConfigFile, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { faultServer, ledgerServer } from '../fixtures/servers.ts';
import { connectAs, execute } from './governanceHelpers.ts';

const token = 'modern-approvals-token-0123456789';
const closer = new Closer();
let gateway: InProcessHttpGateway;
const modernAsker = { versionNegotiation: { mode: 'auto' as const }, capabilities: { elicitation: { form: {} } } };

beforeAll(async () => {
  gateway = await startHttpGateway(closer, {
    mcpServers: { vault: ledgerServer(), fault: faultServer() },
    auth: { tokens: [{ name: 'ops', token }] },
    // Short: a question nobody answers is declined after a second.
    policy: { approvalTimeoutMs: 1_000 },
  });
}, 60_000);
afterAll(() => closer.closeAll());

async function ledgerTexts(client: Client): Promise<string[]> {
  return ((await execute(client, 'return await mcpTools.Vault.ledger();')).returnValue as { calls: { text: string }[] }).calls.map((call) => call.text);
}

describe('a 2026-07-28 client that declared elicitation', () => {
  it('walks away from a question: its execution goes on with every later question declined, and ends', async () => {
    const walker = await connectAs(closer, gateway.url, token, modernAsker);
    expect(walker.getProtocolEra()).toBe('modern');
    let asked = 0;
    walker.setRequestHandler('elicitation/create', () => {
      asked += 1;
      return new Promise(() => {}); // the human never answers
    });
    const away = new AbortController();
    const code = `const codes = [];
for (const text of ['walk a', 'walk b', 'walk c']) { try { await mcpTools.Vault.deleteNote({ text }); codes.push('ran'); } catch (error) { codes.push(error.code); } }
await mcpTools.Vault.note({ text: 'walked ' + codes.join(',') });
return codes;`;
    walker.callTool({ name: 'execute_code', arguments: { code } }, { signal: away.signal }).catch(() => undefined);
    await eventually('the first question', () => (asked > 0 ? true : undefined));
    away.abort(new Error('the client walks away'));
    const observer = await connectAs(closer, gateway.url, token);
    // The first question times out after a second; the two after it are declined at once.
    const texts = await eventually('the execution to end', async () => (await ledgerTexts(observer)).find((text) => text.startsWith('walked')), 30_000);
    expect(texts).toBe('walked APPROVAL_DENIED,APPROVAL_DENIED,APPROVAL_DENIED');
    expect(asked).toBe(1);
  });

  it('cancels its request: the execution and its call downstream are cancelled; progress reached it meanwhile', async () => {
    const client = await connectAs(closer, gateway.url, token, modernAsker);
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { approve: true } }));
    const observer = await connectAs(closer, gateway.url, token);
    const stats = async () => (await execute(observer, 'return await mcpTools.Fault.blockStats({});')).returnValue as { started: number; inFlight: number; cancelled: number };
    const before = await stats();
    const cancel = new AbortController();
    const progress: unknown[] = [];
    client
      .callTool(
        { name: 'execute_code', arguments: { code: 'await mcpTools.Fault.blockStats({}); return await mcpTools.Fault.block({ label: "held" });' } },
        { signal: cancel.signal, onprogress: (update) => void progress.push(update) },
      )
      .catch(() => undefined);
    await eventually('the call to be held downstream', async () => ((await stats()).inFlight > before.inFlight ? true : undefined));
    expect(progress.length).toBeGreaterThan(0);
    cancel.abort(new Error('stop'));
    const after = await eventually('the held call to be cancelled', async () => {
      const now = await stats();
      return now.cancelled > before.cancelled ? now : undefined;
    });
    expect(after.inFlight).toBe(before.inFlight);
  });
});

describe('over stdio', () => {
  it('a 2026-07-28 client that declared elicitation is asked, as over HTTP, for code and passthrough alike', async () => {
    const workspace = makeWorkspace(closer, 'modern-stdio');
    const configFile = writeConfigFile(workspace, { mcpServers: { vault: ledgerServer(), direct: { ...ledgerServer(), codeMode: false } } });
    const { client } = await connectStdioCli(closer, configFile, modernAsker);
    expect(client.getProtocolEra()).toBe('modern');
    let asked = 0;
    client.setRequestHandler('elicitation/create', async () => {
      asked += 1;
      return { action: 'accept', content: { approve: true } };
    });
    const ran = (await client.callTool({ name: 'execute_code', arguments: { code: "return (await mcpTools.Vault.deleteNote({ text: 'stdio' })).text;" } })).structuredContent as { returnValue?: unknown; error?: string };
    expect(ran.returnValue, ran.error).toBe('stdio');
    const passed = await client.callTool({ name: 'direct__delete_note', arguments: { text: 'stdio pass' } });
    expect(passed.isError, JSON.stringify(passed)).not.toBe(true);
    expect(asked).toBe(2);
  });
});
