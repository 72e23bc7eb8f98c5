/** What the remote transports pass on in place of an answer that is not valid JSON-RPC (src/servers/transport/invalidAnswer.ts); stdio's is in lineReadBuffer.test.ts. */
import { describe, expect, it } from 'vitest';
import { errorInPlaceOf } from '../../src/servers/transport/invalidAnswer.ts';

const error = (id: number | string, why: string) => ({ jsonrpc: '2.0', id, error: { code: -32603, message: `the answer is not valid JSON-RPC: ${why}` } });

describe('errorInPlaceOf', () => {
  it('passes on every valid message as it is: a result in any member order, an error, a request, a notification, a batch', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, result: { content: [] } },
      { result: {}, id: 'x', jsonrpc: '2.0' },
      { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'no' } },
      { jsonrpc: '2.0', id: 3, method: 'sampling/createMessage', params: {} },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, progressToken: 1 } },
    ]) {
      expect(errorInPlaceOf(JSON.stringify(message)), JSON.stringify(message)).toBeUndefined();
    }
    expect(errorInPlaceOf('[{"jsonrpc":"2.0","id":1,"result":{}}]')).toBeUndefined();
    expect(errorInPlaceOf('not json at all')).toBeUndefined();
  });

  it('stands in for an answer the SDK would drop, saying what was wrong', () => {
    const cases: [unknown, ReturnType<typeof error>][] = [
      [{ jsonrpc: '2.0', id: 1, result: null }, error(1, 'its result is null, where an object is required')],
      [{ jsonrpc: '2.0', id: 'a', result: 'text' }, error('a', 'its result is a string, where an object is required')],
      [{ jsonrpc: '2.0', id: 2, result: {}, extra: true }, error(2, 'it has members an answer does not have: "extra"')],
      [{ jsonrpc: '2.0', id: 3, error: { code: 'x', message: 'm' } }, error(3, 'its error is not an object of an integer code and a string message')],
      [{ jsonrpc: '2.0', id: 4 }, error(4, 'it has neither a result nor an error')],
      [{ id: 5, result: {} }, error(5, 'its "jsonrpc" member is not "2.0"')],
    ];
    for (const [message, expected] of cases) expect(errorInPlaceOf(JSON.stringify(message)), JSON.stringify(message)).toEqual(expected);
  });
});
