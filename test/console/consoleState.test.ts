import { describe, expect, it } from 'vitest';
import { ConsoleSessions, sessionCookie } from '../../src/gateway/console/ConsoleSessions.ts';
import { ExecutionSeries } from '../../src/telemetry/recent/ExecutionSeries.ts';
import { RecentExecutions } from '../../src/telemetry/recent/RecentExecutions.ts';
import { consoleDefaults } from '../../src/config/defaults.ts';
import { createSecretRedactor } from '../../src/observability/redactSecrets.ts';

const alice = { name: 'alice' };

describe('ConsoleSessions', () => {
  it('names the client of a live session from the cookie header, and of no other', () => {
    let now = 1_000;
    const sessions = new ConsoleSessions(60_000, 2, () => now);
    const id = sessions.open(alice);
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(sessions.clientOf(`other=1; code_goat_console=${id}`)).toBe(alice);
    expect(sessions.clientOf('code_goat_console=forged')).toBeUndefined();
    expect(sessions.clientOf(undefined)).toBeUndefined();
    now += 60_000;
    expect(sessions.clientOf(`code_goat_console=${id}`)).toBeUndefined();
  });

  it('drops the oldest session past its bound, and a closed one', () => {
    const sessions = new ConsoleSessions(60_000, 2);
    const [first, second, third] = [sessions.open(alice), sessions.open(alice), sessions.open(alice)];
    expect(sessions.clientOf(`code_goat_console=${first}`)).toBeUndefined();
    expect(sessions.clientOf(`code_goat_console=${second}`)).toBe(alice);
    sessions.close(`code_goat_console=${third}`);
    expect(sessions.clientOf(`code_goat_console=${third}`)).toBeUndefined();
    expect(sessionCookie('x', 5)).toBe('code_goat_console=x; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=5');
  });
});

describe('ExecutionSeries', () => {
  it('counts executions per second with their p50/p99 and errors by code, over a window that moves', () => {
    let now = 100_000;
    const series = new ExecutionSeries(5, () => now);
    for (let ms = 1; ms <= 100; ms++) series.add(ms, ms % 10 === 0 ? 'TIMEOUT' : null);
    now += 2_000;
    series.add(7, 'RUNTIME_ERROR');
    const data = series.data();
    expect(data.start).toBe(98);
    expect(data.executions).toEqual([0, 0, 100, 0, 1]);
    expect(data.p50Ms).toEqual([null, null, 50, null, 7]);
    expect(data.p99Ms[2]).toBe(99);
    expect(data.errors).toEqual({ TIMEOUT: [0, 0, 10, 0, 0], RUNTIME_ERROR: [0, 0, 0, 0, 1] });
    now += 5_000;
    expect(series.data().executions).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('RecentExecutions', () => {
  it('keeps the newest records up to its capacity, with the line the stack points at, secrets redacted', () => {
    const recent = new RecentExecutions(createSecretRedactor(['hunter2-secret']), 2);
    const record = (id: string, code: string) => ({
      time: '2026-11-30T10:00:00.000Z', executionId: id, client: 'alice', codeSha256: '', code, outcome: 'failure' as const,
      errorCode: 'RUNTIME_ERROR' as const, durationMs: 5, resultBytes: 10, toolCalls: [],
    });
    recent.add(record('a', 'one'), { error: 'type error', diagnosticLine: 2 });
    expect(recent.list()[0]?.errorLine).toBe(2);
    recent.add(record('b', 'two'), { error: 'boom', stack: 'Error: boom\n    at main (code.ts:3:9)' });
    recent.add(record('c', 'return "hunter2-secret"'), {});
    const list = recent.list();
    expect(list.map((entry) => entry.executionId)).toEqual(['c', 'b']);
    expect(list[1]?.errorLine).toBe(3);
    expect(JSON.stringify(list)).not.toContain('hunter2-secret');
  });

  it('keeps at most maxCodeChars of an execution\'s code, and says what it cut', () => {
    const recent = new RecentExecutions(createSecretRedactor([]), 2);
    const code = 'x'.repeat(consoleDefaults.maxCodeChars + 10);
    recent.add({ time: '', executionId: 'a', client: null, codeSha256: '', code, outcome: 'success', errorCode: null, durationMs: 1, resultBytes: 1, toolCalls: [] }, {});
    const kept = recent.list()[0]?.code ?? '';
    expect(kept.startsWith('x'.repeat(consoleDefaults.maxCodeChars) + '\n')).toBe(true);
    expect(kept).toContain('10 more characters not kept');
  });
});
