/**
 * `search_tools`: how text becomes terms, and what the real servers' tools rank for realistic queries.
 * The ranked lists are exact (`Namespace.method score`), so they show what a model gets for each query.
 */
import { describe, expect, it } from 'vitest';
import { assignNames } from '../../src/modelApi/names/names.ts';
import { searchTerms, splitWords, stem } from '../../src/modelApi/search/searchTerms.ts';
import { createToolSearchIndex, searchTools, type ToolSearchHit } from '../../src/modelApi/search/searchTools.ts';
import { toolSearchPrior } from '../../src/modelApi/search/toolSearchDocument.ts';
import { generateToolDeclaration } from '../../src/modelApi/typeDefinitions.ts';
import type { CatalogTool } from '../../src/catalog/ToolCatalog.ts';
import { loadFixtureCatalog } from './fixtureCatalogs.ts';

const officialServers = assignNames(loadFixtureCatalog());
const officialIndex = createToolSearchIndex(officialServers);

/** `Namespace.method score` per hit. */
function ranked(hits: readonly ToolSearchHit[]): string[] {
  return hits.map((hit) => `${hit.namespace}.${hit.method} ${hit.score}`);
}

function methods(hits: readonly ToolSearchHit[]): string[] {
  return hits.map((hit) => `${hit.namespace}.${hit.method}`);
}

function tool(server: string, name: string, description?: string): CatalogTool {
  return { server, name, ...(description === undefined ? {} : { description }), inputSchema: { type: 'object' } };
}

describe('search terms', () => {
  it.each([
    ['read_text_file', ['read', 'text', 'file']],
    ['get-sum', ['get', 'sum']],
    ['readTextFile', ['read', 'text', 'file']],
    ['HTTPGet', ['http', 'get']],
    ['base64 encoded', ['base64', 'encoded']],
    ["Read the file's contents.", ['read', 'the', 'file', 's', 'contents']],
    ['größeÄndern', ['größe', 'ändern']],
  ])('splitWords(%j)', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it.each([
    ['files', 'fil'], ['file', 'fil'], ['filed', 'fil'],
    ['write', 'writ'], ['writes', 'writ'], ['writing', 'writ'],
    ['entities', 'entity'], ['entity', 'entity'],
    ['directories', 'directory'], ['directory', 'directory'],
    ['created', 'creat'], ['creating', 'creat'], ['creates', 'creat'],
    ['relations', 'relation'], ['numbers', 'number'], ['searches', 'search'], ['searched', 'search'],
    ['running', 'run'], ['added', 'add'], ['add', 'add'], ['copied', 'copy'], ['needs', 'need'], ['needed', 'need'],
    ['status', 'status'], ['analysis', 'analysis'], ['class', 'class'], ['classes', 'class'],
    ['string', 'string'], ['red', 'red'], ['base64', 'base64'],
  ])('stem(%j) = %j', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });

  it('drops stop words, so "write a file" and write_file have the same terms', () => {
    expect(searchTerms('How do I write a file?')).toEqual(['writ', 'fil']);
    expect(searchTerms('write_file')).toEqual(searchTerms('write a file'));
  });
});

