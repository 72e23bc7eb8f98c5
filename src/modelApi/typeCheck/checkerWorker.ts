/**
 * The type checker's thread (see `WorkerTypeChecker`): a warm `CodeDiagnostics` over the declarations,
 * answering checks one at a time, in the order they come.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckerWorkerData, FromChecker, ToChecker } from './checkerMessages.ts';
import { CodeDiagnostics } from './CodeDiagnostics.ts';

const port = parentPort!;
const checker = new CodeDiagnostics((workerData as CheckerWorkerData).declarations);
checker.check(''); // pays for loading the lib files and the declarations now, not on the first real check
post({ kind: 'ready' });

port.on('message', (message: ToChecker) => {
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
