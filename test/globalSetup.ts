/**
 * Before any test file runs: JavaScript bundles of the TypeScript entries the suite starts hundreds of
 * times (the sandbox worker, the type checker's thread, the CLI, the fixture servers, the official servers), so that no process pays the TypeScript stripper's
 * start-up or loads hundreds of modules one by one (see src/launch/sourceBundle.ts). A bundle that cannot be built leaves the `.ts` file in use.
 */
import { buildSourceBundle } from '../src/launch/sourceBundle.ts';
import { bundledServerEntry } from '../src/config/bundledServers.ts';
import { workerModule } from '../src/sandbox/SandboxWorker.ts';
import { checkerModule } from '../src/modelApi/typeCheck/WorkerTypeChecker.ts';
import { sourceCli } from './e2e/cliHelpers.ts';
import { fixtureSource } from './fixtures/servers.ts';

export default async function setup(): Promise<void> {
  await Promise.all(
    [workerModule, checkerModule, sourceCli, ...(['everything', 'filesystem', 'memory'] as const).map(bundledServerEntry), ...['fault-server', 'garbage-server', 'bad-schema-server', 'secret-server', 'trace-server', 'ledger-server'].map(fixtureSource)].map((entry) => buildSourceBundle(entry)),
  );
}
