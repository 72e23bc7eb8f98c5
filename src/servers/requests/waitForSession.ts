import type { Client } from '@modelcontextprotocol/client';
import { restartingReason, serverUnavailableMessage, stillWaitingReason } from '../outcomes/routingMessages.ts';
import { toolCallFailure, type ToolCallFailure } from '../../catalog/ToolCallOutcome.ts';
import type { ServerSession } from '../session/ServerSession.ts';
import { cancelledFailure } from './callFailure.ts';
import type { Deadline } from './Deadline.ts';

/**
 * The client of a server that can take requests, waiting (within the deadline) while it is
 * connecting, restarting or renewing its session; or why it cannot, in SERVER_UNAVAILABLE (for a
 * restart, saying when the next attempt is due).
 *
 * Decided here: a request waits for a restart only when the next attempt is due before its
 * deadline; otherwise it is refused at once, since waiting could only end in a timeout.
 */
export async function waitForSession(
  session: ServerSession,
  server: string,
  label: string,
  deadline: Deadline,
): Promise<{ readonly ok: true; readonly client: Client } | ToolCallFailure> {
  for (;;) {
    const client = session.state.client;
    if (client !== undefined) return { ok: true, client };
    const refused = refusal(session, deadline);
    if (refused !== undefined) return unavailable(server, refused);
    const waited = await deadline.race(session.state.changed);
    if (waited === 'cancelled' && deadline.signal !== undefined) return cancelledFailure(label, deadline.signal);
    if (waited === 'timeout') return unavailable(server, stillWaiting(session, deadline));
  }
}

/** Why waiting is pointless, if it is. */
function refusal(session: ServerSession, deadline: Deadline): string | undefined {
  const { phase, failure } = session.state;
  if (phase === 'failed') return failure ?? 'unknown reason';
  if (phase === 'closed') return 'closed';
  const dueAt = session.restartDueAt;
  if (phase !== 'restarting' || dueAt === undefined || dueAt <= deadline.endsAt) return undefined;
  return restartingReason(failure ?? 'went away', dueAt - performance.now());
}

function stillWaiting(session: ServerSession, deadline: Deadline): string {
  const { phase, failure } = session.state;
  if (phase === 'connecting') return stillWaitingReason('connecting', deadline.timeoutMs);
  if (phase === 'ready' || phase === 'renewing') return stillWaitingReason('starting a new session', deadline.timeoutMs);
  const dueAt = session.restartDueAt;
  return stillWaitingReason('restarting', deadline.timeoutMs, failure, dueAt === undefined ? undefined : dueAt - performance.now());
}

function unavailable(server: string, reason: string): ToolCallFailure {
  return toolCallFailure('SERVER_UNAVAILABLE', serverUnavailableMessage(server, reason));
}
