// npm run bench [-- NAME...]: runs the benchmarks against the real bundled servers and prints figures.
import { writeFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createCodeMode } from '../dist/index.js';
import { bundledServer } from '../dist/config/bundledServers.js';
import { summarize, timeIt } from './stats.mjs';

const everythingOnly = () => ({ mcpServers: { everything: bundledServer('everything') } });

const benchmarks = {
  /** executeCode("return 1"): the first execution of a fresh instance, then warm ones. */
  async execution() {
    const cold = [];
    for (let i = 0; i < 5; i++) {
      const codeMode = await createCodeMode(everythingOnly());
      cold.push((await timeIt(() => codeMode.executeCode('return 1'))).ms);
      await codeMode.close();
    }
    const codeMode = await createCodeMode(everythingOnly());
    for (let i = 0; i < 20; i++) await codeMode.executeCode('return 1');
    const warm = [];
    for (let i = 0; i < 500; i++) warm.push((await timeIt(() => codeMode.executeCode('return 1'))).ms);
    await codeMode.close();
    return {
      compares: 'executeCode("return 1"): first execution of a fresh createCodeMode (cold) vs after 20 warm-ups (warm), ms',
      cold: summarize(cold),
      warm: summarize(warm),
    };
  },

  /** One execution making 1,000 sequential echo calls vs 1,000 direct SDK client calls to the same server. */
  async bridge() {
    const calls = 1000;
    const direct = new Client({ name: 'bench', version: '0' });
    const server = bundledServer('everything');
    await direct.connect(new StdioClientTransport({ command: server.command, args: server.args, stderr: 'ignore' }));
    for (let i = 0; i < 50; i++) await direct.callTool({ name: 'echo', arguments: { message: 'warm' } });
    const directRuns = [];
    for (let run = 0; run < 3; run++) {
      directRuns.push((await timeIt(async () => {
        for (let i = 0; i < calls; i++) await direct.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      })).ms);
    }
    await direct.close();

    const codeMode = await createCodeMode(everythingOnly());
    const code = `let last; for (let i = 0; i < ${calls}; i++) last = await mcpTools.Everything.echo({ message: 'm' + i }); return last;`;
    await codeMode.executeCode('for (let i = 0; i < 50; i++) await mcpTools.Everything.echo({ message: "warm" });');
    const viaCode = [];
    for (let run = 0; run < 3; run++) {
      const { ms, value } = await timeIt(() => codeMode.executeCode(code));
      if (!value.success || value.returnValue !== `Echo: m${calls - 1}`) throw new Error(`bridge benchmark failed: ${JSON.stringify(value).slice(0, 300)}`);
      viaCode.push(ms);
    }
    await codeMode.close();
    const directMedian = summarize(directRuns).median;
    const codeMedian = summarize(viaCode).median;
    return {
      compares: `${calls} sequential echo calls: one execute_code vs direct SDK client calls (median of 3 runs, ms)`,
      directMs: directMedian,
      executeCodeMs: codeMedian,
      perCallDirectMs: directMedian / calls,
      perCallExecuteCodeMs: codeMedian / calls,
      ratio: Math.round((codeMedian / directMedian) * 100) / 100,
    };
  },
};

const wanted = process.argv.slice(2).filter((name) => !name.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(benchmarks);
const results = {};
for (const name of names) {
  const benchmark = benchmarks[name];
  if (!benchmark) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
  process.stdout.write(`\n## ${name}\n`);
  results[name] = await benchmark();
  console.log(JSON.stringify(results[name], null, 2));
}
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2));
console.log('\nwritten to bench/results.json');
