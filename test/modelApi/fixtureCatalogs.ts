/**
 * The tool catalogs of the three official servers, as their real SDK lists them (captured once into
 * `test/fixtures/catalogs/`), so generator tests run on what the gateway really sees.
 */
import { readFileSync } from 'node:fs';
import type { CatalogTool } from '../../src/catalog/ToolCatalog.ts';

export const fixtureServers = ['everything', 'filesystem', 'memory'] as const;
export type FixtureServer = (typeof fixtureServers)[number];

export function loadFixtureCatalog(servers: readonly FixtureServer[] = fixtureServers): CatalogTool[] {
  return servers.flatMap((server) => {
    const url = new URL(`../fixtures/catalogs/${server}.json`, import.meta.url);
    const tools = JSON.parse(readFileSync(url, 'utf8')) as Omit<CatalogTool, 'server'>[];
    return tools.map((tool) => ({ server, ...tool }));
  });
}
