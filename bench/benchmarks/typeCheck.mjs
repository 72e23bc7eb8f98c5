/**
 * The type check (`codeMode.typeCheck`) on the default servers (filesystem, memory, everything):
 * a check of typical code by the warm checker thread against the whole generated API, and what the
 * default mode (`on-error`) costs an execution that succeeds (it is not checked, so nothing): warm
 * `executeCode("return 1")` with the check off and on-error, in one instance each.
 */
import path from 'node:path';
import { createCodeMode } from '../../dist/index.js';
// Internal: the checker the gateway runs, driven directly to time the check alone.
import { WorkerTypeChecker } from '../../dist/modelApi/index.js';
import { benchCodeModeLimits, bundledServer, makeTempDir, quietLogger, removeTempDir } from '../lib/servers.mjs';
import { summarize, timeIt } from '../stats.mjs';

const checkSamples = Number(process.env.BENCH_WARM_SAMPLES ?? 300) / 3;
const executionSamples = Number(process.env.BENCH_WARM_SAMPLES ?? 300) / 3;

/** What a model writes: calls into three servers, a filter, a typo in an argument name (so the check has something to find). */
const typicalCode = (i) => `// sample ${i}
const [graph, listing] = await Promise.all([
  mcpTools.Memory.readGraph({}),
  mcpTools.Filesystem.listDirectory({ path: '.' }),
]);
const people = graph.entities.filter((entity) => entity.entityType === 'person').map((entity) => entity.name);
const echoed = await mcpTools.Everything.echo({ mesage: people.join(', ') });
return { people, listing, echoed };`;

function defaultServers(dir) {
  return {
    filesystem: bundledServer('filesystem', { roots: [dir] }),
    memory: bundledServer('memory', { memoryFile: path.join(dir, 'memory.jsonl') }),
    everything: bundledServer('everything'),
  };
}

async function warmReturnOne(dir, typeCheck) {
  const codeMode = await createCodeMode({ mcpServers: defaultServers(dir), codeMode: { ...benchCodeModeLimits, typeCheck } }, { logger: quietLogger().logger });
  try {
    const samples = [];
    for (let i = 0; i < 20 + executionSamples; i++) {
      const { ms, value } = await timeIt(() => codeMode.executeCode('return 1'));
      if (!value.success || value.returnValue !== 1 || 'diagnostics' in value) throw new Error(`executeCode("return 1") with typeCheck ${typeCheck} failed: ${value.error}`);
      if (i >= 20) samples.push(ms);
    }
    return { samples, typeDefinitions: codeMode.typeDefinitions };
  } finally {
    await codeMode.close();
  }
}

export async function run({ log }) {
  const dir = makeTempDir('typecheck');
  try {
    log('warm executions, typeCheck off');
    const off = await warmReturnOne(dir, 'off');
    log('warm executions, typeCheck on-error');
    const onError = await warmReturnOne(dir, 'on-error');
    log('checks');
    const checker = new WorkerTypeChecker();
    try {
      checker.setDeclarations(off.typeDefinitions);
      const first = await timeIt(() => checker.check(typicalCode(-1)));
      const checks = [];
      for (let i = 0; i < 10 + checkSamples; i++) {
        const { ms, value } = await timeIt(() => checker.check(typicalCode(i)));
        if (value.status !== 'checked' || value.diagnostics.length !== 1 || value.diagnostics[0].line !== 7) {
          throw new Error(`the check did not find the one typo on line 7: ${JSON.stringify(value)}`);
        }
        if (i >= 10) checks.push(ms);
      }
      return {
        compares:
          'a type check of typical code (3 servers, 8 lines, one typo) against the API of the default servers by the warm checker thread, and warm executeCode("return 1") with typeCheck off vs on-error (the default: a succeeding execution is not checked); ms',
        apiChars: off.typeDefinitions.length,
        firstCheck: Math.round(first.ms * 10) / 10,
        warmCheck: summarize(checks),
        executionOff: summarize(off.samples),
        executionOnError: summarize(onError.samples),
      };
    } finally {
      await checker.close();
    }
  } finally {
    removeTempDir(dir);
  }
}

export function table(result) {
  return [
    {
      headers: ['type check (ms)', 'median', 'p99', 'samples'],
      rows: [
        [`first check (thread start, ${result.apiChars.toLocaleString('en-US')} chars of API parsed)`, result.firstCheck, result.firstCheck, 1],
        ['warm check, default servers', result.warmCheck.median, result.warmCheck.p99, result.warmCheck.n],
        ['executeCode("return 1"), typeCheck off', result.executionOff.median, result.executionOff.p99, result.executionOff.n],
        ['executeCode("return 1"), typeCheck on-error', result.executionOnError.median, result.executionOnError.p99, result.executionOnError.n],
      ],
    },
  ];
}
