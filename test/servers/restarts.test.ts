/**
 * A server that was working and crashes is brought back with backoff: the calls it had in flight
 * fail naming the crash, calls made meanwhile wait for it (or fail at once when the next attempt
 * comes too late), its lists empty and fill again, and closing the pool stops it all.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RestartBackoff } from '../../src/servers/session/RestartBackoff.ts';
import { ServerPool, type ListChange, type ToolCatalog } from '../../src/servers/index.ts';
import { faultServer, faultServerEntry } from '../fixtures/servers.ts';
import { captureLogger, childCommandLines, isAlive, makeTempDir, nextEvent, waitUntil, poolsClosedAfterEach } from './helpers.ts';

const startPool = poolsClosedAfterEach();

/** Resolves with the next `count` catalogs the pool reports. */
function nextCatalogs(pool: ServerPool, count: number, ms = 30_000): Promise<ToolCatalog[]> {
  const catalogs: ToolCatalog[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${catalogs.length} of ${count} catalog changes within ${ms} ms`)), ms);
    const unsubscribe = pool.onCatalogChanged((catalog) => {
      catalogs.push(catalog);
      if (catalogs.length < count) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(catalogs);
    });
  });
}

const crashMessage = (tool: string) => `fault crashed (exit code 1) during ${tool}: fault-server: crashing on request`;

describe('RestartBackoff', () => {
  it('doubles from 250 ms to 30 s, and starts over after a run of a minute', () => {
    const backoff = new RestartBackoff();
    const delays = Array.from({ length: 10 }, () => backoff.nextDelayMs());
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.nextDelayMs(59_000)).toBe(30_000);
    expect(backoff.nextDelayMs(60_000)).toBe(250);
    expect(backoff.nextDelayMs()).toBe(500);
  });

  it('takes its numbers from the policy', () => {
    const backoff = new RestartBackoff({ initialDelayMs: 10, maxDelayMs: 35, resetAfterMs: 100 });
    expect([backoff.nextDelayMs(), backoff.nextDelayMs(), backoff.nextDelayMs(), backoff.nextDelayMs(100)]).toEqual([10, 20, 35, 10]);
  });
});

describe('a stdio server that crashes', () => {
  it('fails the calls in flight naming the crash, restarts, serves again, and listeners hear both changes', async () => {
    const pool = await startPool({ fault: faultServer(), other: faultServer() });
    const pidBefore = pool.status()[0]?.pid;
    const toolCount = pool.status()[0]?.toolCount;
    const catalogs = nextCatalogs(pool, 2);
    const inFlight = pool.callTool('fault', 'slow', { ms: 30_000 });
    expect(await pool.callTool('fault', 'crash', {})).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: crashMessage('crash') });
    expect(await inFlight).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: crashMessage('slow') });

    const [lost, restored] = await catalogs;
    expect(lost?.every((tool) => tool.server === 'other')).toBe(true);
    expect(restored?.filter((tool) => tool.server === 'fault')).toHaveLength(toolCount ?? -1);
    expect(pool.status()[0]).toMatchObject({ name: 'fault', state: 'ready', restarts: 1, toolCount });
    expect(pool.status()[0]).not.toHaveProperty('failure');
    expect(pool.status()[0]?.pid).not.toBe(pidBefore);
    expect(isAlive(pidBefore ?? -1)).toBe(false);
    expect(await pool.callTool('fault', 'slow', { ms: 0, label: 'after' })).toEqual({ ok: true, value: 'slept 0 ms (after)' });
  });

  it('never shows its secrets in the crash report, the status or the logs', async () => {
    const canary = 'canary-crash-7e6d5c4b';
    const log = captureLogger();
    const pool = await startPool({ fault: faultServer({ env: { SECRET_TOKEN: canary } }) }, { logger: log.logger, restart: { initialDelayMs: 20_000 } });
    expect(await pool.callTool('fault', 'crash', {})).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: crashMessage('crash') });
    await waitUntil('the stderr tail in the failure', () => pool.status()[0]?.failure?.includes('stderr'));
    expect(pool.status()[0]?.failure).toBe('crashed (exit code 1) (stderr: fault-server started | SECRET_TOKEN=[redacted] | fault-server: crashing on request)');
    const refused = await pool.callTool('fault', 'slow', { ms: 0 }, { timeoutMs: 1_000 });
    expect(refused).toMatchObject({ ok: false, code: 'SERVER_UNAVAILABLE', message: expect.stringContaining('SECRET_TOKEN=[redacted]') });
    expect(JSON.stringify([pool.status(), refused])).not.toContain(canary);
    expect(log.text()).not.toContain(canary);
  });

  it('empties its resources and prompts meanwhile, and lists them again after', async () => {
    const pool = await startPool({ fault: faultServer() });
    const changes: ListChange[] = [];
    pool.onListChanged((change) => changes.push(change));
    const restored = nextCatalogs(pool, 2);
    await pool.callTool('fault', 'crash', {});
    await restored;
    const twice = (kind: ListChange['kind']) => [{ server: 'fault', kind }, { server: 'fault', kind }];
    expect([...changes].sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([...twice('prompts'), ...twice('resources'), ...twice('tools')]);
    expect(pool.resources().map((resource) => resource.uri)).toEqual(['fault://static/hello', 'fault://static/hang']);
    expect(await pool.getPrompt('fault', 'greet', { name: 'Ada' })).toMatchObject({ ok: true });
  });

  it('makes a call that comes while it restarts wait for it', async () => {
    const pool = await startPool({ fault: faultServer() });
    await pool.callTool('fault', 'crash', {});
    expect(pool.status()[0]?.state).toBe('restarting');
    expect(await pool.callTool('fault', 'slow', { ms: 0 }, { timeoutMs: 20_000 })).toEqual({ ok: true, value: 'slept 0 ms' });
    expect(pool.status()[0]).toMatchObject({ state: 'ready', restarts: 1 });
  });

  it('fails a call at once when the next attempt comes after its deadline, naming the reason and when', async () => {
    const pool = await startPool({ fault: faultServer() }, { restart: { initialDelayMs: 20_000 } });
    await pool.callTool('fault', 'crash', {});
    const outcome = await pool.callTool('fault', 'slow', { ms: 0 }, { timeoutMs: 5_000 });
    expect(outcome).toEqual({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: expect.stringMatching(/^Server "fault" is not available: crashed \(exit code 1\)(?: \(stderr: .*\))?; restarting, next attempt in (19|20)\.\d s$/),
    });
    const status = pool.status()[0];
    expect(status).toMatchObject({ state: 'restarting', failure: expect.stringMatching(/^crashed \(exit code 1\) \(stderr: .*crashing on request\)$/) });
    expect(Date.parse(status?.nextRestartAt ?? '') - Date.now()).toBeGreaterThan(10_000);
  });

  it('backs off while restarts fail, says why, and recovers once the server can start', async () => {
    const temp = makeTempDir('refuse');
    const refuseFile = path.join(temp.dir, 'refuse');
    try {
      const log = captureLogger();
      const pool = await startPool(
        { fault: faultServer({ env: { FAULT_REFUSE_START_FILE: refuseFile } }) },
        { logger: log.logger, restart: { initialDelayMs: 50, maxDelayMs: 200 } },
      );
      writeFileSync(refuseFile, '');
      await pool.callTool('fault', 'crash', {});
      const failedAttempts = () => log.records.filter((record) => record.message === 'restart attempt failed');
      await waitUntil('three failed restart attempts', () => failedAttempts().length >= 3);
      expect(failedAttempts().slice(0, 3).map((record) => record.fields)).toEqual([
        { server: 'fault', attempt: 1, reason: expect.stringContaining('refusing to start'), nextAttemptInMs: 100 },
        { server: 'fault', attempt: 2, reason: expect.stringContaining('refusing to start'), nextAttemptInMs: 200 },
        { server: 'fault', attempt: 3, reason: expect.stringContaining('refusing to start'), nextAttemptInMs: 200 },
      ]);
      expect(pool.status()[0]).toMatchObject({
        state: 'restarting',
        failure: expect.stringMatching(/^crashed \(exit code 1\) .*; restart attempt \d+ failed: .*\(stderr: fault-server: refusing to start\)$/),
      });

      const restored = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
      rmSync(refuseFile);
      expect((await restored).some((tool) => tool.server === 'fault')).toBe(true);
      expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
      expect(log.records).toContainEqual(expect.objectContaining({ message: 'server restarted', fields: expect.objectContaining({ server: 'fault' }) }));
    } finally {
      temp.remove();
    }
  });

  it('fails a call that waited out its deadline for a restart that kept failing', async () => {
    const temp = makeTempDir('refuse');
    const refuseFile = path.join(temp.dir, 'refuse');
    try {
      const pool = await startPool({ fault: faultServer({ env: { FAULT_REFUSE_START_FILE: refuseFile } }) }, { restart: { initialDelayMs: 50, maxDelayMs: 100 } });
      writeFileSync(refuseFile, '');
      await pool.callTool('fault', 'crash', {});
      expect(await pool.callTool('fault', 'slow', { ms: 0 }, { timeoutMs: 1_500 })).toEqual({
        ok: false,
        code: 'SERVER_UNAVAILABLE',
        message: expect.stringMatching(
          // Waited to the end, or refused once the next attempt fell past the deadline.
          /^Server "fault" is not available: crashed \(exit code 1\).*(; still restarting when the call's 1500 ms timeout ran out \((next attempt in 0\.\d s|an attempt is under way)\)|; restarting, next attempt in 0\.\d s)$/,
        ),
      });
    } finally {
      temp.remove();
    }
  });

  it('stays failed when restarts are off', async () => {
    const pool = await startPool({ fault: faultServer() }, { restart: false });
    const lost = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    await pool.callTool('fault', 'crash', {});
    await lost;
    expect(pool.status()[0]).toMatchObject({ state: 'failed', failure: expect.stringMatching(/^crashed \(exit code 1\) \(stderr: .*crashing on request\)$/) });
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toMatchObject({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: expect.stringMatching(/^Server "fault" is not available: crashed \(exit code 1\)/),
    });
  });
});

describe('closing the pool', () => {
  it('stops a pending restart: no process comes back', async () => {
    const log = captureLogger();
    const pool = await startPool({ fault: faultServer() }, { logger: log.logger, restart: { initialDelayMs: 200 } });
    const lost = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    await pool.callTool('fault', 'crash', {});
    await lost;
    await pool.close();
    // Past the time the restart was due, nothing was started.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(childCommandLines().filter((line) => line.includes(faultServerEntry))).toEqual([]);
    expect(log.records.map((record) => record.message)).not.toContain('server restarted');
    expect(pool.status()[0]?.state).toBe('closed');
  });

  it('stops a restart in progress and leaves no process', async () => {
    const pool = await startPool({ fault: faultServer() }, { restart: { initialDelayMs: 0 } });
    const pidBefore = pool.status()[0]?.pid;
    await pool.callTool('fault', 'crash', {});
    await waitUntil('the restart to spawn', () => pool.status()[0]?.pid !== pidBefore);
    await pool.close();
    expect(childCommandLines().filter((line) => line.includes(faultServerEntry))).toEqual([]);
    expect(pool.status()[0]?.state).toBe('closed');
  });
});

describe('a server that closes its stdout and runs on', () => {
  it('is restarted as after a crash: the call under way fails at once, not at its timeout, and the next call reaches the new process', async () => {
    const pool = await startPool({ fault: { ...faultServer({ env: { FAULT_CLOSE_STDOUT: '1' } }), timeout: 120_000 } });
    const firstPid = pool.status()[0]?.pid;
    // The timeout is two minutes: a failure well before it is the closed stdout seen, not the timeout.
    const closed = await pool.callTool('fault', 'closeStdout', {});
    expect(closed).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
    const answered = await waitUntil('the restarted server', () => {
      const state = pool.status()[0];
      return state?.state === 'ready' && state.pid !== firstPid ? state : undefined;
    });
    expect(answered.pid).not.toBe(firstPid);
    expect(await pool.callTool('fault', 'echoJson', { value: 'after' })).toEqual({ ok: true, value: 'after' });
  }, 60_000);
});
