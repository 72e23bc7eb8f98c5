/** Resident memory of a process and of its descendants, from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS of `pid` in MiB, or undefined when it is gone (or /proc is missing). */
export function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function parentOf(pid) {
  try {
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` (children, their children, …). */
export function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(entry));
  }
  const found = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    found.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

/** What a process runs, shortened for a label: the script's file name, or the command. */
function label(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = argv.slice(1).find((arg) => !arg.startsWith('-'));
    return script ? script.split('/').slice(-3).join('/') : (argv[0]?.split('/').pop() ?? String(pid));
  } catch {
    return String(pid);
  }
}

/**
 * RSS of `pid` alone, of its whole process tree, and of the tree's processes grouped by what they run
 * (MiB, 1 decimal): processes come and go (sandbox workers are recycled), kinds stay.
 */
export function memorySnapshot(pid) {
  const r1 = (n) => Math.round(n * 10) / 10;
  const self = rssMiB(pid) ?? NaN;
  const byKind = {};
  let children = 0;
  for (const child of descendants(pid)) {
    const rss = rssMiB(child) ?? 0;
    children += rss;
    const kind = (byKind[label(child)] ??= { processes: 0, rssMiB: 0 });
    kind.processes++;
    kind.rssMiB = r1(kind.rssMiB + rss);
  }
  return { gatewayMiB: r1(self), treeMiB: r1(self + children), children: byKind };
}

/** Milliseconds per clock tick of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
const msPerTick = 10;

/** CPU time (ms, user + system) of `pid` and its context switches (voluntary and not, every thread); undefined when it is gone. */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let switches = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
        switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      } catch {
        // The thread ended meanwhile.
      }
    }
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * msPerTick, switches };
  } catch {
    return undefined;
  }
}

/**
 * CPU time and context switches of `pid` (as "gateway"), of each process in its tree (by what it
 * runs) and of this process (as "load generator"), per pid: `cpuPerIteration` turns two of them
 * into figures per iteration by kind. Processes that came or went between the two count only while
 * both saw them.
 */
export function cpuSnapshot(pid) {
  const byPid = new Map();
  const note = (id, kind) => {
    const cpu = cpuOf(id);
    if (cpu !== undefined) byPid.set(id, { kind, ...cpu });
  };
  note(pid, 'gateway');
  for (const child of descendants(pid)) note(child, label(child));
  note(process.pid, 'load generator (this process)');
  return byPid;
}

/** CPU ms and context switches per iteration, by kind of process, between two `cpuSnapshot`s. */
export function cpuPerIteration(before, after, iterations) {
  const kinds = {};
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start === undefined || iterations === 0) continue;
    const kind = (kinds[end.kind] ??= { cpuMs: 0, switches: 0 });
    kind.cpuMs += end.cpuMs - start.cpuMs;
    kind.switches += end.switches - start.switches;
  }
  const r2 = (n) => Math.round(n * 100) / 100;
  return Object.fromEntries(Object.entries(kinds).map(([kind, { cpuMs, switches }]) => [kind, { cpuMs: r2(cpuMs / iterations), switches: r2(switches / iterations) }]));
}
