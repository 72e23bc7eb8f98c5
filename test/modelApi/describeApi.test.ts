/**
 * What `execute_code` says about the API: the full declarations when they fit the token budget, else an
 * index that sends the model to `search_tools`. Exact texts for a small catalog show each level.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderApiIndex } from '../../src/modelApi/apiIndex.ts';
import { defaultApiTokenBudget, describeApi } from '../../src/modelApi/describeApi.ts';
import { assignNames } from '../../src/modelApi/names/names.ts';
import fc from 'fast-check';
import { countTokenPieces, countTokens, minimumTokens } from '../../src/modelApi/tokenCount.ts';
import { countTokens as countO200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { summarizeTool } from '../../src/modelApi/search/toolSummary.ts';
import { apiDeclarations, generateTypeDefinitions } from '../../src/modelApi/typeDefinitions.ts';
import type { CatalogTool, JsonSchema } from '../../src/catalog/ToolCatalog.ts';
import { fixtureServers, loadFixtureCatalog } from './fixtureCatalogs.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('countTokens', () => {
  it('counts o200k tokens', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('function readTextFile(args: ReadTextFileInput): Promise<ReadTextFileOutput>;')).toBe(18);
  });

  it('counts special-token text from a server as plain text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });
});

describe('countTokenPieces', () => {
  it('is the token count of declaration text (what sharedShapes.ts weighs with it)', () => {
    for (const text of [
      '{ name: string; entityType: string; observations: string[] }',
      '{ from: string; to: string; relationType: string }',
      '{ [key: string]: unknown }',
      'Entity',
      'BillingAddress',
      '{ type: "text"; text: string; mimeType?: string }',
    ]) {
      expect(countTokenPieces(text), text).toBe(countTokens(text));
    }
  });

  it('never counts more than the tokens, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => countTokenPieces(text) <= countTokens(text)),
      { seed: 20261130, numRuns: 500 },
    );
    expect(countTokenPieces('')).toBe(0);
  });
});

/** gpt-tokenizer's own count of the whole text, in one piece per BPE call (what countTokens splits up). */
const exactTokens = (text: string): number => countO200kTokens(text, { disallowedSpecial: new Set() });

describe('countTokens on text no real catalog has (hostile servers)', () => {
  it('is exactly the tokenizer\'s count for real declarations (each official server\'s)', () => {
    for (const server of fixtureServers) {
      const text = generateTypeDefinitions(assignNames(loadFixtureCatalog([server])));
      expect(text.length).toBeGreaterThan(1_000);
      expect(countTokens(text), server).toBe(exactTokens(text));
    }
  });

  it('counts a megabyte with no space or punctuation in one linear pass (whole, BPE would take minutes on the event loop)', () => {
    // The tokenizer's merge time grows with the square of a piece's length: 40,000 letters took it 1 s.
    for (const unit of ['x', 'Ab', '漢', 'é', '\u{1F600}', ' ']) {
      const text = `say ${unit.repeat(Math.ceil(1_000_000 / unit.length))} done`;
      const tokens = countTokens(text);
      expect(tokens, JSON.stringify(unit)).toBeGreaterThanOrEqual(minimumTokens(text));
      expect(tokens, JSON.stringify(unit)).toBeLessThanOrEqual(Buffer.byteLength(text));
    }
  });

  it('counts a long piece close to the exact figure', () => {
    for (const text of ['x'.repeat(6_000), 'abcdefghij'.repeat(600), `${'é'.repeat(3_000)} and ${'ö'.repeat(3_000)}`, `word ${'\u{1F600}'.repeat(2_000)} end`]) {
      const exact = exactTokens(text);
      // Counted in chunks of 64 characters: a cut may split a token and shift the merges after it
      // ('abcdefghij' × 600: 1,313 against 1,200).
      expect(Math.abs(countTokens(text) - exact), text.slice(0, 20)).toBeLessThanOrEqual(Math.ceil(exact * 0.12) + 2);
    }
  });

  it('keeps ordinary text around a long piece exact, and splits no surrogate pair', () => {
    const before = 'Reads a file. Returns its text as UTF-8; fails when the path is outside the allowed roots. ';
    const after = ' Then more text follows, with `code` and {"json": true}.';
    const long = '\u{1F600}'.repeat(400);
    const counted = countTokens(before + long + after);
    expect(counted).toBeGreaterThanOrEqual(exactTokens(before) + exactTokens(after));
    expect(counted).toBeLessThanOrEqual(exactTokens(before) + exactTokens(long) + exactTokens(after) + 12);
  });
});

