/**
 * The chaos test (Hardening II, acceptance 2): one gateway process, the CLI over HTTP, takes rounds of
 * hostile executions from several SDK clients at once (deep and huge return values, deep and huge
 * tool results, backtracking-pattern and uniqueItems arguments, calls left running, client cancels,
 * log floods, code nested past the parser's limit, odd errors, unknown tools, a memory bomb now and
 * then) while its downstream servers misbehave (slow, hanging, crashing, flooding stdout). A seeded
 * PRNG picks the mix: a fixed seed by default, another with `CHAOS_SEED=<n>`.
 *
 * After every round: the gateway is the same process, `/healthz` answers a JSON report, and a plain
 * execution and a call of everything's echo succeed. At the end: nothing in its stderr says a
 * rejection went unhandled or an exception uncaught, and its memory is back near what it was after a
 * warm-up round. Every execution must get an answer (a success, or a failure with an errorCode) within
 * a wide bound: a hang fails the test.
 *
 * Memory is read through the gateway's inspector (it runs with `--inspect=127.0.0.1:0`) after a forced
 * full collection, at the baseline and at the end, and then, where gdb can attach, once more after
 * glibc's `malloc_trim(0)`. What the soak found (seed 20261130): RSS as sampled grew +36 to +143 MB,
 * but the JS heap after a full GC grew only +1.5 MB (31.0 → 32.6 MB; external and array buffers flat),
 * and RSS after GC and malloc_trim was +4 MB (113.2 → 117.3 MB). The rest was (1) garbage V8 had not
 * needed to collect yet (RSS 176 → 137 MB at the first forced GC) and (2) memory glibc's allocator keeps
 * after the process freed it (137 → 117 MB at malloc_trim): the high-water of the rounds' large
 * transient native buffers (IPC messages, HTTP bodies, a 3 MB stdout flood), not retention. The one real
 * retention seen (~50 response streams of cancelled 2025-era requests, held open with their sockets) is
 * fixed and tested in test/e2e/executionCancellation.test.ts. Most of what glibc kept came from its
 * dynamic mmap threshold (RSS after GC: +55 MB left dynamic, +23 MB with it fixed at 128 KiB, which the
 * gateway under test runs with; the same `GLIBC_TUNABLES` serves a deployment that watches RSS). So the
 * bounds: the JS heap within 10 MB, and RSS within 50 MB, measured after the GC (and after malloc_trim
 * when gdb is there).
 *
 * Run with `npm run soak` (2 to 3 minutes; CI runs it after `npm test`); not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { serverDefaults } from '../../src/config/defaults.ts';
import { badSchemaServer, faultServer, garbageServer, officialServer } from '../fixtures/servers.ts';
import { startHttpFaultServer } from '../fixtures/servers/http-fault-server.ts';
import { inspectorUrl, memoryAfterGc, type Memory } from './inspectedMemory.ts';
import { Closer, connectHttp, executeCode, isAlive, jsonLogLines, makeWorkspace, startHttpCli, writeConfigFile, type ExecutionStructured } from '../e2e/gatewayHelpers.ts';

const CLIENTS = 5;
const ROUNDS = 10; // plus one warm-up round: 11 × 5 × 10 = 550 executions
const PER_CLIENT_PER_ROUND = 10;
/** A bound on one execution's answer: far past every deadline in the config below; only a hang reaches it. */
const ANSWER_BOUND_MS = 90_000;
const MEMORY_MARGIN = 50 * 1024 * 1024;
/** glibc's tunable for the gateway under test (see where the CLI starts). */
const fixedMmapThreshold = 'glibc.malloc.mmap_threshold=131072';
/** What the JS heap may keep after a full GC: the rounds' retention (measured +1.5 MB). */
const HEAP_MARGIN = 10 * 1024 * 1024;

// A fixed seed by default, so that every run of the suite (and CI) plays the same mix; set CHAOS_SEED
// to play another (e.g. CHAOS_SEED=$RANDOM npm test -- chaos).
const seed = Number(process.env['CHAOS_SEED'] ?? 20_261_130);

/** mulberry32: small, seeded, good enough to pick a mix. */
function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const caught = (call: string) => `try { return await ${call}; } catch (error) { return { name: error.name, code: error.code }; }`;

/** What one hostile execution does: code, and optionally a client cancel after `cancelAfterMs`. */
interface Attack {
  readonly kind: string;
  readonly code: string;
  readonly cancelAfterMs?: number;
}

