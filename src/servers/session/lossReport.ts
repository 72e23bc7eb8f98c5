import type { ProcessExit } from '../transport/ManagedStdioTransport.ts';

/**
 * Why a working server went away, told two ways: as the server's `failure` (status, health,
 * SERVER_UNAVAILABLE) and to each request it took down with it:
 *
 *   failure:  crashed (exit code 1) (stderr: loading index | EACCES: /data)
 *   in flight: filesystem crashed (exit code 1) during read_text_file: EACCES: /data
 *
 * Texts are raw here; the connection redacts them (stderr may quote a secret).
 */
export interface LossReport {
  /** A verb phrase for "<server> …": `crashed (exit code 1)`, `was killed by SIGKILL`. */
  readonly event: string;
  /** What explains it best: the reason it was stopped, else nothing (the stderr tail speaks). */
  readonly cause?: string;
  /** The last lines the process wrote to stderr, oldest first. */
  readonly stderr: readonly string[];
}

/** How a stdio process ended, as a verb phrase; `undefined` (remote, or unknown) is a dropped connection. */
export function describeExit(exit: ProcessExit | undefined): string {
  if (exit === undefined) return 'disconnected (the connection closed)';
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return exit.code === 0 ? 'exited (exit code 0)' : `crashed (exit code ${exit.code ?? 'unknown'})`;
}

/** What happened, without the stderr lines: the head of the server's `failure` line (see `withStderr`). */
export function lossHead(report: LossReport): string {
  return report.cause !== undefined ? `${report.event}: ${report.cause}` : report.event;
}

/** A `failure` line: `head`, then the process's last stderr lines, when it wrote any. */
export function withStderr(head: string, stderr: readonly string[]): string {
  return stderr.length > 0 ? `${head} (stderr: ${stderr.join(' | ')})` : head;
}

/** The failure of a request that was in flight: `what` is what the server was doing (`read_text_file`, `resource file:///x`). */
export function lossDuring(server: string, what: string, report: LossReport): string {
  const why = report.cause ?? report.stderr.at(-1);
  return `${server} ${report.event} during ${what}${why !== undefined ? `: ${why}` : ''}`;
}
