/**
 * Peer: the overhead and bridge workloads, run the same way with @utcp/code-mode (its own isolated-vm
 * executor, its own MCP client to the same bundled everything server), against code-goat's library
 * figures from the same run (or measured here when `overhead` / `bridge` did not run).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundledServer } from '../lib/servers.mjs';
import { sizes } from '../lib/workloads.mjs';
import { ensurePeerInstalled, peerDir, peerVersions } from '../peer/install.mjs';
import { ratio } from '../stats.mjs';
import { libraryBridge } from './bridge.mjs';
import { libraryOverhead } from './overhead.mjs';

const peerScript = fileURLToPath(new URL('../peer/peerBench.mjs', import.meta.url));

/** Runs peerBench.mjs in `node --no-node-snapshot` and resolves to its figures. */
function runPeer() {
  const { command, args } = bundledServer('everything');
  const child = fork(peerScript, [JSON.stringify({ command, args })], {
    cwd: peerDir,
    execArgv: ['--no-node-snapshot'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    let message;
    child.on('message', (value) => (message = value));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message?.ok) resolve(message.figures);
      else reject(new Error(`the peer run failed (exit ${code ?? signal}): ${message?.error ?? '(no message)'}\n${stderr}`));
    });
  });
}

async function codeGoatFigures(results, log) {
  const overhead = results.overhead
    ? { cold: results.overhead.cold['library executeCode'], warm: results.overhead.warm['library executeCode'] }
    : (log('code-goat overhead (library)'), await libraryOverhead());
  const bridge = results.bridge
    ? { sequential: results.bridge.sequential.executeCode, parallel: results.bridge.parallel.executeCode }
    : (log('code-goat bridge (library)'), await libraryBridge());
  return { overhead, bridge };
}

export async function run({ log, results }) {
  const versions = peerVersions();
  const base = {
    compares: `the overhead workload (one execution making one everything echo call; cold = first after start, warm) and the bridge workloads (${sizes.sequentialCalls} sequential calls in one execution; ${sizes.parallelCalls} calls in one Promise.all) with code-goat's library (createCodeMode().executeCode) vs @utcp/code-mode's callToolChain, same programs, same bundled everything server over stdio; ms, ratio = peer / code-goat (above 1: code-goat is faster)`,
    peer: versions,
  };
  let install;
  try {
    install = ensurePeerInstalled(log);
  } catch (error) {
    return { ...base, available: false, reason: `could not install the peer: ${error.message}` };
  }
  const codeGoat = await codeGoatFigures(results, log);
  log('peer (@utcp/code-mode, node --no-node-snapshot)');
  let peer;
  try {
    peer = await runPeer();
  } catch (error) {
    return { ...base, available: false, reason: error.message, install, codeGoat };
  }
  const compare = (ours, theirs) => ({ codeGoat: ours, peer: theirs, ratio: ratio(theirs.median, ours.median) });
  return {
    ...base,
    setup:
      'The peer runs in a child `node --no-node-snapshot bench/peer/peerBench.mjs` (isolated-vm 6 needs the flag), installed from bench/peer/package-lock.json. It registers an "mcp" manual with the everything server (stdio, same entry file) and runs the programs of bench/lib/workloads.mjs, where echo is `bench.everything_echo` (its tool calls block the isolate until answered: applySyncPromise). Its per-call console.log is silenced. code-goat figures are the library ones of the overhead and bridge benchmarks of this run.',
    available: true,
    install,
    overhead: {
      cold: compare(codeGoat.overhead.cold, peer.overhead.cold),
      warm: compare(codeGoat.overhead.warm, peer.overhead.warm),
    },
    bridge: {
      sequential: compare(codeGoat.bridge.sequential, peer.bridge.sequential),
      parallel: compare(codeGoat.bridge.parallel, peer.bridge.parallel),
    },
    peerReference: { clientStartMs: peer.overhead.startMs, clientCallToolWarm: peer.overhead.clientCallTool },
  };
}

export function table(result) {
  if (!result.available) return [{ headers: ['peer'], rows: [[`unavailable: ${result.reason}`]] }];
  const row = (label, figures) => [label, figures.codeGoat.median, figures.codeGoat.p99, figures.peer.median, figures.peer.p99, `×${figures.ratio}`];
  return [
    {
      headers: ['workload (ms)', 'code-goat median', 'p99', '@utcp/code-mode median', 'p99', 'peer / code-goat'],
      rows: [
        row('one echo, cold', result.overhead.cold),
        row('one echo, warm', result.overhead.warm),
        row(`${sizes.sequentialCalls} sequential calls`, result.bridge.sequential),
        row(`${sizes.parallelCalls} calls in Promise.all`, result.bridge.parallel),
      ],
    },
    {
      title: `peer: ${Object.entries(result.peer).map(([name, version]) => `${name}@${version}`).join(', ')}${result.install?.installedNow ? ` (installed now in ${result.install.installSeconds} s)` : ''}`,
      headers: ['peer reference (ms)', 'median', 'p99'],
      rows: [
        ['create client + register manual', result.peerReference.clientStartMs.median, result.peerReference.clientStartMs.p99],
        ['client.callTool outside the sandbox (warm)', result.peerReference.clientCallToolWarm.median, result.peerReference.clientCallToolWarm.p99],
      ],
    },
  ];
}
