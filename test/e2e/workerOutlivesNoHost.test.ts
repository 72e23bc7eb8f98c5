/**
 * A sandbox worker never outlives its gateway. Code that resumes after a tool's answer and then spins
 * runs under no timeout of isolated-vm's: the gateway's watchdog stops it. With the gateway killed
 * (SIGKILL: no cleanup of its own), the worker used to exit cleanly, which waited for that spinning
 * isolate: it ran on, at full CPU, a minute and more later. Real gateway over stdio, real worker.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../fixtures/processes.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { Closer, connectStdioCli, eventually, makeWorkspace, writeConfigFile } from './gatewayHelpers.ts';

const closer = new Closer();
afterAll(() => closer.closeAll());

/** The pids of `parent`'s children whose command line holds `marker`. */
function childrenOf(parent: number, marker: string): number[] {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(marker)).map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('the gateway killed while code spins after a tool call', () => {
  it('takes its sandbox worker with it', async () => {
    const workspace = makeWorkspace(closer, 'worker-host');
    const configFile = writeConfigFile(workspace, { mcpServers: { vault: ledgerServer() } });
    const { client, pid } = await connectStdioCli(closer, configFile);
    const spinning = client.callTool({ name: 'execute_code', arguments: { code: "await mcpTools.Vault.note({ text: 'before the loop' }); while (true) {}" } });
    spinning.catch(() => undefined);
    const [worker] = await eventually('the sandbox worker', () => {
      const workers = childrenOf(pid, '--no-node-snapshot');
      return workers.length > 0 ? workers : undefined;
    });
    expect(worker).toBeGreaterThan(0);
    // The loop runs once the note is answered: give it that moment, then kill the gateway outright.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    process.kill(pid, 'SIGKILL');
    await eventually('the worker to be gone', () => (isAlive(worker!) ? undefined : true), 30_000);
  }, 60_000);
});
