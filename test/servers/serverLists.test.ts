/** The pieces behind resources and prompts, without a server: conversion, listing rules, refresh rules, redaction. */
import { ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';
import { describe, expect, it, vi } from 'vitest';
import { serverDefaults } from '../../src/config/defaults.ts';
import { listPrompts, listResources, listTools } from '../../src/servers/lists/listEntries.ts';
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
function fakeClient(capabilities: object, answers: { templates?: () => Promise<unknown>; resources?: number; tools?: number } = {}): Client {
  return {
    getServerCapabilities: () => capabilities,
    listResources: async () => ({ resources: Array.from({ length: answers.resources ?? 1 }, (_, i) => ({ uri: `x://${i + 1}`, name: i === 0 ? 'one' : `r${i + 1}` })) }),
    listResourceTemplates: answers.templates ?? (async () => ({ resourceTemplates: [{ uriTemplate: 'x://{id}', name: 'any' }] })),
    listPrompts: async () => ({ prompts: [{ name: 'p' }] }),
    listTools: async () => ({ tools: Array.from({ length: answers.tools ?? 1 }, (_, i) => ({ name: `t${i + 1}`, inputSchema: { type: 'object' } })) }),
  } as unknown as Client;
}

const quiet = captureLogger().logger;

describe('listing', () => {
  it('keeps the first maxListedItems entries of a longer listing, and logs how many it left out', async () => {
    const { logger, records } = captureLogger();
    const listed = await listResources(fakeClient({ resources: {} }, { resources: serverDefaults.maxListedItems + 5 }), 's', 1_000, logger);
    expect(listed.resources).toHaveLength(serverDefaults.maxListedItems);
    expect(listed.resources.at(-1)?.uri).toBe(`x://${serverDefaults.maxListedItems}`);
    expect(records).toContainEqual({
      level: 'warn',
      message: 'the server listed more resources than are kept; the first ones are used',
      fields: { listed: serverDefaults.maxListedItems + 5, kept: serverDefaults.maxListedItems, setting: 'maxListedItems' },
    });
  });

  it('keeps the first maxListedItems tools the filter lets through', async () => {
    const { logger, records } = captureLogger();
    const listed = await listTools(fakeClient({ tools: {} }, { tools: 2 * serverDefaults.maxListedItems + 2 }), 's', 1_000, (name) => Number(name.slice(1)) % 2 === 0, logger);
    expect(listed.tools).toHaveLength(serverDefaults.maxListedItems);
    expect(listed.tools.at(-1)?.name).toBe(`t${2 * serverDefaults.maxListedItems}`);
    expect(records.filter((record) => record.level === 'warn').map((record) => record.fields)).toEqual([{ listed: serverDefaults.maxListedItems + 1, kept: serverDefaults.maxListedItems, setting: 'maxListedItems' }]);
  });

  it('asks only for what the server advertises', async () => {
    expect(await listResources(fakeClient({ tools: {} }), 's', 1_000, quiet)).toEqual({ resources: [], templates: [] });
    expect(await listPrompts(fakeClient({ tools: {} }), 's', 1_000, quiet)).toEqual([]);
    expect(await listPrompts(fakeClient({ prompts: {} }), 's', 1_000, quiet)).toEqual([{ server: 's', name: 'p' }]);
  });

  it('takes "method not found" for templates as none, and other failures as failures', async () => {
    const notFound = fakeClient({ resources: {} }, { templates: () => Promise.reject(new ProtocolError(ProtocolErrorCode.MethodNotFound, 'Method not found')) });
    expect(await listResources(notFound, 's', 1_000, quiet)).toEqual({ resources: [{ server: 's', uri: 'x://1', name: 'one' }], templates: [] });
    const broken = fakeClient({ resources: {} }, { templates: () => Promise.reject(new ProtocolError(ProtocolErrorCode.InternalError, 'boom')) });
    await expect(listResources(broken, 's', 1_000, quiet)).rejects.toThrow('boom');
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

  it('runs refreshes one after another, so the last one asked wins; those asked while one waits to start are that one', async () => {
    const resolvers: ((value: string[]) => void)[] = [];
    const { list } = makeList(() => new Promise((resolve) => resolvers.push(resolve)));
    const first = list.refresh();
    await vi.waitFor(() => expect(resolvers).toHaveLength(1), { timeout: 10_000 }); // the first is fetching
    const second = list.refresh();
    const more = Array.from({ length: 50 }, () => list.refresh());
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolvers).toHaveLength(1); // the second waits for the first
    expect(more.every((refresh) => refresh === second)).toBe(true);
    resolvers[0]?.(['old']);
    expect(await first).toEqual(['old']);
    // The second starts relistSpacing.factor times as long after the first as the first took (at most
    // relistSpacing.maxMs): on a busy machine that is longer than waitFor's default second.
    await vi.waitFor(() => expect(resolvers).toHaveLength(2), { timeout: serverDefaults.relistSpacing.maxMs + 20_000, interval: 20 });
    resolvers[1]?.(['new']);
    expect(await second).toEqual(['new']);
    expect(resolvers).toHaveLength(2); // fifty-two asked, two fetched
  });

  it('starts a refresh no sooner than relistSpacing.factor times the last one took', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      let fetches = 0;
      const { list } = makeList(async () => {
        fetches++;
        await new Promise((resolve) => setTimeout(resolve, 100)); // a listing that takes 100 ms
        return [`v${fetches}`];
      });
      const first = list.refresh();
      await vi.advanceTimersByTimeAsync(100);
      expect(await first).toEqual(['v1']);
      const second = list.refresh();
      await vi.advanceTimersByTimeAsync(100 * serverDefaults.relistSpacing.factor - 1);
      expect(fetches).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetches).toBe(2);
      await vi.advanceTimersByTimeAsync(100);
      expect(await second).toEqual(['v2']);
    } finally {
      vi.useRealTimers();
    }
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
