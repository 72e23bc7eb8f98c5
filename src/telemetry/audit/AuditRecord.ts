import type { ErrorCode } from '../../errors.ts';

/** One line of the audit log (SPEC "Telemetry"): one execution, its inner calls and its outcome. */
export interface AuditRecord {
  /** ISO time the execution ended. */
  readonly time: string;
  readonly executionId: string;
  /** Who asked, as the HTTP auth knows them; null when nothing does (stdio, no token, the library). */
  readonly client: string | null;
  readonly codeSha256: string;
  /** The code itself, with `audit.code: "full"`. */
  readonly code?: string;
  readonly outcome: 'success' | 'failure';
  readonly errorCode: ErrorCode | null;
  readonly durationMs: number;
  /** Bytes of the result's JSON as the client gets it in `structuredContent`. */
  readonly resultBytes: number;
  readonly toolCalls: readonly AuditToolCall[];
}

export interface AuditToolCall {
  readonly server: string;
  readonly tool: string;
  readonly ok: boolean;
  readonly durationMs: number;
  /** What the gateway decided before sending: `allow` (sent), `invalid` (refused by argument validation or routing: never sent). */
  readonly decision: AuditDecision;
  /** The failure's code, when not ok. */
  readonly errorCode?: ErrorCode;
}

export type AuditDecision = 'allow' | 'invalid' | 'deny' | 'approval_denied' | 'approval_unavailable' | 'rate_limited';

/** Refused by the gateway before anything was sent: unknown names, invalid arguments. */
export function decisionOf(errorCode: ErrorCode | undefined): AuditDecision {
  switch (errorCode) {
    case 'INVALID_ARGUMENTS':
    case 'UNKNOWN_TOOL':
    case 'UNKNOWN_SERVER':
      return 'invalid';
    case 'POLICY_DENIED':
      return 'deny';
    case 'APPROVAL_DENIED':
      return 'approval_denied';
    case 'APPROVAL_UNAVAILABLE':
      return 'approval_unavailable';
    case 'RATE_LIMITED':
      return 'rate_limited';
    default:
      return 'allow';
  }
}
