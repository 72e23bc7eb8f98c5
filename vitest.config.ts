import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Most of the suite's time is Node processes starting (the CLI, downstream servers, sandbox workers,
// the Inspector): Node's on-disk compile cache spares each one compiling (and, for src/*.ts,
// stripping the types of) the same modules again. Every process the tests spawn inherits it.
process.env['NODE_COMPILE_CACHE'] ??= path.join(tmpdir(), 'code-goat-test-compile-cache');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // JavaScript bundles of the sandbox worker and the fixture servers, built once for the whole run.
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/fixtures/isolatedStateDir.ts'],
    // Real servers and real worker processes: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is 1 worker (cores - 1): the files ran one after another while the
    // CPU waited on process starts, IPC and backoffs. Measured on this 2-core machine (servers/,
    // sandbox/ and two gateway files, same CPU time): 2 workers 103 s, 3 workers 66 s, 4 workers 65 s.
    // The whole suite, idle, on the same machine (2026-12-02): 3 workers 164-184 s (5 runs), 4 workers
    // 158 and 160 s, 5 workers 168 s: a fourth file keeps the cores busy while others wait on processes.
    maxWorkers: 4,
    // One process per worker, reused from file to file: a fresh process per file cost ~0.5 s each
    // (and reloading the TypeScript compiler in every api/ file). Files still get fresh module state;
    // what they spawn they close (test/servers/cleanup.test.ts would see a leftover child).
    isolate: false,
  },
});
