/** close() leaves no process behind: after a normal run, mid-call, and mid-handshake. */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerConnection, ServerPool } from '../../src/servers/index.ts';
import { faultServer, faultServerEntry, officialServer } from '../fixtures/servers.ts';
import { childCommandLines, isAlive } from './helpers.ts';

const closables: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closables.splice(0).map((closable) => closable.close()));
});

const ourChildren = () => childCommandLines().filter((line) => line.includes(faultServerEntry) || line.includes('server-everything'));

describe('close()', () => {
  it('ends every child process', async () => {
    const pool = await ServerPool.start({ everything: officialServer('everything'), fault: faultServer() });
    closables.push(pool);
    const pids = pool.status().map((server) => server.pid);
    expect(pids).toHaveLength(2);
    expect(pids.every((pid) => pid !== undefined && isAlive(pid))).toBe(true);
    await pool.close();
    expect(pids.filter((pid) => isAlive(pid ?? -1))).toEqual([]);
    expect(ourChildren()).toEqual([]);
    expect(pool.status().map((server) => server.state)).toEqual(['closed', 'closed']);
    expect(pool.catalog()).toEqual([]);
  });

  it('ends a server with a call in flight, and the call comes back as a failure', async () => {
    const pool = await ServerPool.start({ fault: faultServer() });
    closables.push(pool);
    const pid = pool.status()[0]?.pid ?? -1;
    const call = pool.callTool('fault', 'hang', {});
    await pool.close();
    expect(await call).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
    expect(isAlive(pid)).toBe(false);
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: 'Server "fault" is not available: closed',
    });
  });

  it('stops a handshake in progress and leaves no process', async () => {
    const connection = new ServerConnection('fault', faultServer());
    closables.push(connection);
    const connecting = connection.connect();
    await new Promise((resolve) => setTimeout(resolve, 30)); // spawned, not yet initialised
    await connection.close();
    await connecting;
    expect(connection.state).toBe('closed');
    expect(ourChildren()).toEqual([]);
    if (connection.pid !== undefined) expect(isAlive(connection.pid)).toBe(false);
  });

  it('is idempotent', async () => {
    const pool = await ServerPool.start({ fault: faultServer() });
    closables.push(pool);
    await Promise.all([pool.close(), pool.close()]);
    await pool.close();
    expect(pool.status()[0]?.state).toBe('closed');
  });
});