describe('minimumTokens', () => {
  it('never counts more than the tokens, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat({ max: 400 }), (text, run) => {
        const withRun = text + 'q'.repeat(run) + text;
        return minimumTokens(text) <= exactTokens(text) && minimumTokens(withRun) <= exactTokens(withRun);
      }),
      { seed: 20261201, numRuns: 300 },
    );
    expect(minimumTokens(' '.repeat(1_000))).toBeLessThanOrEqual(exactTokens(' '.repeat(1_000)));
    expect(minimumTokens('')).toBe(0);
  });

  it('grows with a long piece\'s bytes, so a text of megabytes is over any budget without counting', () => {
    expect(minimumTokens('x'.repeat(1_280_000))).toBe(10_000);
    expect(minimumTokens('漢'.repeat(1_000_000))).toBeGreaterThan(defaultApiTokenBudget);
  });
});

describe('a server whose descriptions are megabytes of one word', () => {
  it('is described in full with each comment cut, and sized by counting what is left', () => {
    const huge = (letter: string): string => letter.repeat(2_000_000);
    const tools: CatalogTool[] = [
      { server: 'hostile', name: 'flood', description: huge('x'), inputSchema: { type: 'object', properties: { text: { type: 'string', description: huge('y') } } } },
      { server: 'hostile', name: 'fine', description: 'An ordinary tool.', inputSchema: { type: 'object', properties: {} } },
    ];
    const api = describeApi(assignNames(tools));
    expect(api.mode).toBe('full');
    expect(api.text).toContain('function fine(');
    expect(api.text.match(/… \(1990000 more characters\)/g)).toHaveLength(2);
    expect(api.tokens).toBeLessThanOrEqual(defaultApiTokenBudget);
    expect(api.tokens).toBeGreaterThanOrEqual(minimumTokens(api.text));
  });
});

describe('summarizeTool', () => {
  const withDescription = (description: string): CatalogTool => ({ server: 's', name: 't', description, inputSchema: {} });

  it.each([
    ['Read the complete contents of a file as text. DEPRECATED: Use read_text_file instead.', 'Read the complete contents of a file as text.'],
    ['Returns the sum of two numbers', 'Returns the sum of two numbers'],
    ['Search files, e.g. by glob. Slow on big trees.', 'Search files, e.g. by glob.'],
    ['Uses API v1.2 to fetch.\n\nMore.', 'Uses API v1.2 to fetch.'],
    [
      'Get a detailed listing of all files and directories in a specified path, with sizes, owners and permissions for each entry.',
      'Get a detailed listing of all files and directories in a specified path, with…',
    ],
  ])('%j → %j', (description, summary) => {
    expect(summarizeTool(withDescription(description))).toBe(summary);
  });

  it('falls back to the title, then to nothing', () => {
    expect(summarizeTool({ server: 's', name: 't', title: 'Do the thing', inputSchema: {} })).toBe('Do the thing');
    expect(summarizeTool({ server: 's', name: 't', inputSchema: {} })).toBe('');
  });
});

describe('the official servers', () => {
  it.each([...fixtureServers.map((server) => [server, [server]] as const), ['all three', fixtureServers] as const])(
    '%s: the full declarations, within the default budget',
    (_label, servers) => {
      const named = assignNames(loadFixtureCatalog(servers));
      const description = describeApi(named);
      expect(description.mode).toBe('full');
      expect(description.text).toBe(apiDeclarations(named));
      expect(generateTypeDefinitions(named).endsWith(description.text)).toBe(true);
      expect(description.tokens).toBe(countTokens(description.text));
      expect(description.tokens).toBeLessThanOrEqual(defaultApiTokenBudget);
    },
  );

  it('all three take about 2,600 tokens: more than half the budget to spare', () => {
    const { tokens } = describeApi(assignNames(loadFixtureCatalog()));
    expect(tokens).toBeGreaterThan(2000);
    expect(tokens).toBeLessThan(defaultApiTokenBudget * 0.5);
  });
});

