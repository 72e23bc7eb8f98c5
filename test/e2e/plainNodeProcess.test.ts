import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A library user's process has no `--no-node-snapshot`: createCodeMode must work there as is.
const distIndex = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const distServers = fileURLToPath(new URL('../../dist/config/bundledServers.js', import.meta.url));

describe('createCodeMode in a plain Node process', () => {
  it('runs code against a real server with no Node flag on the host, the flag being on the sandbox worker', () => {
    expect(existsSync(distIndex), 'npm test builds dist/ first').toBe(true);
    const script = `
      import { readFileSync } from 'node:fs';
      import { createCodeMode } from ${JSON.stringify(distIndex)};
      import { bundledServer } from ${JSON.stringify(distServers)};
      const codeMode = await createCodeMode({ mcpServers: { everything: bundledServer('everything') } });
      const result = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "plain" })');
      const hostFlags = process.execArgv;
      await codeMode.close();
      process.stdout.write(JSON.stringify({ result, hostFlags, node: process.versions.node }));
    `;
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(stdout) as { result: { success: boolean; returnValue: unknown }; hostFlags: string[]; node: string };
    expect(report.hostFlags).not.toContain('--no-node-snapshot');
    expect(Number(report.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(report.result).toMatchObject({ success: true, returnValue: 'Echo: plain' });
  });

  it('the sandbox worker itself runs with --no-node-snapshot', async () => {
    const { WorkerSandbox } = await import('../../src/sandbox/WorkerSandbox.ts');
    const sandbox = new WorkerSandbox();
    try {
      const result = await sandbox.execute({ code: 'return 1', bindings: { namespaces: {} } }, async () => ({ ok: true, value: null }));
      expect(result.returnValue).toBe(1);
      const cmdline = execFileSync('cat', [`/proc/${sandbox.workerPid}/cmdline`], { encoding: 'utf8' }).split('\0');
      expect(cmdline).toContain('--no-node-snapshot');
    } finally {
      await sandbox.close();
    }
  });
});
