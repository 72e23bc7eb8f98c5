import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/config/substituteEnv.ts';

const env = { HOME: '/home/tester', TOKEN: 'secret-token', EMPTY: '' };

describe('substituteEnv', () => {
  it('replaces ${VAR} anywhere in a string, in nested objects and arrays', () => {
    const { value, issues } = substituteEnv({ a: { b: ['${HOME}/data', 'Bearer ${TOKEN}', 'x${HOME}y${HOME}z'] }, n: 5, t: true, z: null }, env);
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: { b: ['/home/tester/data', 'Bearer secret-token', 'x/home/testery/home/testerz'] }, n: 5, t: true, z: null });
  });

  it('leaves keys alone', () => {
    expect(substituteEnv({ '${HOME}': '${HOME}' }, env).value).toEqual({ '${HOME}': '/home/tester' });
  });

  it('uses the default of ${VAR:-default} when the variable is unset or empty, as the shell does', () => {
    const { value, issues } = substituteEnv(['${NOPE:-fallback}', '${EMPTY:-fallback}', '${HOME:-fallback}', '${NOPE:-}', '${NOPE:-a:-b c}'], env);
    expect(issues).toEqual([]);
    expect(value).toEqual(['fallback', 'fallback', '/home/tester', '', 'a:-b c']);
  });

  it('keeps a variable that is set to the empty string', () => {
    expect(substituteEnv('[${EMPTY}]', env).value).toBe('[]');
  });

  it('reads $${ as a literal ${', () => {
    expect(substituteEnv(['$${HOME}', 'cost: $5', '$HOME', '$${NOPE} and ${HOME}'], env).value).toEqual(['${HOME}', 'cost: $5', '$HOME', '${NOPE} and /home/tester']);
  });

  it('reports a missing variable with its name and path', () => {
    const { issues } = substituteEnv({ mcpServers: { github: { headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' } } } }, env);
    expect(issues).toEqual([
      { path: ['mcpServers', 'github', 'headers', 'Authorization'], message: 'environment variable GITHUB_TOKEN is not set (use ${GITHUB_TOKEN:-default} for a fallback)' },
    ]);
  });

  it('reports every missing variable, in arrays too', () => {
    const { issues } = substituteEnv({ args: ['${A}', 'ok', '${B}${C}'] }, env);
    expect(issues.map((issue) => [issue.path, issue.message.split(' ')[2]])).toEqual([
      [['args', 0], 'A'],
      [['args', 2], 'B'],
      [['args', 2], 'C'],
    ]);
  });

  it('reports a malformed reference without echoing what is between the braces', () => {
    const { issues } = substituteEnv({ a: '${not a name}', b: '${}', c: '${1ABC}', d: '${OPEN' }, env);
    expect(issues.map((issue) => issue.path[0])).toEqual(['a', 'b', 'c', 'd']);
    for (const issue of issues) expect(issue.message).not.toMatch(/not a name|1ABC|OPEN/);
  });

  it('does not touch the input', () => {
    const input = { a: ['${HOME}'] };
    substituteEnv(input, env);
    expect(input).toEqual({ a: ['${HOME}'] });
  });
});
