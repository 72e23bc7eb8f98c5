/**
 * Observed return types (issue "What the model sees", acceptance 4): a real SDK server whose tool has
 * no outputSchema and answers JSON text (the fault server's `echoJson`). After calls with differing
 * results the API declares the merged type (optional keys, unions) and none of the values; the type
 * survives a restart from `stateDir`; clients get `notifications/tools/list_changed` once per change of
 * shape and none for a repeat; code written against the observed type compiles.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createCodeMode } from '../../src/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { compileDiagnostics } from '../modelApi/compileTypeScript.ts';
import { faultServer } from '../fixtures/servers.ts';
import { Closer, connectStdioCli, eventually, executeCode, makeWorkspace, toolNamed, writeConfigFile } from './gatewayHelpers.ts';

const closer = new Closer();
let stateDir: string;
let client: Client;
let changes = 0;
let description = '';

const observedReturn = 'Promise<{ id: number | string; name?: string; tags?: string[]; extra?: boolean }>';
const values = ['alpha-value-1', 'beta-value-2', 'gamma-value-3'];

async function echoJson(value: unknown): Promise<void> {
  const answer = await executeCode(client, `return await mcpTools.Fault.echoJson({ value: ${JSON.stringify(value)} });`);
  expect(answer.structured, answer.text).toMatchObject({ success: true, returnValue: value });
}

beforeAll(async () => {
  const dir = makeWorkspace(closer, 'observed-types');
  stateDir = path.join(dir, 'state');
  const configFile = writeConfigFile(dir, { mcpServers: { fault: faultServer() }, stateDir, codeMode: { timeout: 30_000 } });
  ({ client } = await connectStdioCli(closer, configFile));
  client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);

  await echoJson({ id: 1, name: values[0], tags: ['x'] }); // a first shape: a change
  await eventually('the first list_changed', () => (changes >= 1 ? true : undefined));
  await echoJson({ id: 2, name: values[1], tags: [] }); // the same shape, other values: no change
  await echoJson({ id: values[2], extra: true }); // a union and optional keys: a change
  await eventually('the second list_changed', () => (changes >= 2 ? true : undefined));
  description = toolNamed((await client.listTools(undefined, { cacheMode: 'refresh' })).tools, 'execute_code').description ?? '';
});

afterAll(() => closer.closeAll());

describe('a tool without outputSchema that answers JSON text', () => {
  it('execute_code declares the merged observed type, labelled as observed', () => {
    expect(description).toContain(`function echoJson(args: { value: unknown }): ${observedReturn};`);
    expect(description).toMatch(/@returns the type observed in its results so far[^]*function echoJson\(/);
  });

  it('no value of any result appears in it, nor in the state file', () => {
    const file = readFileSync(path.join(stateDir, 'observed-output-types.json'), 'utf8');
    for (const value of values) {
      expect(description).not.toContain(value);
      expect(file).not.toContain(value);
    }
  });

  it('list_changed came once per change of shape, none for the repeat', async () => {
    await client.listTools(undefined, { cacheMode: 'refresh' }); // a round trip: any notification sent before it has arrived
    expect(changes).toBe(2);
  });

  it('survives a restart from stateDir, and code written against it compiles', async () => {
    const codeMode = await createCodeMode({ mcpServers: { fault: faultServer() }, stateDir }, { logger: silentLogger });
    let typeDefinitions: string;
    try {
      typeDefinitions = codeMode.typeDefinitions;
    } finally {
      await codeMode.close();
    }
    expect(typeDefinitions).toContain(`function echoJson(args: { value: unknown }): ${observedReturn};`);
    const usage = `async function main() {
  const r = await mcpTools.Fault.echoJson({ value: 1 });
  const id: number | string = r.id;
  const tags: string[] = r.tags ?? [];
  return [id, r.name?.toUpperCase(), tags.length, r.extra === true];
}
`;
    expect(compileDiagnostics({ 'api.d.ts': typeDefinitions, 'usage.ts': usage })).toEqual([]);
    const wrong = compileDiagnostics({ 'api.d.ts': typeDefinitions, 'usage.ts': 'async function main() { const n: string = (await mcpTools.Fault.echoJson({ value: 1 })).name; return n; }\n' });
    expect(wrong.map((diagnostic) => diagnostic.code)).toEqual([2322]); // name is optional: string | undefined
  });

  it('codeMode.inferOutputTypes: false declares no observed type and keeps no file', async () => {
    const elsewhere = path.join(stateDir, 'off');
    const codeMode = await createCodeMode({ mcpServers: { fault: faultServer() }, stateDir: elsewhere, codeMode: { inferOutputTypes: false } }, { logger: silentLogger });
    try {
      expect((await codeMode.executeCode('return await mcpTools.Fault.echoJson({ value: { a: 1 } });')).success).toBe(true);
      expect(codeMode.typeDefinitions).toContain('function echoJson(args: { value: unknown }): Promise<unknown>;');
    } finally {
      await codeMode.close();
    }
    expect(existsSync(elsewhere)).toBe(false);
  });
});
