import type { Notification, ProgressToken } from '@modelcontextprotocol/server';
import type { FinishedCall } from '../../codeMode/executeOptions.ts';

/**
 * Progress of one `execute_code` request (SPEC: "Progress and cancellation"): when the client sent a
 * `progressToken`, each inner call that finishes sends `notifications/progress` with the calls
 * finished so far as `progress` (no `total`: code decides as it goes how many calls it makes) and a
 * message naming the call. Without a token, nothing is sent. A notification that cannot be delivered
 * (the client went away) is dropped: progress never fails an execution.
 */
export function callProgress(progressToken: ProgressToken | undefined, notify: (notification: Notification) => Promise<void>): ((call: FinishedCall) => void) | undefined {
  if (progressToken === undefined) return undefined;
  let finished = 0;
  return ({ server, tool, ok }) => {
    finished += 1;
    const message = `${server}.${tool} ${ok ? 'returned' : 'failed'} (${finished} call${finished === 1 ? '' : 's'} finished)`;
    try {
      notify({ method: 'notifications/progress', params: { progressToken, progress: finished, message } }).catch(() => {});
    } catch {
      // as a rejected send: dropped
    }
  };
}
