import { nestingDefaults } from '../config/defaults.ts';
import { errorTable } from '../errors.ts';
import { valueDeeperThan } from '../text/jsonDepth.ts';
import type { ToolCallOutcome } from './Sandbox.ts';
import type { ToolCallAnswer } from './workerMessages.ts';

/**
 * The host's answer to one call, as it crosses to the worker: the outcome's JSON, made here where a
 * failure is caught. A value too deep (or one `JSON.stringify` refuses) fails that call with a message
 * naming the tool, never the process: IPC would otherwise serialise it recursively and overflow.
 */
export function toolAnswer(callId: number, server: string, tool: string, outcome: ToolCallOutcome): ToolCallAnswer {
  if (!outcome.ok) {
    // The class the code catches is the table's (`PolicyError`, `RateLimitError`; else `ToolError`), named here so the isolate need not know the table.
    const errorName = errorTable[outcome.code]?.errorName;
    const failure = {
      ok: false,
      code: outcome.code,
      message: String(outcome.message),
      ...(errorName === 'PolicyError' || errorName === 'RateLimitError' ? { errorName } : {}),
      ...(typeof outcome.retryAfterMs === 'number' ? { retryAfterMs: outcome.retryAfterMs } : {}),
    };
    return { callId, outcomeJson: JSON.stringify(failure), failureCode: outcome.code };
  }
  const refuse = (why: string): ToolCallAnswer => {
    const failure: ToolCallOutcome = { ok: false, code: 'TOOL_CALL_FAILED', message: `${server}.${tool} failed: ${why}` };
    return { callId, outcomeJson: JSON.stringify(failure), failureCode: failure.code };
  };
  const maxDepth = nestingDefaults.maxValueDepth;
  const tooDeep = `its result nests arrays or objects more than ${maxDepth} levels deep`;
  if (valueDeeperThan(outcome.value, maxDepth)) return refuse(tooDeep);
  try {
    // A string crosses IPC whatever it holds; should a toJSON have made the text deeper, the isolate parses it without recursion.
    return { callId, outcomeJson: JSON.stringify({ ok: true, value: outcome.value }) };
  } catch (error) {
    return refuse(`its result cannot be sent to the sandbox (${error instanceof Error ? error.message : String(error)})`);
  }
}