describe('the official servers (everything, filesystem and memory together)', () => {
  it('acceptance: "write a file" has filesystem write_file in its top three', () => {
    const top3 = officialIndex.search('write a file', 3);
    expect(top3.map((hit) => `${hit.server}/${hit.tool}`)).toContain('filesystem/write_file');
    expect(ranked(officialIndex.search('write a file'))).toMatchInlineSnapshot(`
      [
        "Filesystem.writeFile 7.675",
        "Filesystem.searchFiles 1.787",
        "Filesystem.readTextFile 1.783",
        "Filesystem.readMultipleFiles 1.78",
        "Filesystem.moveFile 1.767",
      ]
    `);
  });

  it('acceptance: "knowledge graph entities" ranks memory tools first, top three all memory', () => {
    const hits = officialIndex.search('knowledge graph entities');
    expect(hits.slice(0, 3).map((hit) => hit.server)).toEqual(['memory', 'memory', 'memory']);
    expect(ranked(hits)).toMatchInlineSnapshot(`
      [
        "Memory.createEntities 6.615",
        "Memory.deleteEntities 6.485",
        "Memory.deleteObservations 6.079",
        "Memory.addObservations 5.923",
        "Memory.createRelations 5.184",
      ]
    `);
  });

  it.each([
    ['read file contents', 'Filesystem.readTextFile'],
    ['sum two numbers', 'Everything.getSum'],
    ['list directory', 'Filesystem.listDirectory'],
    ['echo message', 'Everything.echo'],
    ['delete relations', 'Memory.deleteRelations'],
    ['rename a file', 'Filesystem.moveFile'],
    ['environment variables', 'Everything.getEnv'],
    ['add observations to an entity', 'Memory.addObservations'],
    ['search for files matching a glob pattern', 'Filesystem.searchFiles'],
    ['Create Directory', 'Filesystem.createDirectory'],
  ])('%j finds %s in the top three', (query, expected) => {
    expect(methods(officialIndex.search(query, 3))).toContain(expected);
  });

  it('the first hit for the realistic queries', () => {
    const queries = ['sum two numbers', 'list directory', 'echo message', 'delete relations', 'read file contents', 'file size', 'tiny image'];
    expect(queries.map((query) => `${query} → ${ranked(officialIndex.search(query, 1)).join()}`)).toMatchInlineSnapshot(`
      [
        "sum two numbers → Everything.getSum 14.679",
        "list directory → Filesystem.listDirectory 6.354",
        "echo message → Everything.echo 10.212",
        "delete relations → Memory.deleteRelations 9.226",
        "read file contents → Filesystem.readMediaFile 5.789",
        "file size → Filesystem.listDirectoryWithSizes 6.265",
        "tiny image → Everything.getTinyImage 10.258",
      ]
    `);
  });

  it('each hit carries the declaration generateToolDeclaration gives for it', () => {
    for (const hit of officialIndex.search('read a file', 10)) {
      expect(hit.declaration).toBe(generateToolDeclaration(officialServers, hit.namespace, hit.method));
    }
  });

  it('a server name finds that server\'s tools', () => {
    expect(officialIndex.search('memory', 9).map((hit) => hit.server)).toEqual(Array(9).fill('memory'));
  });

  it('a query that shares no term with any tool finds nothing', () => {
    expect(officialIndex.search('xylophone quartz')).toEqual([]);
  });

  it('a blank query, or one of stop words only, lists tools in catalog order with score 0', () => {
    const firstFive = ['Everything.echo 0', 'Everything.getAnnotatedMessage 0', 'Everything.getEnv 0', 'Everything.getResourceLinks 0', 'Everything.getResourceReference 0'];
    expect(ranked(officialIndex.search(''))).toEqual(firstFive);
    expect(ranked(officialIndex.search('   '))).toEqual(firstFive);
    expect(ranked(officialIndex.search('how do I'))).toEqual(firstFive);
  });

  it('the limit defaults to 5, is at least 1 and at most 50, and is truncated to a whole number', () => {
    expect(officialIndex.search('')).toHaveLength(5);
    expect(officialIndex.search('', 0)).toHaveLength(1);
    expect(officialIndex.search('', -3)).toHaveLength(1);
    expect(officialIndex.search('', 2.9)).toHaveLength(2);
    expect(officialIndex.search('', Number.NaN)).toHaveLength(5);
    expect(officialIndex.search('', 1000)).toHaveLength(36); // all the tools there are; the cap is 50
  });

  it('searchTools is the same search on a fresh index', () => {
    expect(searchTools(officialServers, 'write a file', { limit: 3 })).toEqual(officialIndex.search('write a file', 3));
  });
});