/** The hostile kinds with their weights: the slow ones (memory bomb, crash, flood, hang, huge) are rare. */
const attacks: readonly { weight: number; make: (random: () => number) => Attack }[] = [
  { weight: 8, make: () => ({ kind: 'deep return value', code: 'let v = 0; for (let i = 0; i < 12_000; i++) v = [v]; return v;' }) },
  { weight: 6, make: () => ({ kind: 'deep tool result', code: caught('mcpTools.Remote.deep({ depth: 50_000 })') }) },
  { weight: 3, make: () => ({ kind: 'deep structured tool result', code: caught('mcpTools.Remote.deep({ depth: 1_000, structured: true })') }) },
  { weight: 1, make: () => ({ kind: 'huge tool result', code: caught(`mcpTools.Remote.huge({ bytes: ${serverDefaults.maxResultBytes + 1024} })`) }) },
  { weight: 6, make: (r) => ({ kind: 'backtracking pattern', code: caught(`mcpTools.Bad.hostile({ text: '${'a'.repeat(24 + Math.floor(r() * 10))}!' })`) }) },
  { weight: 4, make: () => ({ kind: 'uniqueItems', code: caught('mcpTools.Bad.hostile({ list: Array.from({ length: 8_000 }, (_, i) => ({ i, tag: "x" })) })') }) },
  {
    weight: 8,
    make: (r) => ({
      kind: 'calls not awaited',
      code: `for (let i = 0; i < ${5 + Math.floor(r() * 30)}; i++) { void mcpTools.Fault.block({ label: 'left ' + i }); void mcpTools.Fault.slow({ ms: 1_500 }); } return 'returned';`,
    }),
  },
  { weight: 6, make: (r) => ({ kind: 'client cancel', code: 'return await mcpTools.Fault.block({ label: "held" })', cancelAfterMs: Math.floor(r() * 300) }) },
  { weight: 3, make: (r) => ({ kind: 'client cancel of busy code', code: 'for (;;) {}', cancelAfterMs: Math.floor(r() * 300) }) },
  { weight: 6, make: () => ({ kind: 'empty log lines', code: 'for (let i = 0; i < 30_000; i++) console.log(""); return 1;' }) },
  { weight: 6, make: () => ({ kind: 'huge nested return', code: 'let v = new Array(500).fill(7); for (let i = 0; i < 450; i++) v = [v]; return v;' }) },
  { weight: 5, make: (r) => ({ kind: 'code nested past 256', code: `return ${'['.repeat(257 + Math.floor(r() * 3000))}${']'.repeat(257)};` }) },
  { weight: 5, make: () => ({ kind: 'deep parens', code: `return ${'('.repeat(5_000)}1${')'.repeat(5_000)};` }) },
  { weight: 5, make: () => ({ kind: 'newline error name', code: 'const e = new Error("boom"); e.name = "Bad\\nName\\r\\nX"; throw e;' }) },
  { weight: 3, make: () => ({ kind: 'thrown non-error', code: 'throw { toString() { throw new Error("nope"); } };' }) },
  { weight: 5, make: () => ({ kind: 'unknown tool', code: 'return await mcpTools.Fault.noSuchTool({})' }) },
  { weight: 3, make: () => ({ kind: 'unknown server', code: 'return await mcpTools.Nowhere.tool({})' }) },
  { weight: 4, make: () => ({ kind: 'unhandled rejection in code', code: 'void Promise.reject(new Error("left")); void mcpTools.Fault.fail({}); return 1;' }) },
  { weight: 4, make: (r) => ({ kind: 'slow tool', code: `return await mcpTools.Fault.slow({ ms: ${Math.floor(r() * 400)} })` }) },
  { weight: 1, make: () => ({ kind: 'hanging tool', code: caught('mcpTools.Fault.hang({})') }) },
  { weight: 1, make: () => ({ kind: 'crashing server', code: caught('mcpTools.Fault.crash({})') }) },
  { weight: 1, make: () => ({ kind: 'flooding server', code: caught('mcpTools.Garbage.flood({ bytes: 3_000_000 })') }) },
  { weight: 2, make: () => ({ kind: 'babbling server', code: caught('mcpTools.Garbage.babble({ lines: 200 })') }) },
  { weight: 1, make: () => ({ kind: 'memory bomb', code: 'const a = []; for (;;) a.push(new Array(1e6).fill(a.length));' }) },
  { weight: 2, make: () => ({ kind: 'big string return', code: 'return "x".repeat(20_000_000);' }) },
];
const totalWeight = attacks.reduce((sum, attack) => sum + attack.weight, 0);

