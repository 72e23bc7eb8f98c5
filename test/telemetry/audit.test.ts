/**
 * Acceptance 4 of issue 13: the audit file holds one line per execution with the fields of SPEC, its
 * inner calls and outcome; a canary secret of the config is in none of it, in any form; past
 * `maxBytes` it rotates and no line is cut. (SIGTERM during a burst: auditShutdown.test.ts.)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGateway, type Gateway } from '../../src/gateway/Gateway.ts';
import { listenHttp, type HttpGateway } from '../../src/gateway/httpServer.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { noRedaction } from '../../src/observability/redactSecrets.ts';
import { AuditLog } from '../../src/telemetry/audit/AuditLog.ts';
import type { AuditRecord } from '../../src/telemetry/audit/AuditRecord.ts';
import { Closer } from '../e2e/gatewayHelpers.ts';
import { faultServer } from '../fixtures/servers.ts';

const canary = 'canary-Secret/value+42';
const closer = new Closer();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'code-goat-audit-'));
  closer.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
});

afterAll(() => closer.closeAll());

function readLines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('the audit log of a gateway', () => {
  let gateway: Gateway;
  let http: HttpGateway;
  let client: Client;
  let file: string;

  beforeAll(async () => {
    file = path.join(dir, 'gateway', 'audit.jsonl');
    // Every `env` value is a secret (SPEC), this one included.
    const config = { mcpServers: { fault: { ...faultServer({ env: { CANARY: canary } }), timeout: 500 } }, audit: { path: file, code: 'full' as const } };
    gateway = closer.add(await createGateway(config, { logger: silentLogger }), (g) => g.close());
    http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0, token: 'audit-token' }), (h) => h.close());
    client = new Client({ name: 'audit-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: 'Bearer audit-token' } } }));
    closer.add(client, (c) => c.close());
  });

  it('one line per execution with the fields of SPEC, its calls and outcome, and no secret', async () => {
    const executions = [
      `const echoed = await mcpTools.Fault.echoJson({ value: ${JSON.stringify(canary)} }); return { echoed, again: encodeURIComponent(echoed) };`,
      'await mcpTools.Fault.echoJson({ value: 1 }); await mcpTools.Fault.strict({ mode: "z", count: 1 });',
      'await mcpTools.Fault.hang({});',
    ];
    for (const code of executions) await client.callTool({ name: 'execute_code', arguments: { code } });
    await gateway.close(); // writes what is queued; the gateway's close is what SIGTERM runs

    const text = readFileSync(file, 'utf8');
    for (const form of [canary, JSON.stringify(canary).slice(1, -1), encodeURIComponent(canary)]) expect(text).not.toContain(form);
    const lines = readLines(file) as AuditRecord[];
    expect(lines).toHaveLength(3);
    for (const [index, line] of lines.entries()) {
      expect(Object.keys(line).sort()).toEqual(['client', 'code', 'codeSha256', 'durationMs', 'errorCode', 'executionId', 'outcome', 'resultBytes', 'time', 'toolCalls'].sort());
      expect(line.codeSha256).toBe(createHash('sha256').update(executions[index]!).digest('hex'));
      expect(line.client).toBe('default');
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      expect(line.resultBytes).toBeGreaterThan(0);
    }
    expect(new Set(lines.map((line) => line.executionId)).size).toBe(3);
    expect(lines[0]).toMatchObject({ outcome: 'success', errorCode: null, code: expect.stringContaining('[redacted]'), toolCalls: [{ server: 'fault', tool: 'echoJson', ok: true, decision: 'allow' }] });
    expect(lines[1]).toMatchObject({
      outcome: 'failure',
      errorCode: 'INVALID_ARGUMENTS',
      toolCalls: [
        { server: 'fault', tool: 'echoJson', ok: true, decision: 'allow' },
        { server: 'fault', tool: 'strict', ok: false, decision: 'invalid', errorCode: 'INVALID_ARGUMENTS' },
      ],
    });
    expect(lines[2]).toMatchObject({ outcome: 'failure', errorCode: 'TOOL_TIMEOUT', toolCalls: [{ tool: 'hang', ok: false, decision: 'allow', errorCode: 'TOOL_TIMEOUT' }] });
    for (const call of lines.flatMap((line) => line.toolCalls)) expect(call.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('rotation', () => {
  it('10 MB of lines with maxBytes 1 MB: rotated files, none past 1 MB, every line whole', async () => {
    const file = path.join(dir, 'rotation', 'audit.jsonl');
    const maxBytes = 1024 * 1024;
    const log = new AuditLog({ path: file, code: 'full', maxBytes, maxFiles: 20 }, noRedaction, silentLogger);
    // Lines of uneven sizes (200 B to 40 kB), so that rotation falls anywhere in a batch.
    let written = 0;
    let count = 0;
    while (written < 10 * 1024 * 1024) {
      const code = 'x'.repeat(200 + ((count * 7919) % 40_000));
      const record: AuditRecord = { time: new Date().toISOString(), executionId: String(count), client: null, codeSha256: '', code, outcome: 'success', errorCode: null, durationMs: 1, resultBytes: 1, toolCalls: [] };
      log.write(record);
      written += code.length;
      count += 1;
      // Some batches end between writes, others hold many lines.
      if (count % 50 === 0) await log.flush();
    }
    await log.close();

    const files = readdirSync(path.dirname(file)).sort();
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(files).toContain('audit.jsonl');
    expect(files).toContain('audit.jsonl.1');
    const ids: number[] = [];
    for (const name of files) {
      const full = path.join(path.dirname(file), name);
      expect(statSync(full).size).toBeLessThanOrEqual(maxBytes);
      expect(readFileSync(full, 'utf8').endsWith('\n')).toBe(true);
      ids.push(...readLines(full).map((line) => Number((line as AuditRecord).executionId)));
    }
    // Every line is in one of the files, whole, once: the oldest file holds the first lines.
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
    const oldest = readLines(path.join(path.dirname(file), `audit.jsonl.${files.length - 1}`)) as AuditRecord[];
    expect(oldest[0]?.executionId).toBe('0');
  });
});
