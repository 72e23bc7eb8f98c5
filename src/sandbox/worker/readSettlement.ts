import { isErrorCode, type ErrorCode } from '../../errors.ts';
import type { Settlement } from '../prelude/bridge.ts';

/**
 * Reads what the prelude's runner settled with. That JSON is written inside the isolate, where the
 * code can replace every built-in the prelude relies on (`Object.prototype.toJSON`, `String`, the
 * Promise hooks that carry a tool's answer), so it is untrusted input: any shape that is not a
 * settlement becomes a plain runtime failure, never an exception in the worker. An error code is
 * believed only if the bridge itself handed it to this execution (`deliveredCodes`): the code
 * cannot make the host report one of the sandbox's own codes (TIMEOUT, MEMORY_LIMIT, …).
 */
export function readSettlement(json: string, deliveredCodes: ReadonlySet<ErrorCode>): Settlement {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return unreadable;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return unreadable;
  const record = parsed as Record<string, unknown>;
  if (record.ok === true) return Object.hasOwn(record, 'value') ? { ok: true, value: record.value } : { ok: true };
  return {
    ok: false,
    name: typeof record.name === 'string' && record.name !== '' ? record.name : 'Error',
    message: typeof record.message === 'string' ? record.message : '',
    ...(typeof record.stack === 'string' ? { stack: record.stack } : {}),
    ...(isErrorCode(record.code) && deliveredCodes.has(record.code) ? { code: record.code } : {}),
  };
}

const unreadable: Settlement = { ok: false, name: 'Error', message: 'The code ended with a result the sandbox could not read.' };