describe('ranking', () => {
  it('a match in the name outweighs the same word in a description', () => {
    const named = assignNames([
      tool('notes', 'list_notes', 'Lists notes. Each note may link to an archive.'),
      tool('notes', 'archive_note', 'Moves a note out of the way.'),
    ]);
    expect(methods(searchTools(named, 'archive'))).toEqual(['Notes.archiveNote', 'Notes.listNotes']);
  });

  it('parameter names and their descriptions are searched, nested ones included', () => {
    const named = assignNames([
      tool('a', 'first'),
      {
        server: 'a',
        name: 'second',
        inputSchema: {
          type: 'object',
          properties: { items: { type: 'array', items: { type: 'object', properties: { colourCode: { type: 'string', description: 'Hex triplet' } } } } },
        },
      },
    ]);
    expect(methods(searchTools(named, 'colour'))).toEqual(['A.second']);
    expect(methods(searchTools(named, 'hex'))).toEqual(['A.second']);
  });

  it('ties keep catalog order, whatever the server names', () => {
    const named = assignNames([tool('zeta', 'send_mail'), tool('alpha', 'send_mail'), tool('mid', 'send_mail')]);
    expect(ranked(searchTools(named, 'send mail'))).toEqual(['Zeta.sendMail 0.42', 'Alpha.sendMail 0.42', 'Mid.sendMail 0.42']);
  });

  it('a tool marked deprecated ranks below its replacement, at half its score; asked for by name, it comes first', () => {
    const named = assignNames([
      tool('fs', 'read_file', 'Read a file. DEPRECATED: Use read_text_file instead.'),
      tool('fs', 'read_text_file', 'Read a file.'),
      tool('fs', 'list_deprecated', 'Lists deprecated files.'),
    ]);
    expect(ranked(searchTools(named, 'read file contents'))).toEqual(['Fs.readTextFile 1.03', 'Fs.readFile 0.526', 'Fs.listDeprecated 0.153']);
    expect(methods(searchTools(named, 'read file'))).toEqual(['Fs.readFile', 'Fs.readTextFile', 'Fs.listDeprecated']);
  });

  it('a hit, as search_tools returns it', () => {
    const named = assignNames([
      {
        server: 'weather',
        name: 'get_forecast',
        description: 'Forecast for a city, by day.',
        inputSchema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] },
      },
      tool('weather', 'get_alerts', 'Active weather alerts for a region.'),
    ]);
    expect(searchTools(named, 'forecast for Paris')).toMatchInlineSnapshot(`
      [
        {
          "declaration": "declare namespace mcpTools.Weather {
        /** Forecast for a city, by day. */
        function getForecast(args: { city: string; /** @minimum 1 */ days?: number }): Promise<unknown>;
      }
      ",
          "method": "getForecast",
          "namespace": "Weather",
          "score": 1.181,
          "server": "weather",
          "tool": "get_forecast",
        },
      ]
    `);
  });
});

