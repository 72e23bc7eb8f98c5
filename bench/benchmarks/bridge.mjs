/**
 * Bridge throughput: one execution making 1,000 sequential echo calls against 1,000 direct SDK
 * calls, and one execution making 100 calls in one Promise.all against 100 direct calls in one
 * Promise.all. The library in this process (createCodeMode), so only the sandbox bridge is measured.
 */
import { bundledServer, connectDirect, everythingCodeMode, resultText } from '../lib/servers.mjs';
import { checkAnswer, expected, nextVariant, programs, sizes } from '../lib/workloads.mjs';
import { ratio, round, summarize, timeIt } from '../stats.mjs';

const echo = 'mcpTools.Everything.echo';

async function execute(codeMode, code, wanted) {
  const result = await codeMode.executeCode(code);
  if (!result.success) throw new Error(`execution failed: ${result.errorCode ?? ''} ${result.error}`);
  checkAnswer('bridge', result.returnValue, wanted);
}

/** The code-goat side of the workloads: also what the peer benchmark compares with. */
export async function libraryBridge() {
  const codeMode = await everythingCodeMode();
  try {
    const sequentialRun = (variant = nextVariant()) => execute(codeMode, programs.sequential(echo, variant), expected.sequential(variant));
    const parallelRun = (variant = nextVariant()) => execute(codeMode, programs.parallel(echo, variant), expected.parallel(variant));
    const warmUp = nextVariant();
    await execute(codeMode, programs.sequential(echo, warmUp, 50), expected.sequential(warmUp, 50));
    const sequential = [];
    for (let run = 0; run < sizes.sequentialRuns; run++) sequential.push((await timeIt(() => sequentialRun())).ms);
    for (let i = 0; i < 3; i++) await parallelRun();
    const parallel = [];
    for (let run = 0; run < sizes.parallelRuns; run++) parallel.push((await timeIt(() => parallelRun())).ms);
    return { sequential: summarize(sequential), parallel: summarize(parallel) };
  } finally {
    await codeMode.close();
  }
}

async function directBridge() {
  const direct = await connectDirect(bundledServer('everything'));
  const call = async (message) => resultText(await direct.client.callTool({ name: 'echo', arguments: { message } }));
  const variant = nextVariant();
  try {
    for (let i = 0; i < 50; i++) await call('warm');
    const sequential = [];
    for (let run = 0; run < sizes.sequentialRuns; run++) {
      sequential.push(
        (
          await timeIt(async () => {
            let last;
            for (let i = 0; i < sizes.sequentialCalls; i++) last = await call(`v${variant}m${i}`);
            checkAnswer('direct sequential', last, expected.sequential(variant));
          })
        ).ms,
      );
    }
    const parallel = [];
    for (let run = 0; run < sizes.parallelRuns; run++) {
      parallel.push(
        (
          await timeIt(async () => {
            const all = await Promise.all(Array.from({ length: sizes.parallelCalls }, (_, i) => call(`v${variant}m${i}`)));
            checkAnswer('direct parallel', `${all.length}:${all.at(-1)}`, expected.parallel(variant));
          })
        ).ms,
      );
    }
    return { sequential: summarize(sequential), parallel: summarize(parallel) };
  } finally {
    await direct.close();
  }
}

export async function run({ log }) {
  log('direct SDK calls');
  const direct = await directBridge();
  log('execute_code (library)');
  const code = await libraryBridge();
  const perCall = (summary, calls) => round(summary.median / calls, 4);
  return {
    compares: `one execution making ${sizes.sequentialCalls} sequential everything echo calls vs ${sizes.sequentialCalls} sequential direct SDK calls to server-everything; one execution making ${sizes.parallelCalls} calls in one Promise.all vs ${sizes.parallelCalls} direct SDK calls in one Promise.all; ms per run`,
    setup: `createCodeMode (library, this process) over a bundled everything server vs an SDK Client on its own everything process, both stdio. ${sizes.sequentialRuns} timed runs of the sequential workload, ${sizes.parallelRuns} of the Promise.all one, after warm-up. codeMode.maxToolCalls is raised to 100000 (the default is 1000 per execution).`,
    sequential: {
      calls: sizes.sequentialCalls,
      executeCode: code.sequential,
      direct: direct.sequential,
      perCallMs: { executeCode: perCall(code.sequential, sizes.sequentialCalls), direct: perCall(direct.sequential, sizes.sequentialCalls) },
      ratio: ratio(code.sequential.median, direct.sequential.median),
    },
    parallel: {
      calls: sizes.parallelCalls,
      executeCode: code.parallel,
      direct: direct.parallel,
      perCallMs: { executeCode: perCall(code.parallel, sizes.parallelCalls), direct: perCall(direct.parallel, sizes.parallelCalls) },
      ratio: ratio(code.parallel.median, direct.parallel.median),
    },
  };
}

export function table(result) {
  const row = (label, figures) => [label, figures.executeCode.median, figures.executeCode.p99, figures.direct.median, figures.direct.p99, figures.perCallMs.executeCode, figures.perCallMs.direct, `×${figures.ratio}`];
  return [
    {
      headers: ['workload (ms per run)', 'execute_code median', 'p99', 'direct SDK median', 'p99', 'per call (code)', 'per call (direct)', 'ratio'],
      rows: [row(`${result.sequential.calls} sequential calls`, result.sequential), row(`${result.parallel.calls} calls in Promise.all`, result.parallel)],
    },
  ];
}
