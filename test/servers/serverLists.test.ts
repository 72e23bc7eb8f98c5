/** The pieces behind resources and prompts, without a server: conversion, listing rules, refresh rules, redaction. */
import { ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { listPrompts, listResources } from '../../src/servers/lists/listEntries.ts';
import { ServerList } from '../../src/servers/lists/ServerList.ts';
import { toCatalogPrompt, toCatalogResource, toCatalogResourceTemplate } from '../../src/servers/lists/toCatalogEntries.ts';
import { captureLogger } from './helpers.ts';

describe('catalog entries', () => {
  it('keep the fields a proxy forwards, and leave out undefined ones', () => {
    const icons = [{ src: 'https://example.com/icon.png', mimeType: 'image/png' }];
    expect(
      toCatalogResource('docs', {
        uri: 'file:///a.md',
        name: 'a.md',
        title: undefined,
        size: 12,
        annotations: { audience: ['user'], priority: 0.5 },
        icons,
        _meta: { origin: 'disk' },
      }),
    ).toEqual({ server: 'docs', uri: 'file:///a.md', name: 'a.md', size: 12, annotations: { audience: ['user'], priority: 0.5 }, icons, _meta: { origin: 'disk' } });
    expect(toCatalogResourceTemplate('docs', { uriTemplate: 'file:///{path}', name: 'file', description: undefined })).toEqual({
      server: 'docs',
      uriTemplate: 'file:///{path}',
      name: 'file',
    });
    const prompt = toCatalogPrompt('docs', { name: 'review', arguments: [{ name: 'code', description: undefined, required: true }] });
    expect(prompt).toEqual({ server: 'docs', name: 'review', arguments: [{ name: 'code', required: true }] });
    expect(Object.keys(prompt.arguments?.[0] ?? {})).toEqual(['name', 'required']);
  });
});

/** Just enough of a client for the listing functions. */
function fakeClient(capabilities: object, answers: { templates?: () => Promise<unknown> } = {}): Client {
  return {
    getServerCapabilities: () => capabilities,
    listResources: async () => ({ resources: [{ uri: 'x://1', name: 'one' }] }),
    listResourceTemplates: answers.templates ?? (async () => ({ resourceTemplates: [{ uriTemplate: 'x://{id}', name: 'any' }] })),
    listPrompts: async () => ({ prompts: [{ name: 'p' }] }),
  } as unknown as Client;
}

describe('listing', () => {
  it('asks only for what the server advertises', async () => {
    expect(await listResources(fakeClient({ tools: {} }), 's', 1_000)).toEqual({ resources: [], templates: [] });
    expect(await listPrompts(fakeClient({ tools: {} }), 's', 1_000)).toEqual([]);
    expect(await listPrompts(fakeClient({ prompts: {} }), 's', 1_000)).toEqual([{ server: 's', name: 'p' }]);
  });

  it('takes "method not found" for templates as none, and other failures as failures', async () => {
    const notFound = fakeClient({ resources: {} }, { templates: () => Promise.reject(new ProtocolError(ProtocolErrorCode.MethodNotFound, 'Method not found')) });
    expect(await listResources(notFound, 's', 1_000)).toEqual({ resources: [{ server: 's', uri: 'x://1', name: 'one' }], templates: [] });
    const broken = fakeClient({ resources: {} }, { templates: () => Promise.reject(new ProtocolError(ProtocolErrorCode.InternalError, 'boom')) });
    await expect(listResources(broken, 's', 1_000)).rejects.toThrow('boom');
  });
});

describe('ServerList', () => {
  function makeList(fetch: () => Promise<string[]>, live = () => true) {
    const { logger, records } = captureLogger();
    const changes: number[] = [];
    const list = new ServerList<readonly string[]>({
      what: 'thing list',
      empty: [],
      isLive: live,
      fetch,
      onChanged: () => changes.push(changes.length + 1),
      counts: (value) => ({ things: value.length }),
      logger,
      describeError: (error) => String(error),
    });
    return { list, changes, records };
  }

  it('tells of a change only when the listing differs', async () => {
    let answer = ['a'];
    const { list, changes, records } = makeList(async () => answer);
    list.set(['a']);
    await list.refresh();
    expect(changes).toEqual([]);
    answer = ['a', 'b'];
    expect(await list.refresh()).toEqual(['a', 'b']);
    expect(changes).toEqual([1]);
    expect(records).toContainEqual({ level: 'info', message: 'thing list changed', fields: { things: 2 } });
  });

  it('keeps the previous list when a refresh fails', async () => {
    const { list, records } = makeList(() => Promise.reject(new Error('gone for a moment')));
    list.set(['a']);
    expect(await list.refresh()).toEqual(['a']);
    expect(records).toContainEqual({
      level: 'warn',
      message: 'could not refresh the thing list; keeping the previous one',
      fields: { reason: 'Error: gone for a moment' },
    });
  });

  it('runs refreshes one after another, so the last one asked wins', async () => {
    const resolvers: ((value: string[]) => void)[] = [];
    const { list } = makeList(() => new Promise((resolve) => resolvers.push(resolve)));
    const first = list.refresh();
    const second = list.refresh();
    await Promise.resolve();
    expect(resolvers).toHaveLength(1); // the second waits for the first
    resolvers[0]?.(['old']);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    resolvers[1]?.(['new']);
    expect(await second).toEqual(['new']);
  });

  it('neither fetches nor keeps a listing while the server is not live', async () => {
    let live = false;
    let fetches = 0;
    const { list, changes } = makeList(async () => {
      fetches++;
      live = false; // went away while listing
      return ['late'];
    }, () => live);
    await list.refresh();
    expect(fetches).toBe(0);
    live = true;
    expect(await list.refresh()).toEqual([]);
    expect(fetches).toBe(1);
    expect(changes).toEqual([]);
    list.set(['a']);
    expect(list.clear()).toBe(true);
    expect(list.clear()).toBe(false);
  });
});
