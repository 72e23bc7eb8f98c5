import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { bundledServer } from '/work/main/dist/config/bundledServers.js';
const dir = mkdtempSync('/tmp/sp-');
writeFileSync(`${dir}/c.json`, JSON.stringify({ mcpServers: process.env.EMPTY ? {} : { everything: bundledServer('everything'), silent: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1 << 30)'] } } }));
const prof = process.argv[2] === 'prof' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/s'] : [];
const times = [];
for (let i = 0; i < (prof.length ? 1 : 5); i++) {
  const t0 = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: [...prof, '/work/main/dist/cli.js', '--config', `${dir}/c.json`], stderr: 'ignore' });
  const client = new Client({ name: 'x', version: '1' });
  await client.connect(transport);
  const t1 = performance.now();
  const { tools } = await client.listTools();
  const t2 = performance.now();
  times.push([Math.round(t1 - t0), Math.round(t2 - t1), Math.round(t2 - t0)]);
  await client.close();
}
console.log('connect, list, total ms:', JSON.stringify(times));