describe('a catalog of 500 tools (10 servers × 50)', () => {
  const named = assignNames(syntheticCatalog());
  const description = describeApi(named);

  it('is far over budget in full', () => {
    expect(countTokens(generateTypeDefinitions(named))).toBeGreaterThan(defaultApiTokenBudget * 4);
  });

  it('is described by an index within the budget', () => {
    expect(description.mode).toBe('index');
    expect(description.tokens).toBe(countTokens(description.text));
    expect(description.tokens).toBeLessThanOrEqual(defaultApiTokenBudget);
  });

  it('the index names every namespace with its server and tool count, and says how to search', () => {
    for (const namespace of named.namespaces) {
      expect(description.text).toContain(`mcpTools.${namespace.name} (server "${namespace.server}", 50 tools)`);
    }
    expect(description.text).toContain('`search_tools`');
  });

  it('keeps the method names, which fit; the summaries do not', () => {
    expect(description.text).toBe(renderApiIndex(named, 'names'));
    expect(countTokens(renderApiIndex(named, 'summaries'))).toBeGreaterThan(defaultApiTokenBudget);
  });

  it('what each level of the index costs, in tokens', () => {
    const levels = ['summaries', 'names', 'counts'] as const;
    expect(Object.fromEntries(levels.map((detail) => [detail, countTokens(renderApiIndex(named, detail))]))).toMatchInlineSnapshot(`
      {
        "counts": 227,
        "names": 1822,
        "summaries": 9994,
      }
    `);
  });

  it('with a larger budget the summaries come back', () => {
    expect(describeApi(named, { maxTokens: 15_000 }).text).toBe(renderApiIndex(named, 'summaries'));
  });
});

