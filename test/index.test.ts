import { describe, expect, it } from 'vitest';

// The package's public surface: exactly these runtime exports, from the built entry point.
describe('package entry point', () => {
  it('dist/index.js exports the public API and nothing else', async () => {
    const entry = (await import('../dist/index.js')) as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(
      [
        'CodeGoatError',
        'Gateway',
        'createCodeMode',
        'createGateway',
        'defaultConfig',
        'errorCodes',
        'executeCodeToolSchema',
        'executionResultSchema',
        'listenHttp',
        'loadConfig',
        'parseConfig',
        'parseConfigText',
        'serveGatewayOverStdio',
      ].sort(),
    );
    for (const name of ['createCodeMode', 'createGateway', 'loadConfig']) expect(typeof entry[name]).toBe('function');
  });

  it('package.json points bin and exports at the built files', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, { default?: string; types?: string } | string>;
      engines: { node: string };
      type: string;
    };
    expect(manifest.type).toBe('module');
    expect(manifest.engines.node).toBe('>=24');
    expect(manifest.bin['code-goat']).toBe('dist/cli.js');
    const root = manifest.exports['.'] as { default: string; types: string };
    for (const file of [manifest.bin['code-goat']!, root.default, root.types]) expect(existsSync(new URL(`../${file}`, import.meta.url))).toBe(true);
    expect(readFileSync(new URL('../dist/cli.js', import.meta.url), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
