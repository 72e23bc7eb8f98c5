/** A server that cannot start fails alone, with its name and a reason, and never leaks its secrets. */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerConnection, ServerPool } from '../../src/servers/index.ts';
import { faultServer } from '../fixtures/servers.ts';
import { captureLogger, isAlive } from './helpers.ts';

const canary = 'canary-4f9c2e7d1b';
const closables: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closables.splice(0).map((closable) => closable.close()));
});

/** A stdio "server" that is just a Node one-liner. */
function nodeScript(script: string, env?: Record<string, string>) {
  return { command: process.execPath, args: ['-e', script], ...(env !== undefined && { env }) };
}

describe('a server that fails to start', () => {
  it('fails only that server, with its name and reason, while the others serve', async () => {
    const log = captureLogger();
    const pool = await ServerPool.start(
      { broken: { command: 'definitely-not-a-command' }, fault: faultServer() },
      { logger: log.logger },
    );
    closables.push(pool);
    expect(pool.status()).toEqual([
      { name: 'broken', state: 'failed', failure: 'spawn definitely-not-a-command ENOENT', toolCount: 0, transport: 'stdio' },
      expect.objectContaining({ name: 'fault', state: 'ready' }),
    ]);
    expect(pool.catalog().every((tool) => tool.server === 'fault')).toBe(true);
    expect(await pool.callTool('broken', 'anything', {})).toEqual({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: 'Server "broken" is not available: spawn definitely-not-a-command ENOENT',
    });
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
    expect(log.records).toContainEqual({
      level: 'error',
      message: 'server failed to start',
      fields: { server: 'broken', reason: 'spawn definitely-not-a-command ENOENT' },
    });
  });

  it('explains an early exit with the last lines the process wrote to stderr', async () => {
    const connection = new ServerConnection('quitter', nodeScript('console.error("config file missing"); process.exit(2)'));
    closables.push(connection);
    await connection.connect();
    expect(connection.state).toBe('failed');
    expect(connection.failure).toMatch(/\(stderr: config file missing\)$/);
  });

  it('cuts a reason of a megabyte to one line of 2,000 characters, never inside a surrogate pair', async () => {
    // A server refusing the handshake with a message of a megabyte: that reason went into every execution and description.
    for (const [unit, prefix] of [['Z', 'boom '], ['\u{1F600}', 'boom!']] as const) {
      const script = `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
        const message = JSON.parse(line);
        if (message.method === 'initialize') process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: ${JSON.stringify(prefix)} + ${JSON.stringify(unit)}.repeat(500000) } }) + '\\n');
      });`;
      const connection = new ServerConnection('loud', nodeScript(script));
      closables.push(connection);
      await connection.connect();
      expect(connection.state).toBe('failed');
      expect(connection.failure).toContain(`${prefix}${unit}${unit}`);
      expect(connection.failure!.length).toBeLessThanOrEqual(2_001);
      expect(connection.failure!.endsWith('…')).toBe(true);
      expect(connection.failure!.isWellFormed()).toBe(true);
    }
  });

  it('gives up on a server that never answers the handshake, and ends its process', async () => {
    const connection = new ServerConnection('mute', nodeScript('setInterval(() => {}, 1000)'), { connectTimeoutMs: 300 });
    closables.push(connection);
    const startedAt = performance.now();
    await connection.connect();
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(connection.state).toBe('failed');
    expect(connection.failure).toMatch(/time/i);
    expect(connection.pid).toBeTypeOf('number');
    expect(isAlive(connection.pid ?? -1)).toBe(false);
  });

  it('reports a disabled server as unavailable rather than unknown', async () => {
    const pool = await ServerPool.start({ off: { ...faultServer(), disabled: true } });
    closables.push(pool);
    expect(pool.status()).toEqual([]);
    expect(await pool.callTool('off', 'slow', {})).toEqual({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: 'Server "off" is not available: disabled in the config',
    });
  });
});

describe('secrets in env', () => {
  it('never appear in the failure reason or the logs of a server that prints them and dies', async () => {
    const log = captureLogger();
    const pool = await ServerPool.start(
      {
        leaky: nodeScript('console.error("starting with token " + process.env.SECRET_TOKEN); process.exit(1)', { SECRET_TOKEN: canary }),
        missing: { command: 'definitely-not-a-command', env: { SECRET_TOKEN: canary } },
      },
      { logger: log.logger },
    );
    closables.push(pool);
    const [leaky, missing] = pool.status();
    expect(leaky?.failure).toContain('starting with token [redacted]');
    expect(missing?.failure).toBe('spawn definitely-not-a-command ENOENT');
    expect(log.records.some((record) => record.fields['line'] === 'starting with token [redacted]')).toBe(true);
    expect(JSON.stringify(pool.status())).not.toContain(canary);
    expect(log.text()).not.toContain(canary);
  });

  it('are redacted from the forwarded stderr of a healthy server, which still receives them', async () => {
    const log = captureLogger();
    const pool = await ServerPool.start({ fault: faultServer({ env: { SECRET_TOKEN: canary } }) }, { logger: log.logger });
    closables.push(pool);
    expect(pool.status()[0]?.state).toBe('ready');
    const stderrLines = log.records.filter((record) => record.message === 'server stderr').map((record) => record.fields);
    expect(stderrLines).toEqual([
      { server: 'fault', line: 'fault-server started' },
      { server: 'fault', line: 'SECRET_TOKEN=[redacted]' },
    ]);
    expect(log.records.every((record) => record.level !== 'debug' || record.message === 'server stderr' || record.message === 'transport error')).toBe(true);
    expect(log.text()).not.toContain(canary);
  });
});
