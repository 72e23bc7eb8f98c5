/**
 * `search_tools` by name (issue "What the model sees", acceptance 3): a query that is a tool's exact name,
 * its method name or its name in words ranks that tool first, for every tool of the default servers and
 * of the bench's 500-tool synthetic catalog; a query naming a server and an action finds the action of
 * that server. In index mode this is the model's only way to a declaration.
 */
import { describe, expect, it } from 'vitest';
import { syntheticTools } from '../../bench/fixtures/syntheticCatalog.mjs';
import type { CatalogTool } from '../../src/catalog/ToolCatalog.ts';
import { assignNames, type NamedCatalog } from '../../src/modelApi/names/names.ts';
import { splitWords } from '../../src/modelApi/search/searchTerms.ts';
import { createToolSearchIndex } from '../../src/modelApi/search/searchTools.ts';
import { loadFixtureCatalog } from './fixtureCatalogs.ts';

/** Every tool's queries whose first hit is not that tool, as `query → first hit`. */
function misses(named: NamedCatalog, queriesOf: (server: string, tool: string, method: string) => string[]): string[] {
  const index = createToolSearchIndex(named);
  return named.namespaces.flatMap((namespace) => namespace.tools.flatMap((tool) =>
    queriesOf(namespace.server, tool.tool.name, tool.method).flatMap((query) => {
      const [first] = index.search(query, 1);
      return first?.server === namespace.server && first.tool === tool.tool.name ? [] : [`${query} → ${first?.server}/${first?.tool}`];
    })));
}

const byName = (_server: string, tool: string, method: string) => [tool, method, splitWords(tool).join(' ')];
const byServerAndName = (server: string, tool: string) => [`${server} ${splitWords(tool).join(' ')}`];

const defaultServers = assignNames(loadFixtureCatalog());
const synthetic = assignNames(syntheticTools().map((tool): CatalogTool => ({ server: 'saas', ...tool })));

describe('a tool\'s name finds it first', () => {
  it('every tool of the default servers, by its name, its method name and its name in words', () => {
    expect(defaultServers.namespaces.flatMap((namespace) => namespace.tools)).toHaveLength(36);
    expect(misses(defaultServers, byName)).toEqual([]);
  });

  it('every tool of the 500-tool synthetic catalog', () => {
    expect(synthetic.namespaces[0]?.tools).toHaveLength(500);
    expect(misses(synthetic, byName)).toEqual([]);
  });

  it('a longer name that holds the same words does not win: read_file against read_multiple_files', () => {
    const index = createToolSearchIndex(defaultServers);
    expect(index.search('read file', 2).map((hit) => hit.tool)).toEqual(['read_file', 'read_multiple_files']);
    expect(index.search('read_multiple_files', 1).map((hit) => hit.tool)).toEqual(['read_multiple_files']);
  });

  it('word order does not matter: "pull request create" is create_pull_request', () => {
    const named = assignNames([
      { server: 'github', name: 'create_pull_request', description: 'Open a pull request.', inputSchema: { type: 'object' } },
      { server: 'github', name: 'create_pull_request_review', description: 'Create a review on a pull request.', inputSchema: { type: 'object' } },
      { server: 'github', name: 'list_pull_requests', description: 'List pull requests; create filters with the query.', inputSchema: { type: 'object' } },
    ]);
    const index = createToolSearchIndex(named);
    for (const query of ['create pull request', 'createPullRequest', 'create_pull_request', 'pull request create']) {
      expect(index.search(query, 1)[0]?.tool, query).toBe('create_pull_request');
    }
  });
});

describe('a server and an action', () => {
  it('every tool of the default servers, by its server\'s name and its name in words', () => {
    expect(misses(defaultServers, byServerAndName)).toEqual([]);
  });

  it('"github create issue" finds GitHub\'s create_issue, not another server\'s, nor a longer name', () => {
    const named = assignNames([
      { server: 'gitlab', name: 'create_issue', description: 'Create an issue in a GitLab project.', inputSchema: { type: 'object' } },
      { server: 'github', name: 'create_issue_comment', description: 'Comment on a GitHub issue.', inputSchema: { type: 'object' } },
      { server: 'github', name: 'create_issue', description: 'Create an issue in a repository.', inputSchema: { type: 'object' } },
      { server: 'jira', name: 'create_issue', description: 'Create a Jira issue (github sync optional).', inputSchema: { type: 'object' } },
    ]);
    const [first] = createToolSearchIndex(named).search('github create issue', 1);
    expect(first).toMatchObject({ server: 'github', tool: 'create_issue', namespace: 'Github', method: 'createIssue' });
  });
});
