/**
 * The smallest isolate bridge there is, for the `floor` benchmark (bench/benchmarks/floor.mjs): no
 * code-goat code, only isolated-vm and the hops. One isolate, one context, a `call(arg)` that leaves
 * the isolate with a call id and comes back with the answer. Loaded in a process started with
 * `--no-node-snapshot` (isolated-vm needs it): in the bench's host process (the isolate in the
 * process that owns the MCP client, as @utcp/code-mode has it) or in a child (as code-goat's
 * sandbox worker has it).
 *
 * Two ways to run the code, the two isolated-vm offers:
 * - 'thread': the code runs on the isolate's own thread (`eval` with `promise: true`); calls leave
 *   through an `ignored` callback and answers enter with `applyIgnored`, so each crossing wakes the
 *   other thread. This is code-goat's sandbox.
 * - 'main': the code runs on the calling thread (`evalSync`); calls are pushed by a synchronous
 *   callback and answers enter with `applySync`, which runs the code's continuation there and then.
 *   No thread is woken, but while the code runs, nothing else on that thread does.
 */
'use strict';
const ivm = require('isolated-vm');

/**
 * @param {'thread' | 'main'} mode
 * @param {(calls: [number, string][]) => void} sendCalls where the calls of one crossing go
 */
function createBridge(mode, sendCalls) {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  const jail = context.global;
  const outbox = [];
  if (mode === 'thread') {
    jail.setSync('__start', new ivm.Callback((id, arg) => sendCalls([[id, arg]]), { ignored: true }));
  } else {
    jail.setSync('__start', new ivm.Callback((id, arg) => void outbox.push([id, arg])));
  }
  context.evalSync(`
    const pending = {};
    let next = 0;
    globalThis.call = (arg) => new Promise((resolve) => { const id = next++; pending[id] = resolve; __start(id, arg); });
    globalThis.__resolve = (...answers) => {
      for (let i = 0; i < answers.length; i += 2) { const settle = pending[answers[i]]; delete pending[answers[i]]; settle(answers[i + 1]); }
    };
  `);
  const resolver = jail.getSync('__resolve', { reference: true });
  let settled;
  const flush = () => {
    if (outbox.length > 0) sendCalls(outbox.splice(0));
  };

  return {
    /** Runs `code` (an expression evaluating to a promise of a string) and resolves with its value. */
    run(code) {
      if (mode === 'thread') return context.eval(code, { promise: true, timeout: 60_000 });
      return new Promise((resolve, reject) => {
        settled = { resolve, reject };
        jail.setSync('__done', new ivm.Callback((value) => { settled.resolve(value); settled = undefined; }));
        try {
          context.evalSync(`(${code}).then((value) => __done(value))`, { timeout: 60_000 });
        } catch (error) {
          settled = undefined;
          reject(error);
        }
        flush();
      });
    },
    /** Answers: call id, answer text, call id, answer text… */
    answer(answers) {
      if (mode === 'thread') {
        resolver.applyIgnored(undefined, answers);
        return;
      }
      resolver.applySync(undefined, answers, { timeout: 60_000 });
      flush();
    },
    dispose() {
      isolate.dispose();
    },
  };
}

module.exports = { createBridge };

// Started as a child process: the isolate here, the calls to the parent over Node's IPC channel.
if (require.main === module) {
  const bridge = createBridge(process.argv[2] === 'main' ? 'main' : 'thread', (calls) => process.send({ type: 'calls', calls }));
  process.on('message', (message) => {
    if (message.type === 'answers') bridge.answer(message.answers);
    if (message.type === 'run') {
      bridge.run(message.code).then(
        (value) => process.send({ type: 'done', value }),
        (error) => process.send({ type: 'done', error: String(error) }),
      );
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
