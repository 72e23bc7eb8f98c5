/**
 * The type checker's thread (see CheckerThread.ts): a warm `CodeDiagnostics` per client over that
 * client's declarations, all of them sharing the parsed lib files, answering checks one at a time in
 * the order they come.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckerWorkerData, FromChecker, ToChecker } from './checkerMessages.ts';
import { CodeDiagnostics } from './CodeDiagnostics.ts';

const port = parentPort!;
const checkers = new Map<number, CodeDiagnostics>();

function checkerOf(client: number): CodeDiagnostics {
  let checker = checkers.get(client);
  if (checker === undefined) {
    checker = new CodeDiagnostics(client, '');
    checkers.set(client, checker);
  }
  return checker;
}

// Pays for loading the lib files now, not on the first real check, and holds them for the thread's
// life: a client that goes releases only what was its own.
const libHolder = new CodeDiagnostics(0, '');
libHolder.check('');
for (const [client, declarations] of (workerData as CheckerWorkerData).clients) {
  const checker = checkerOf(client);
  checker.setDeclarations(declarations);
  checker.check('');
}
post({ kind: 'ready' });

port.on('message', (message: ToChecker) => {
  if (message.kind === 'forget') {
    checkers.get(message.client)?.dispose();
    checkers.delete(message.client);
    return;
  }
  const checker = checkerOf(message.client);
  if (message.kind === 'declarations') {
    checker.setDeclarations(message.text);
    checker.check(''); // parses the new declarations now, while no check waits
    return;
  }
  try {
    post({ kind: 'checked', id: message.id, diagnostics: checker.check(message.code) });
  } catch (error) {
    post({ kind: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
});

function post(message: FromChecker): void {
  port.postMessage(message);
}