function pick(random: () => number): Attack {
  let at = random() * totalWeight;
  for (const attack of attacks) {
    at -= attack.weight;
    if (at < 0) return attack.make(random);
  }
  return attacks[0]!.make(random);
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match?.[1] === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

interface SettledMemory extends Memory {
  /** VmRSS before the forced GC. */
  readonly sampledRss: number;
  /** VmRSS after the GC and glibc's malloc_trim(0), when gdb could attach to call it. */
  readonly trimmedRss?: number;
}

/**
 * The gateway's memory after a forced full GC (through its inspector), and its RSS once glibc handed
 * back what it holds free (`malloc_trim(0)`, called through gdb where gdb is installed and may attach).
 */
async function settledMemory(pid: number, stderr: string): Promise<SettledMemory> {
  const url = inspectorUrl(stderr);
  if (url === undefined) throw new Error(`the gateway printed no inspector URL:\n${stderr.slice(0, 2_000)}`);
  const sampledRss = rssBytes(pid);
  const memory = await memoryAfterGc(url);
  let trimmedRss: number | undefined;
  try {
    const answer = execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'call (int)malloc_trim(0)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    if (/\$1 = \d/.test(answer)) trimmedRss = rssBytes(pid);
  } catch {
    // No gdb, or no permission to attach: the RSS after GC is the measure.
  }
  return { ...memory, sampledRss, ...(trimmedRss === undefined ? {} : { trimmedRss }) };
}

/** Rejects naming the attack when `promise` has not settled within the bound: a hang. */
async function bounded<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_BOUND_MS} ms: ${what}`)), ANSWER_BOUND_MS);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = 'success' | 'failure' | 'cancelled';

/** Runs one attack; throws when the answer is neither a success nor a failure with an errorCode. */
async function run(client: Client, attack: Attack): Promise<Outcome> {
  const controller = new AbortController();
  const request = client.callTool({ name: 'execute_code', arguments: { code: attack.code } }, { signal: controller.signal, timeout: ANSWER_BOUND_MS });
  if (attack.cancelAfterMs !== undefined) setTimeout(() => controller.abort(new Error('chaos: the user pressed stop')), attack.cancelAfterMs);
  let result: Awaited<typeof request>;
  try {
    result = await bounded(attack.kind, request);
  } catch (error) {
    if (attack.cancelAfterMs !== undefined && controller.signal.aborted) return 'cancelled';
    throw new Error(`${attack.kind}: the request failed: ${String(error)}`, { cause: error });
  }
  const structured = result.structuredContent as unknown as ExecutionStructured | undefined;
  if (structured === undefined) throw new Error(`${attack.kind}: no structured result: ${JSON.stringify(result).slice(0, 500)}`);
  if (structured.success) return 'success';
  if (typeof structured.errorCode !== 'string' || structured.errorCode === '') throw new Error(`${attack.kind}: a failure without errorCode: ${JSON.stringify(structured).slice(0, 500)}`);
  if (/\n/.test(structured.error ?? '')) throw new Error(`${attack.kind}: a multi-line error: ${JSON.stringify(structured.error).slice(0, 500)}`);
  return 'failure';
}

/** Lines of the gateway's stderr that report an unhandled rejection or an uncaught exception. */
function crashReports(stderr: string): string[] {
  return stderr.split('\n').filter((line) => {
    if (line.startsWith('{')) {
      const record = jsonLogLines(line)[0];
      if (record !== undefined) return record.level === 'fatal' || /unhandled|uncaught/i.test(record.message);
    }
    return /unhandled|uncaught|Node\.js v\d|triggerUncaughtException/i.test(line);
  });
}

describe('chaos', () => {
  const closer = new Closer();
  afterAll(() => closer.closeAll());

  it('one gateway process takes 500+ hostile executions from 5 clients and stays up, healthy, serving and lean', { timeout: 300_000 }, async () => {
    console.log(`chaos seed: ${seed} (replay with CHAOS_SEED=${seed})`);
    const random = prng(seed);
    const workspace = makeWorkspace(closer, 'chaos');
    const remote = closer.add(await startHttpFaultServer(), (s) => s.close());
    const configFile = writeConfigFile(workspace, {
      mcpServers: {
        fault: faultServer(),
        garbage: garbageServer(),
        bad: badSchemaServer(),
        remote: { url: remote.url, transport: 'http' },
        everything: officialServer('everything'),
      },
      // No type check here: the checker is a thread with a V8 heap of its own, which the inspector's GC
      // below does not collect, and which grows over its first thousands of checks to a plateau (+150
      // to +190 MB, see typeCheckerMemory.soak.ts). With it on, RSS after GC grew +35 to +58 MB over
      // these rounds on a fast machine (every failing execution checked in time); with it off, +9 to +15.
      codeMode: { timeout: 5_000, memoryMb: 64, toolTimeout: 2_000, typeCheck: 'off' },
    });
    // The inspector (loopback, port 0) is how the soak forces a full GC in the gateway before reading its
    // memory. glibc's mmap threshold is fixed at its default start (128 KiB) for the gateway: left dynamic,
    // it rises with the first large buffer freed, and later large buffers come from the heap, which keeps
    // them once freed (measured: RSS after GC +55 MB dynamic, +23 MB fixed; after malloc_trim +2 MB both).
    const cli = await startHttpCli(closer, configFile, { nodeArgs: ['--inspect=127.0.0.1:0'], env: { GLIBC_TUNABLES: fixedMmapThreshold } });
    const pid = cli.child.pid!;
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await connectHttp(closer, cli.url, {}, `chaos-${i}`));

    const counts = new Map<string, Record<Outcome, number>>();
    let executions = 0;

    const checkAlive = async (after: string) => {
      expect(isAlive(pid), `the gateway process is gone after ${after}`).toBe(true);
      expect(cli.child.exitCode, `the gateway exited after ${after}`).toBeNull();
      const response = await bounded(`/healthz after ${after}`, fetch(`${cli.baseUrl}/healthz`));
      expect(response.status, `/healthz after ${after}`).toBe(200);
      const health = (await response.json()) as { status?: unknown; servers?: { name: string }[] };
      expect(['ok', 'degraded'], `/healthz after ${after}: ${JSON.stringify(health)}`).toContain(health.status);
      expect(health.servers?.map((server) => server.name).sort(), `/healthz after ${after}`).toEqual(['bad', 'everything', 'fault', 'garbage', 'remote']);
      // Every client that took the round is still served.
      for (const client of clients) {
        const plain = await bounded(`a plain execution after ${after}`, executeCode(client, 'return 1 + 1'));
        expect(plain.structured, `a plain execution after ${after}`).toMatchObject({ success: true, returnValue: 2 });
      }
      const echo = await bounded(`everything's echo after ${after}`, executeCode(clients[0]!, 'return await mcpTools.Everything.echo({ message: "still here" })'));
      expect(echo.structured, `everything's echo after ${after}`).toMatchObject({ success: true });
      expect(JSON.stringify(echo.structured.returnValue)).toContain('still here');
      expect(crashReports(cli.stderr()), `crash reports in the gateway's stderr after ${after}`).toEqual([]);
    };

    const round = async (name: string) => {
      await Promise.all(
        clients.map(async (client) => {
          for (let i = 0; i < PER_CLIENT_PER_ROUND; i++) {
            const attack = pick(random);
            const outcome = await run(client, attack).catch((error: unknown) => {
              // What the gateway logged last says whether it closed the connection or the client lost it.
              throw new Error(`${String(error)}\nthe gateway's stderr, last lines:\n${cli.stderr().slice(-3_000)}`, { cause: error });
            });
            executions++;
            const tally = counts.get(attack.kind) ?? { success: 0, failure: 0, cancelled: 0 };
            tally[outcome]++;
            counts.set(attack.kind, tally);
          }
        }),
      );
      await checkAlive(name);
    };

    await checkAlive('start');
    await round('the warm-up round');
    // The baseline: after the warm-up (workers booted, servers connected, code paths compiled), settled.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const baseline = await settledMemory(pid, cli.stderr());

    for (let r = 1; r <= ROUNDS; r++) await round(`round ${r}`);

    console.log(`chaos: ${executions} hostile executions; outcomes by kind: ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(executions).toBeGreaterThanOrEqual(500);
    expect(cli.child.pid).toBe(pid);

    // Memory: back near the baseline once what the rounds left is collected.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const end = await settledMemory(pid, cli.stderr());
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    const described = (memory: SettledMemory) =>
      `RSS as sampled ${mb(memory.sampledRss)}, after GC ${mb(memory.rss)}${memory.trimmedRss === undefined ? '' : `, after malloc_trim ${mb(memory.trimmedRss)}`}; JS heap ${mb(memory.heapUsed)} used of ${mb(memory.heapTotal)}, external ${mb(memory.external)}`;
    console.log(`chaos: gateway memory at the baseline: ${described(baseline)}\nchaos: gateway memory at the end: ${described(end)}`);
    expect(end.heapUsed - baseline.heapUsed, `the JS heap after GC grew from ${baseline.heapUsed} to ${end.heapUsed} bytes`).toBeLessThanOrEqual(HEAP_MARGIN);
    const rss = (memory: SettledMemory) => memory.trimmedRss ?? memory.rss;
    expect(rss(end) - rss(baseline), `RSS grew from ${rss(baseline)} to ${rss(end)} bytes`).toBeLessThanOrEqual(MEMORY_MARGIN);

    await checkAlive('the last round');
    expect(isAlive(pid)).toBe(true);
  });
});
