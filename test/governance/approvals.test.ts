/**
 * Approvals (issue 14, acceptance 3): a call to a tool annotated `destructiveHint: true` pauses while
 * the gateway asks the client with `elicitation/create` (server, tool, arguments); accepted it runs,
 * declined the code catches APPROVAL_DENIED; three calls in one `Promise.all` are one question; a
 * client without elicitation gets APPROVAL_UNAVAILABLE at once; a 200 ms execution deadline does not
 * expire while a human takes 1 s to answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ElicitRequest, ElicitResult } from '@modelcontextprotocol/client';
import { argumentSummary } from '../../src/governance/approvals/argumentSummary.ts';
import { createSecretRedactor } from '../../src/observability/redactSecrets.ts';
import { Closer, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { connectAs, execute } from './governanceHelpers.ts';

const token = 'approvals-test-token-0123456789';
const closer = new Closer();
let gateway: InProcessHttpGateway;
let slowDeadlineGateway: InProcessHttpGateway;
/** What the human does with the next question; every question asked is kept. */
let answer: (question: ElicitRequest['params']) => Promise<ElicitResult> = async () => ({ action: 'accept', content: { approve: true } });
const questions: ElicitRequest['params'][] = [];

async function connectHuman(url: string): Promise<Client> {
  const client = await connectAs(closer, url, token, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler('elicitation/create', async (request) => {
    questions.push(request.params);
    return answer(request.params);
  });
  return client;
}

// `direct`: the same server's tools as passthrough tools (`direct__delete_note`), governed like calls from code.
const config = { mcpServers: { vault: ledgerServer(), direct: { ...ledgerServer(), codeMode: false } }, auth: { tokens: [{ name: 'ops', token }] }, policy: {} };
let human: Client;

beforeAll(async () => {
  [gateway, slowDeadlineGateway] = await Promise.all([
    startHttpGateway(closer, config),
    // A short deadline, with room for the approved call itself on a busy machine; the human takes five times as long.
    startHttpGateway(closer, { ...config, codeMode: { timeout: 500 } }),
  ]);
  human = await connectHuman(gateway.url);
}, 60_000);
afterAll(() => closer.closeAll());

const accept = async (): Promise<ElicitResult> => ({ action: 'accept', content: { approve: true } });

describe('a destructive tool needs approval', () => {
  it('asks once, naming server, tool and arguments; accepted, the call runs and the execution returns its value', async () => {
    questions.length = 0;
    answer = accept;
    const result = await execute(human, `return await mcpTools.Vault.deleteNote({ text: 'old draft' });`);
    expect(result.success, result.error).toBe(true);
    expect(result.returnValue).toEqual({ tool: 'delete_note', text: 'old draft' });
    expect(questions).toHaveLength(1);
    expect(questions[0]?.message).toContain('delete_note on server "vault" with {"text":"old draft"}');
  });

  it('declined, the code catches APPROVAL_DENIED and the server never sees the call', async () => {
    answer = async () => ({ action: 'decline' });
    const result = await execute(
      human,
      `try { await mcpTools.Vault.deleteNote({ text: 'keep me' }); return 'ran'; }
catch (error) { return { name: error.name, code: error.code, isPolicyError: error instanceof PolicyError }; }`,
    );
    expect(result.returnValue).toEqual({ name: 'PolicyError', code: 'APPROVAL_DENIED', isPolicyError: true });
    answer = accept;
    const ledger = (await execute(human, 'return await mcpTools.Vault.ledger();')).returnValue as { calls: { text: string }[] };
    expect(ledger.calls.map((call) => call.text)).not.toContain('keep me');
  });

  it('three calls in one Promise.all are asked in one question, and all run once accepted', async () => {
    questions.length = 0;
    answer = accept;
    const result = await execute(human, `return await Promise.all(['a', 'b', 'c'].map((text) => mcpTools.Vault.deleteNote({ text })));`);
    expect(result.success, result.error).toBe(true);
    expect((result.returnValue as { text: string }[]).map((value) => value.text)).toEqual(['a', 'b', 'c']);
    expect(questions).toHaveLength(1);
    for (const text of ['a', 'b', 'c']) expect(questions[0]?.message).toContain(`{"text":"${text}"}`);
  });

  it('a batch larger than the question lists is counted by tool, one question still settling every call', async () => {
    questions.length = 0;
    answer = accept;
    const result = await execute(human, `return (await Promise.all(Array.from({ length: 30 }, (_, i) => mcpTools.Vault.deleteNote({ text: 'bulk ' + i })))).length;`);
    expect(result.returnValue, result.error).toBe(30);
    expect(questions).toHaveLength(1);
    const lines = questions[0]!.message.split('\n');
    expect(lines[0]).toBe('Code running in code-goat wants to make 30 calls that need your approval:');
    expect(lines.filter((line) => line.startsWith('- delete_note on server "vault" with'))).toHaveLength(20);
    expect(lines.at(-1)).toBe('- and 10 more: delete_note on server "vault" ×10');
  });

  it('a client without elicitation gets APPROVAL_UNAVAILABLE at once, and is never asked', async () => {
    questions.length = 0;
    const mute = await connectAs(closer, gateway.url, token);
    const result = await execute(mute, `try { await mcpTools.Vault.deleteNote({ text: 'x' }); } catch (error) { return error.code; }`);
    expect(result.returnValue).toBe('APPROVAL_UNAVAILABLE');
    expect(questions).toHaveLength(0);
  });

  it('a 500 ms execution deadline does not expire while a human takes 2.5 s to answer', async () => {
    const patient = await connectHuman(slowDeadlineGateway.url);
    // Warm: the isolate, the prelude and the server's first call are not what this is about (their result does not matter).
    for (let round = 0; round < 3; round++) await execute(patient, `await mcpTools.Vault.note({ text: 'warm' }); return 1;`);
    answer = async () => {
      await sleep(2_500);
      return { action: 'accept', content: { approve: true } };
    };
    const result = await execute(patient, `return (await mcpTools.Vault.deleteNote({ text: 'after a while' })).text;`);
    expect(result.success, JSON.stringify(result)).toBe(true);
    expect(result.returnValue).toBe('after a while');
    expect(result.durationMs).toBeGreaterThanOrEqual(2_500);
  });
});

describe('only a yes approves', () => {
  it('a 2025-era client that accepts without the form filled in is declined: the call never runs', async () => {
    answer = async () => ({ action: 'accept' });
    const result = await execute(human, `try { await mcpTools.Vault.deleteNote({ text: 'no form' }); return 'ran'; } catch (error) { return error.code; }`);
    expect(result.returnValue).toBe('APPROVAL_DENIED');
    answer = accept;
    const ledger = (await execute(human, 'return await mcpTools.Vault.ledger();')).returnValue as { calls: { text: string }[] };
    expect(ledger.calls.map((call) => call.text)).not.toContain('no form');
  });

  it('a 2026-07-28 client that answers "no", 0 or nothing for approve is declined: the calls never run', async () => {
    const modern = await connectModernHuman();
    const answers: ElicitResult[] = [
      { action: 'accept', content: { approve: 'no' } },
      { action: 'accept', content: { approve: 0 } },
      { action: 'accept', content: {} },
    ];
    let next = 0;
    answer = async () => answers[next++] ?? { action: 'decline' };
    const result = await execute(
      modern,
      `const codes = [];
for (const text of ['odd 1', 'odd 2', 'odd 3']) {
  try { await mcpTools.Vault.deleteNote({ text }); codes.push('ran'); } catch (error) { codes.push(error.code); }
}
return codes;`,
    );
    expect(result.returnValue).toEqual(['APPROVAL_DENIED', 'APPROVAL_DENIED', 'APPROVAL_DENIED']);
    expect(next).toBe(3);
    answer = accept;
    const ledger = (await execute(human, 'return await mcpTools.Vault.ledger();')).returnValue as { calls: { text: string }[] };
    expect(ledger.calls.map((call) => call.text).filter((text) => text.startsWith('odd'))).toEqual([]);
  });
});

/** A 2026-07-28 client that answers questions as `answer` says, keeping them in `questions`. */
async function connectModernHuman(): Promise<Client> {
  const modern = await connectAs(closer, gateway.url, token, { versionNegotiation: { mode: 'auto' }, capabilities: { elicitation: { form: {} } } });
  modern.setRequestHandler('elicitation/create', async (request) => {
    questions.push(request.params);
    return answer(request.params);
  });
  expect(modern.getProtocolEra()).toBe('modern');
  return modern;
}

describe('a 2026-07-28 client', () => {
  it('is asked for a passthrough tool that needs approval, as for a call from code: accepted it runs, declined it does not', async () => {
    const modern = await connectModernHuman();
    questions.length = 0;
    answer = accept;
    const ran = await modern.callTool({ name: 'direct__delete_note', arguments: { text: 'passed through' } });
    expect(ran.isError, JSON.stringify(ran)).not.toBe(true);
    expect(questions).toHaveLength(1);
    expect(questions[0]?.message).toContain('delete_note on server "direct" with {"text":"passed through"}');
    answer = async () => ({ action: 'decline' });
    const declined = await modern.callTool({ name: 'direct__delete_note', arguments: { text: 'declined passthrough' } });
    expect(declined.isError).toBe(true);
    expect(JSON.stringify(declined.content)).toContain('APPROVAL_DENIED');
    // A passthrough tool that needs no approval answers at once, as before.
    const plain = await modern.callTool({ name: 'direct__note', arguments: { text: 'plain' } });
    expect(plain.isError, JSON.stringify(plain)).not.toBe(true);
    expect(questions).toHaveLength(2);
  });

  it('is asked through input_required rounds while the execution waits; accepted it runs, declined the code catches APPROVAL_DENIED', async () => {
    const modern = await connectModernHuman();
    questions.length = 0;
    answer = async (question) => (question.message.includes('modern one') ? { action: 'accept', content: { approve: true } } : { action: 'decline' });
    const ran = await execute(modern, `const one = await mcpTools.Vault.deleteNote({ text: 'modern one' });
let second;
try { await mcpTools.Vault.deleteNote({ text: 'modern two' }); } catch (error) { second = error.code; }
return { one: one.text, second };`);
    expect(ran.success, ran.error).toBe(true);
    expect(questions.map((question) => question.message.includes('modern one'))).toEqual([true, false]);
    expect(ran.returnValue).toEqual({ one: 'modern one', second: 'APPROVAL_DENIED' });
  });
});

describe('argumentSummary', () => {
  it('redacts configured secrets and values under secret-looking names, and cuts long strings', () => {
    const redactor = createSecretRedactor(['s3cr3t-value']);
    const summary = argumentSummary({ path: '/tmp/s3cr3t-value.txt', password: 'hunter2', apiKey: 'k', body: 'x'.repeat(1_000) }, (text) => redactor.text(text));
    expect(summary).not.toContain('s3cr3t-value');
    expect(summary).not.toContain('hunter2');
    expect(summary).toContain('"password":"[redacted]"');
    expect(summary).toContain('(1000 characters)');
  });
});