describe('a hit whose declaration is larger than a model should read', () => {
  // 3,000 definitions, one interface (and its comment) per line, and a signature that names them all.
  const parts = 3_000;
  const wide: CatalogTool = {
    server: 'hostile',
    name: 'wide_form',
    description: 'Fills a form with many parts.',
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: parts }, (_, i) => [`field${i}`, { $ref: `#/$defs/Part${i}` }])),
      $defs: Object.fromEntries(Array.from({ length: parts }, (_, i) => [`Part${i}`, { type: 'object', properties: { a: { type: 'string' } }, description: `Part ${i} of the form.` }])),
    },
  };
  // Keys of one and two letters before the emoji: one of the two puts a pair's second half at the cut.
  const oneLine = (name: string, letters: string): CatalogTool => ({
    server: 'hostile',
    name,
    description: 'Takes one long key.',
    inputSchema: { type: 'object', properties: { [`${letters}${'\u{1F600}'.repeat(30_000)}`]: { type: 'string' } } },
  });
  const named = assignNames([wide, oneLine('one_key', 'k'), oneLine('other_key', 'kk'), tool('hostile', 'small_form', 'Fills a small form.')]);
  const index = createToolSearchIndex(named);

  it('is cut at a line before 20,000 characters and says how much was left out', () => {
    const [hit] = index.search('wide form', 1);
    const whole = generateToolDeclaration(named, 'Hostile', 'wideForm');
    expect(whole.length).toBeGreaterThan(100_000);
    expect(hit!.declaration.length).toBeLessThanOrEqual(20_000 + 120);
    const noteAt = hit!.declaration.lastIndexOf('\n');
    const [kept, note] = [hit!.declaration.slice(0, noteAt), hit!.declaration.slice(noteAt + 1)];
    expect(whole.startsWith(`${kept}\n`)).toBe(true); // whole lines
    expect(kept).toContain('interface WideFormInput_Part0 { a?: string }');
    expect(note).toBe(`// … ${whole.length - kept.length} more characters of this declaration left out (search_tools shows at most 20000)`);
  });

  it('one line of a megabyte is cut at 20,000 characters, never inside a surrogate pair', () => {
    for (const [query, method] of [['one key', 'oneKey'], ['other key', 'otherKey']] as const) {
      const [hit] = index.search(query, 1);
      expect(hit!.method).toBe(method);
      expect(hit!.declaration.length).toBeLessThanOrEqual(20_000 + 120);
      expect(hit!.declaration.isWellFormed(), method).toBe(true);
      expect(hit!.declaration).toMatch(/\n\/\/ … \d+ more characters of this declaration left out/);
    }
  });

  it('a declaration of ordinary size is shown whole', () => {
    const [hit] = index.search('small form', 1);
    expect(hit!.declaration).toBe(generateToolDeclaration(named, 'Hostile', 'smallForm'));
    expect(hit!.declaration).not.toContain('left out');
  });
});

describe('a server whose descriptions and names are megabytes', () => {
  it('the deprecation marker is still found in its forms, and a megabyte of spaces or blank lines is read in one pass', () => {
    const prior = (description: string): number => toolSearchPrior({ method: 't', tool: tool('s', 't', description) } as never);
    for (const marked of ['DEPRECATED: use read_text_file.', 'Reads it. Deprecated.', 'Reads it.  [Deprecated] Use the other one.', 'Reads it.\n\n**Deprecated**: gone soon', '(deprecated)']) {
      expect(prior(marked), marked).toBe(0.5);
    }
    expect(prior('Lists deprecated APIs.')).toBe(1);
    // With unbounded runs the pattern took time growing with the square of the run: 16,000 spaces 0.27 s, these a quarter of an hour each.
    for (const hostile of [`.${' '.repeat(1_000_000)}x`, `${'\n'.repeat(1_000_000)}x`, `. ${' '.repeat(1_000_000)}deprecatedx`]) {
      expect(prior(hostile)).toBe(1);
    }
  });

  it('indexes the first 10,000 characters of each text, as a doc comment shows them', () => {
    const flood = `Converts currency amounts. ${'padding '.repeat(2_000)}${'aB'.repeat(500_000)} zebra`;
    const named = assignNames([
      { server: 'money', name: 'convert', description: flood, inputSchema: { type: 'object', properties: { amount: { type: 'number', description: flood } } } },
      { server: 'money', name: `rate_${'x'.repeat(1_000_000)}`, description: 'Exchange rate of a currency pair.', inputSchema: { type: 'object' } },
    ]);
    const index = createToolSearchIndex(named);
    expect(methods(index.search('currency amounts'))).toEqual(['Money.convert', expect.stringMatching(/^Money\.rateXx+$/)]);
    // Past the first 10,000 characters: not read, so not found.
    expect(index.search('zebra')).toEqual([]);
    expect(index.search('exchange rate', 1)[0]?.tool.length).toBe(1_000_005);
  });
});