describe('a small catalog at each level, as the model reads it', () => {
  // Enough schema that the declarations outweigh the index.
  const page = {
    folder: { type: 'string', description: 'Folder to look in, e.g. "inbox"; every folder when absent.' },
    tags: { type: 'array', items: { type: 'string' }, description: 'Only items that carry every one of these tags.' },
    cursor: { type: 'string', description: 'Where the previous page ended (its nextCursor).' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Items per page.' },
  } satisfies Record<string, JsonSchema>;
  const named = assignNames([
    { server: 'notes', name: 'list_notes', description: 'List notes, newest first. Paginated.', inputSchema: { type: 'object', properties: page } },
    { server: 'notes', name: 'add_note', title: 'Add a note', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
    { server: 'my-calendar', name: 'create_event', description: 'Create an event in the user\'s primary calendar and invite the given attendees by email.', inputSchema: { type: 'object', properties: page } },
  ]);
  const tokensOf = (detail: 'summaries' | 'names' | 'counts'): number => countTokens(renderApiIndex(named, detail));

  it('full when the declarations fit', () => {
    const full = describeApi(named, { maxTokens: countTokens(apiDeclarations(named)) });
    expect(full.mode).toBe('full');
    expect(describeApi(named, { maxTokens: countTokens(apiDeclarations(named)) - 1 }).mode).toBe('index');
  });

  it('else the index with a summary per tool', () => {
    const index = describeApi(named, { maxTokens: tokensOf('summaries') });
    expect(index.mode).toBe('index');
    expect(index.text).toMatchInlineSnapshot(`
      "The API has 3 tools in 2 namespaces, too many to declare here; they are listed below by namespace.
      Before calling a tool, get its exact TypeScript declaration: call the \`search_tools\` tool with \`{ query }\`
      saying what you want to do; it returns the best-matching tools with their declarations.
      Call a tool as \`await mcpTools.<Namespace>.<method>(args)\`.

      mcpTools.Notes (server "notes", 2 tools):
      - listNotes: List notes, newest first.
      - addNote: Add a note

      mcpTools.MyCalendar (server "my-calendar", 1 tool):
      - createEvent: Create an event in the user's primary calendar and invite the given attendees…
      "
    `);
  });

  it('else the method names', () => {
    expect(describeApi(named, { maxTokens: tokensOf('summaries') - 1 }).text).toMatchInlineSnapshot(`
      "The API has 3 tools in 2 namespaces, too many to declare here; they are listed below by namespace.
      Before calling a tool, get its exact TypeScript declaration: call the \`search_tools\` tool with \`{ query }\`
      saying what you want to do; it returns the best-matching tools with their declarations.
      Call a tool as \`await mcpTools.<Namespace>.<method>(args)\`.

      mcpTools.Notes (server "notes", 2 tools): listNotes, addNote
      mcpTools.MyCalendar (server "my-calendar", 1 tool): createEvent
      "
    `);
  });

  it('else the tool counts, and those even over budget: they are the floor', () => {
    expect(describeApi(named, { maxTokens: tokensOf('names') - 1 }).text).toMatchInlineSnapshot(`
      "The API has 3 tools in 2 namespaces, too many to declare here; the namespaces are listed below.
      Before calling a tool, get its exact TypeScript declaration: call the \`search_tools\` tool with \`{ query }\`
      saying what you want to do; it returns the best-matching tools with their declarations.
      Call a tool as \`await mcpTools.<Namespace>.<method>(args)\`.

      mcpTools.Notes (server "notes", 2 tools)
      mcpTools.MyCalendar (server "my-calendar", 1 tool)
      "
    `);
    const floor = describeApi(named, { maxTokens: 1 });
    expect(floor).toEqual({ mode: 'index', text: renderApiIndex(named, 'counts'), tokens: tokensOf('counts') });
  });
});

/**
 * 10 SaaS-like servers × 5 resources × 10 operations, with schemas the size real servers send: ids,
 * filters with enums, pagination, nested bodies with descriptions.
 */
function syntheticCatalog(): CatalogTool[] {
  const servers: Record<string, readonly string[]> = {
    github: ['issue', 'pull_request', 'repository', 'branch', 'workflow_run'],
    slack: ['channel', 'message', 'user', 'reminder', 'file'],
    jira: ['issue', 'project', 'sprint', 'board', 'comment'],
    postgres: ['table', 'row', 'index', 'view', 'schema'],
    stripe: ['customer', 'invoice', 'subscription', 'payment_intent', 'refund'],
    notion: ['page', 'database', 'block', 'comment', 'user'],
    linear: ['issue', 'team', 'cycle', 'label', 'project'],
    gmail: ['message', 'thread', 'draft', 'label', 'filter'],
    'google-calendar': ['event', 'calendar', 'attendee', 'reminder', 'free_busy'],
    s3: ['bucket', 'object', 'upload', 'policy', 'tag'],
  };
  const operations = ['list', 'get', 'create', 'update', 'delete', 'search', 'archive', 'restore', 'export', 'count'] as const;
  return Object.entries(servers).flatMap(([server, resources]) =>
    resources.flatMap((resource) => operations.map((operation) => syntheticTool(server, resource, operation))));
}

function syntheticTool(server: string, resource: string, operation: string): CatalogTool {
  const noun = resource.replaceAll('_', ' ');
  const id = { type: 'string', description: `The ${noun} ID, as returned by list_${resource}s.` };
  const page = {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 25, description: 'How many results to return per page.' },
    cursor: { type: 'string', description: 'Opaque cursor from the previous page; omit for the first page.' },
  };
  const body = {
    type: 'object',
    description: `Fields of the ${noun}.`,
    properties: {
      name: { type: 'string', description: `Display name of the ${noun}.` },
      description: { type: 'string', description: 'Free text, Markdown allowed.' },
      labels: { type: 'array', items: { type: 'string' }, description: 'Labels to attach.' },
      visibility: { type: 'string', enum: ['private', 'internal', 'public'], description: 'Who can see it.' },
      metadata: { type: 'object', additionalProperties: { type: 'string' }, description: 'Key-value pairs kept with it.' },
    },
    required: ['name'],
  };
  const filter = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['open', 'closed', 'archived'] },
      createdAfter: { type: 'string', format: 'date-time', description: 'Only items created after this instant.' },
      owner: { type: 'string', description: 'User ID or email of the owner.' },
    },
  };
  const inputs: Record<string, { properties: Record<string, JsonSchema>; required: string[] }> = {
    list: { properties: { ...page, filter, sort: { type: 'string', enum: ['created', 'updated', 'name'] } }, required: [] },
    get: { properties: { id, include: { type: 'array', items: { type: 'string' }, description: 'Related objects to expand.' } }, required: ['id'] },
    create: { properties: { body, dryRun: { type: 'boolean', description: 'Validate without creating.' } }, required: ['body'] },
    update: { properties: { id, body, ifMatch: { type: 'string', description: 'ETag for optimistic concurrency.' } }, required: ['id', 'body'] },
    delete: { properties: { id, force: { type: 'boolean', default: false, description: 'Delete even when other objects refer to it.' } }, required: ['id'] },
    search: { properties: { query: { type: 'string', description: 'Full-text query; supports quotes and -exclusions.' }, ...page, filter }, required: ['query'] },
    archive: { properties: { id, reason: { type: 'string', description: 'Shown in the audit log.' } }, required: ['id'] },
    restore: { properties: { id }, required: ['id'] },
    export: { properties: { ids: { type: 'array', items: { type: 'string' }, maxItems: 1000 }, format: { type: 'string', enum: ['csv', 'json', 'ndjson'] } }, required: ['ids'] },
    count: { properties: { filter }, required: [] },
  };
  const input = inputs[operation] ?? { properties: {}, required: [] };
  const nouns = pluralOf(noun);
  const sentences: Record<string, string> = {
    list: `List the ${nouns} you can access in ${server}, newest first, one page at a time.`,
    get: `Get one ${noun} by ID, with all of its fields and the related objects you ask for.`,
    create: `Create a new ${noun} in ${server} from the given fields and return it with its ID.`,
    update: `Update the fields of an existing ${noun}; fields you leave out keep their value.`,
    delete: `Permanently delete a ${noun}; this cannot be undone, archive it to keep history.`,
    search: `Search ${nouns} by full-text query and filters, best matches first.`,
    archive: `Archive a ${noun} so it no longer shows in lists but can still be restored.`,
    restore: `Restore an archived ${noun} to where it was, with its history intact.`,
    export: `Export ${nouns} as CSV, JSON or NDJSON for reporting or backup.`,
    count: `Count the ${nouns} matching a filter without fetching them.`,
  };
  const scope = operation === 'get' || operation === 'list' || operation === 'search' || operation === 'count' ? 'read' : 'write';
  return {
    server,
    name: `${operation}_${['list', 'search', 'count', 'export'].includes(operation) ? pluralOf(resource) : resource}`,
    description: `${sentences[operation] ?? ''} Requires a token with the ${resource}:${scope} scope; rate limited to 60 requests a minute.`,
    inputSchema: { type: 'object', ...input, additionalProperties: false },
    ...(operation === 'get' ? { outputSchema: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } }, required: ['id'] } } : {}),
  };
}

function pluralOf(noun: string): string {
  return noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : noun.endsWith('s') ? `${noun}es` : `${noun}s`;
}

describe('the tokenizer stays unloaded while nothing needs it', () => {
  it('an API that fits by its bytes is described without loading it (a fresh process), and counts its tokens when asked', () => {
    // A fresh Node process: this one may have loaded the tokenizer for another test already.
    const script = [
      "import { createRequire } from 'node:module';",
      "import { describeApi } from './src/modelApi/describeApi.ts';",
      "import { assignNames } from './src/modelApi/names/names.ts';",
      "const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('gpt-tokenizer'));",
      "const described = describeApi(assignNames([]), { maxTokens: 6000 });",
      "const before = loaded();",
      "const tokens = described.tokens;",
      'console.log(JSON.stringify({ mode: described.mode, before, tokens, after: loaded() }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '--disable-warning=ExperimentalWarning', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    const seen = JSON.parse(output) as { mode: string; before: boolean; tokens: number; after: boolean };
    expect(seen).toMatchObject({ mode: 'full', before: false, after: true });
    expect(seen.tokens).toBeGreaterThanOrEqual(0);
  });
});
