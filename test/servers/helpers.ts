/** Test helpers for servers/: a logger that records everything, temp dirs, process checks, pools closed after each test. */
import { isAlive } from '../fixtures/processes.ts';
import { afterEach } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger, LogLevel } from '../../src/observability/logger.ts';

export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** Records every level, debug included (the real logger filters by CODE_GOAT_LOG). */
export function captureLogger(): { logger: Logger; records: LogRecord[]; text(): string } {
  const records: LogRecord[] = [];
  const make = (bound: Record<string, unknown>): Logger => {
    const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      records.push({ level, message, fields: { ...bound, ...fields } });
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (fields) => make({ ...bound, ...fields }) };
  };
  return { logger: make({}), records, text: () => records.map((record) => JSON.stringify(record)).join('\n') };
}

export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `code-goat-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}


/** Command lines of this process's live children (a child stays our child until it exits and is reaped). */
export function childCommandLines(): string[] {
  try {
    return execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('ps '));
  } catch {
    return []; // `ps` exits 1 when there is no child at all
  }
}

/**
 * Resolves with the first value `subscribe` delivers, or rejects after `ms`: a safety net wide enough
 * for a busy machine (a restart or a flood can take seconds there), unless a test waits for no event.
 */
export function nextEvent<T>(subscribe: (listener: (value: T) => void) => () => void, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no event within ${ms} ms`));
    }, ms);
    const unsubscribe = subscribe((value) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** Resolves with the first truthy value of `probe`, polled every 20 ms; rejects after `ms` (a safety net) naming `what`. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `ServerPool.start`, with every pool it started closed after each test. */
export function poolsClosedAfterEach(): (...args: Parameters<typeof ServerPool.start>) => Promise<ServerPool> {
  const pools: ServerPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });
  return async (...args) => {
    const pool = await ServerPool.start(...args);
    pools.push(pool);
    return pool;
  };
}

export { isAlive };
