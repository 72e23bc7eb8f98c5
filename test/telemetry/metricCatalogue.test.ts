/** The README's metric catalogue and docs/TELEMETRY.md name exactly the metrics the gateway exposes (docs that cannot drift). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/telemetry/metrics/GatewayMetrics.ts';
import { readme } from '../fixtures/readme.ts';

const telemetryDoc = readFileSync(new URL('../../docs/TELEMETRY.md', import.meta.url), 'utf8');

it('the README table lists every code-goat and MCP metric, and no other', async () => {
  const exposed = [...(await new GatewayMetrics().text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)]
    .map((match) => `${match[1]} ${match[2]}`)
    .filter((line) => /^(code_goat_|mcp_)/.test(line))
    .sort();
  const documented = [...readme.matchAll(/^\| `((?:code_goat_|mcp_)[a-z_]+)` \| (\w+) \|/gm)].map((match) => `${match[1]} ${match[2]}`).sort();
  expect(documented).toEqual(exposed);
  for (const line of exposed) expect(telemetryDoc).toContain(line.split(' ')[0]);
});
