import { describe, expect, it } from 'vitest';
import { topLevelMembers } from '../../src/text/jsonMembers.ts';

const read = (text: string) => topLevelMembers(text)?.map(({ key, start, end }) => [key, text.slice(start, end)]);

describe('topLevelMembers', () => {
  it('reads each top-level key and the text of its value, whatever the value holds', () => {
    const text = ' {"jsonrpc" : "2.0", "id":-12,"result":{"content":[{"type":"text","text":"a } ] \\" , { ["}]},"n":1.5e3,"t":true,"z":null,"s":"x\\\\"}\n';
    expect(read(text)).toEqual([
      ['jsonrpc', '"2.0"'],
      ['id', '-12'],
      ['result', '{"content":[{"type":"text","text":"a } ] \\" , { ["}]}'],
      ['n', '1.5e3'],
      ['t', 'true'],
      ['z', 'null'],
      ['s', '"x\\\\"'],
    ]);
    expect(read('{}')).toEqual([]);
  });

  it('decodes a key written with escapes, and keeps a repeated key each time it appears', () => {
    expect(read('{"\\u006dethod":"x","a":1,"a":2}')).toEqual([
      ['method', '"x"'],
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  it('gives up on what is not an object text it can follow: an array, a bare value, an unclosed string or bracket, a missing colon', () => {
    for (const text of ['[1,2]', '42', '"s"', '{"a":"open', '{"a":{"b":1}', '{"a" 1}', '{a:1}', '{"a":1,}', '', '{"a":']) expect(topLevelMembers(text), text).toBeUndefined();
  });

  it('reads a 10 MB value in one pass', () => {
    const text = `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"${'x'.repeat(10_000_000)}"}]}}`;
    const members = topLevelMembers(text);
    expect(members?.map(({ key }) => key)).toEqual(['jsonrpc', 'id', 'result']);
    expect(members?.[2]?.end).toBe(text.length - 1);
  });
});
