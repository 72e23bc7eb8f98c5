import { describe, expect, it } from 'vitest';
import { tooDeepMessage, unwrapToolResult } from '../../src/servers/requests/unwrapToolResult.ts';
import { nestingDefaults } from '../../src/config/defaults.ts';

const text = (value: string) => ({ type: 'text', text: value });

describe('unwrapToolResult', () => {
  it('prefers structuredContent over the text', () => {
    expect(unwrapToolResult({ content: [text('{"a":1}')], structuredContent: { b: 2 } }, 's.t')).toEqual({ ok: true, value: { b: 2 } });
  });

  it('keeps a structuredContent of null', () => {
    expect(unwrapToolResult({ content: [text('x')], structuredContent: null }, 's.t')).toEqual({ ok: true, value: null });
  });

  it('parses text that is JSON', () => {
    expect(unwrapToolResult({ content: [text('{"a":[1,2]}')] }, 's.t')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(unwrapToolResult({ content: [text('42')] }, 's.t')).toEqual({ ok: true, value: 42 });
    expect(unwrapToolResult({ content: [text('"quoted"')] }, 's.t')).toEqual({ ok: true, value: 'quoted' });
    // Every way a JSON text begins, after white space.
    for (const [json, value] of [['\n  [1]', [1]], ['-1.5', -1.5], ['true', true], ['false', false], ['null', null], ['\t{"b":2}', { b: 2 }]] as const) {
      expect(unwrapToolResult({ content: [text(json)] }, 's.t')).toEqual({ ok: true, value });
    }
  });

  it('keeps text that is not JSON as the string', () => {
    expect(unwrapToolResult({ content: [text('Echo: hi')] }, 's.t')).toEqual({ ok: true, value: 'Echo: hi' });
    expect(unwrapToolResult({ content: [text('007')] }, 's.t')).toEqual({ ok: true, value: '007' });
    expect(unwrapToolResult({ content: [text('nothing here')] }, 's.t')).toEqual({ ok: true, value: 'nothing here' });
  });

  it('joins several text blocks with a newline, then tries JSON', () => {
    expect(unwrapToolResult({ content: [text('line 1'), text('line 2')] }, 's.t')).toEqual({ ok: true, value: 'line 1\nline 2' });
    expect(unwrapToolResult({ content: [text('{"a":'), text('1}')] }, 's.t')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('returns the whole content array when a block is not text', () => {
    const content = [text('an image:'), { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }];
    expect(unwrapToolResult({ content }, 's.t')).toEqual({ ok: true, value: content });
  });

  it('returns undefined for an empty result', () => {
    expect(unwrapToolResult({ content: [] }, 's.t')).toEqual({ ok: true, value: undefined });
    expect(unwrapToolResult({}, 's.t')).toEqual({ ok: true, value: undefined });
  });

  it('turns isError into a TOOL_ERROR carrying the server message', () => {
    expect(unwrapToolResult({ content: [text('Access denied')], isError: true }, 'filesystem.read_file')).toEqual({
      ok: false,
      code: 'TOOL_ERROR',
      message: 'filesystem.read_file failed: Access denied',
    });
  });

  it('says so when an error result carries no message', () => {
    const outcome = unwrapToolResult({ content: [], isError: true }, 's.t');
    expect(outcome).toEqual({ ok: false, code: 'TOOL_ERROR', message: 's.t failed: the tool reported an error without a message' });
  });

  it('falls back to the structuredContent of an error result without text', () => {
    const outcome = unwrapToolResult({ content: [], structuredContent: { reason: 'quota' }, isError: true }, 's.t');
    expect(outcome).toEqual({ ok: false, code: 'TOOL_ERROR', message: 's.t failed: {"reason":"quota"}' });
  });

  it('refuses JSON text nested deeper than maxValueDepth, and only that: not a string with brackets, not text that is no JSON', () => {
    const max = nestingDefaults.maxValueDepth;
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(unwrapToolResult({ content: [text(nested(max))] }, 's.t')).toMatchObject({ ok: true });
    expect(unwrapToolResult({ content: [text(`{"a":${nested(max - 1)}}`)] }, 's.t')).toMatchObject({ ok: true });
    expect(unwrapToolResult({ content: [text(nested(max + 1))] }, 's.t')).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: `s.t failed: ${tooDeepMessage}` });
    expect(unwrapToolResult({ content: [text(`{"a":${nested(max)}}`)] }, 's.t')).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
    // Brackets inside a JSON string are text, and so is a bracket run that does not parse.
    const inString = JSON.stringify({ a: nested(max + 10) });
    expect(unwrapToolResult({ content: [text(inString)] }, 's.t')).toEqual({ ok: true, value: { a: nested(max + 10) } });
    expect(unwrapToolResult({ content: [text('['.repeat(max + 10))] }, 's.t')).toEqual({ ok: true, value: '['.repeat(max + 10) });
  });
});

