/**
 * The store of observed return types: a change of type is reported once, a repeat not at all; it is kept
 * in one file and read back; a corrupt or hostile file starts it afresh instead of failing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ObservedOutputTypes } from '../../src/codeMode/ObservedOutputTypes.ts';
import { resolveStateDir } from '../../src/codeMode/stateDir.ts';
import { createLogger } from '../../src/observability/logger.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'code-goat-observed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ObservedOutputTypes', () => {
  it('reports a change of type once and a repeat never; flush keeps it for the next start', () => {
    const file = path.join(dir, 'nested', 'observed.json');
    const types = new ObservedOutputTypes(file);
    expect(types.schemaOf('s', 't')).toBeUndefined();
    expect(types.observe('s', 't', { a: 'value-one' })).toBe(true);
    expect(types.observe('s', 't', { a: 'value-two' })).toBe(false);
    expect(types.observe('s', 't', { a: 7 })).toBe(true);
    expect(types.observe('s', 't', { a: 'value-three' })).toBe(false);
    types.flush();
    const again = new ObservedOutputTypes(file);
    expect(again.schemaOf('s', 't')).toEqual({ type: 'object', properties: { a: { anyOf: [{ type: 'number' }, { type: 'string' }] } }, required: ['a'], additionalProperties: false });
    expect(again.observe('s', 't', { a: 'value-four' })).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toMatch(/value-/);
  });

  it('a corrupt file is logged and ignored; a hostile one keeps only what is well-formed', () => {
    const corrupt = path.join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"tools": {"s": {"t": ');
    const lines: string[] = [];
    const types = new ObservedOutputTypes(corrupt, createLogger({}, (line) => lines.push(line)));
    expect(types.schemaOf('s', 't')).toBeUndefined();
    expect(lines.join('\n')).toContain('observed output types unreadable');

    const hostile = path.join(dir, 'hostile.json');
    writeFileSync(hostile, JSON.stringify({ tools: { s: { t: { string: true, object: { seen: 'many' } }, u: 'nonsense' }, v: null } }));
    const read = new ObservedOutputTypes(hostile);
    expect(read.schemaOf('s', 't')).toEqual({ type: 'string' });
    expect(read.schemaOf('s', 'u')).toEqual({});
  });

  it('without a file it keeps them in memory only', () => {
    const types = new ObservedOutputTypes(undefined);
    expect(types.observe('s', 't', [1])).toBe(true);
    types.flush();
    expect(types.schemaOf('s', 't')).toEqual({ type: 'array', items: { type: 'number' } });
  });
});

describe('stateDir', () => {
  it('the config\'s, else $XDG_STATE_HOME/code-goat (absolute only), else ~/.local/state/code-goat', () => {
    expect(resolveStateDir('/srv/state', { XDG_STATE_HOME: '/x' })).toBe('/srv/state');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/x' })).toBe('/x/code-goat');
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'relative' })).toMatch(/\/\.local\/state\/code-goat$/);
    expect(resolveStateDir(undefined, {})).toMatch(/\/\.local\/state\/code-goat$/);
  });
});
