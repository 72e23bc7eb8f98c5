import { z } from 'zod';
import { maxDurationMs } from '../config/defaults.ts';
import { formatPath } from '../config/ConfigIssue.ts';
import { schemaIssues } from '../config/schemaIssues.ts';

/**
 * What `executeCode(code, limits)` of the library may be given: the code as text, and limits each within
 * what the sandbox can keep (the config's own bounds). A program's mistake (`{ timeoutMs: undefined }`,
 * `NaN`, a negative heap cap, a number for the code) failed deep in the sandbox with words of its own,
 * replaced a worker, or switched a limit off.
 */
const limitsSchema = z.strictObject({
  timeoutMs: z.number().int().positive().max(maxDurationMs).optional(),
  cpuTimeMs: z.number().int().positive().max(maxDurationMs).optional(),
  memoryMb: z.number().int().min(8).max(64 * 1024).optional(),
  maxCodeBytes: z.number().int().positive().optional(),
  maxOutputBytes: z.number().int().positive().optional(),
  maxReturnBytes: z.number().int().positive().optional(),
  maxToolCalls: z.number().int().positive().optional(),
});

/** What is wrong with the arguments of one `executeCode`, in one line; undefined when nothing is. */
export function executeCodeArgumentProblem(code: unknown, limits: unknown): string | undefined {
  if (typeof code !== 'string') return `executeCode(code): code must be a string (the body of an async function), not ${code === null ? 'null' : typeof code}.`;
  if (limits === undefined) return undefined;
  let issues;
  try {
    issues = schemaIssues(limitsSchema, limits, ['limits']);
  } catch (error) {
    return `executeCode(code, limits): the limits could not be read (${error instanceof Error ? error.message : String(error)}).`;
  }
  const [first] = issues;
  return first === undefined ? undefined : `executeCode(code, limits): ${formatPath(first.path)}: ${first.message}.`;
}
