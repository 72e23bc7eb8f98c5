import { readFileSync } from 'node:fs';

/**
 * code-goat's version, from its package.json, read once. One source for `--version`, the clientInfo
 * sent to downstream servers and the serverInfo given upstream. The path is the same from src/ and
 * dist/ (both sit beside package.json), and the published package ships its package.json.
 */
export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** How code-goat names itself to MCP peers, both ways. */
export const implementationInfo = { name: 'code-goat', version } as const;
