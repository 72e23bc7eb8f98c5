import { spawn } from 'node:child_process';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { bundledServer } from '/work/main/dist/config/bundledServers.js';
const dir = mkdtempSync('/tmp/sp-');
writeFileSync(`${dir}/c.json`, JSON.stringify({ mcpServers: { everything: bundledServer('everything'), silent: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1 << 30)'] } } }));
const prof = process.argv[2] === 'prof' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof/s'] : [];
for (let i = 0; i < (prof.length ? 1 : 5); i++) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...prof, 'dist/cli.js', '--http', '127.0.0.1:0', '--config', `${dir}/c.json`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let seen = '';
  const url = await new Promise((resolve) => child.stderr.on('data', (c) => { seen += c; const m = /serving .* at (http:\/\/\S+\/mcp)/.exec(seen); if (m) resolve(m[1]); }));
  const t1 = performance.now();
  const client = new Client({ name: 'x', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const t2 = performance.now();
  await client.listTools();
  const t3 = performance.now();
  console.log('serving', Math.round(t1 - t0), 'connect', Math.round(t2 - t1), 'list', Math.round(t3 - t2), 'total', Math.round(t3 - t0));
  await client.close();
  const exited = new Promise((r) => child.once('exit', r)); child.kill('SIGTERM'); await exited;
}
