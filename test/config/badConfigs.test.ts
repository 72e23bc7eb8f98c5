import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.ts';
import { CodeGoatError } from '../../src/errors.ts';
import { canary } from './fixtures.ts';

/**
 * Bad configs, one per mistake people make, each with the exact line its error must contain.
 * Every case also carries the canary secret in `env` and `headers` values, directly and through
 * `${VAR}`, in the broken server itself and in a valid neighbour: no message may ever show it.
 */
const env = { CANARY_TOKEN: canary, CANARY_URL: `${canary} is not a url`, HOME: '/home/tester' };

const secretNeighbour = {
  command: 'node',
  env: { TOKEN: canary, FROM_ENV: '${CANARY_TOKEN}' },
};
const secretRemoteNeighbour = {
  url: 'https://example.com/mcp',
  headers: { Authorization: `Bearer ${canary}`, 'X-Api-Key': '${CANARY_TOKEN}' },
};

/** A config in the `mcpServers` shape, with the two secret-bearing neighbours added. */
function withServers(servers: Record<string, unknown>, rest: Record<string, unknown> = {}): string {
  return JSON.stringify({ mcpServers: { ...servers, secretLocal: secretNeighbour, secretRemote: secretRemoteNeighbour }, ...rest }, null, 2);
}

interface BadConfig {
  name: string;
  text: string;
  /** Lines the message must contain, exactly. */
  expected: string[];
}

const badConfigs: BadConfig[] = [
  {
    name: 'a server with neither command nor url',
    text: withServers({ x: { args: [canary], env: { TOKEN: canary } } }),
    expected: ['- mcpServers.x: expected "command" (a stdio server) or "url" (a remote server)'],
  },
  {
    name: 'a server with both command and url',
    text: withServers({ x: { command: 'node', url: 'https://example.com/mcp', headers: { Authorization: canary } } }),
    expected: ['- mcpServers.x: has both "command" and "url": a server is either stdio ("command") or remote ("url"), not both'],
  },
  {
    name: 'a url that is not a URL',
    text: withServers({ github: { url: 'not a url', headers: { Authorization: `Bearer ${canary}` } } }),
    expected: ['- mcpServers.github.url: expected a URL'],
  },
  {
    name: 'a url that is a secret-bearing variable, not a URL',
    text: withServers({ github: { url: '${CANARY_URL}' } }),
    expected: ['- mcpServers.github.url: expected a URL'],
  },
  {
    name: 'a url that is not http(s)',
    text: withServers({ github: { url: 'ftp://example.com/mcp' } }),
    expected: ['- mcpServers.github.url: expected a URL starting with http:// or https://'],
  },
  {
    name: 'an unset variable in a header',
    text: withServers({ github: { url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' } } }),
    expected: ['- mcpServers.github.headers.Authorization: environment variable GITHUB_TOKEN is not set (use ${GITHUB_TOKEN:-default} for a fallback)'],
  },
  {
    name: 'an unset variable in the servers list',
    text: JSON.stringify({ servers: [{ name: 'fs', command: 'node', env: { TOKEN: '${FS_TOKEN}', OTHER: canary } }] }),
    expected: ['- servers[0].env.TOKEN: environment variable FS_TOKEN is not set (use ${FS_TOKEN:-default} for a fallback)'],
  },
  {
    name: 'an invalid variable reference with a secret between the braces',
    text: withServers({ x: { command: 'node', env: { TOKEN: `\${Bearer ${canary}}` } } }),
    expected: ['- mcpServers.x.env.TOKEN: invalid variable reference: expected ${NAME} or ${NAME:-default}, NAME being letters, digits and _'],
  },
  {
    name: 'an unterminated variable reference',
    text: withServers({ x: { command: 'node', env: { TOKEN: `\${CANARY_TOKEN ${canary}` } } }),
    expected: ['- mcpServers.x.env.TOKEN: unterminated "${": expected ${NAME} or ${NAME:-default} (write $${ for a literal "${")'],
  },
  {
    name: 'a typo in a server key, with neither command nor url left',
    text: withServers({ fs: { comand: 'npx', env: { TOKEN: canary } } }),
    expected: ['- mcpServers.fs: expected "command" (a stdio server) or "url" (a remote server)', '- mcpServers.fs.comand: unknown key; did you mean "command"?'],
  },
  {
    name: 'a typo in a stdio server key',
    text: withServers({ fs: { command: 'npx', arg: ['-y'] } }),
    expected: ['- mcpServers.fs.arg: unknown key; did you mean "args"?'],
  },
  {
    name: 'a codeMode.typeCheck that is not a mode',
    text: withServers({}, { codeMode: { typeCheck: 'sometimes' } }),
    expected: ['- codeMode.typeCheck: expected one of "off", "on-error", "warn", "strict", got another string'],
  },
  {
    // Node's timers wait at most 2^31 - 1 ms: a longer deadline fired at once and every execution failed with TIMEOUT.
    name: 'a deadline longer than a timer can wait',
    text: withServers({ slow: { command: 'node', timeout: 3_000_000_000 } }, { codeMode: { timeout: 1e12 } }),
    expected: ['- codeMode.timeout: expected at most 2000000000', '- mcpServers.slow.timeout: expected at most 2000000000'],
  },
  {
    name: 'a rate limit window longer than a timer can wait, in either form',
    text: withServers({}, { rateLimits: [{ limit: 1, window: '1000000h' }, { limit: 1, window: 3_000_000_000 }] }),
    expected: ['- rateLimits[0].window: expected at most 2000000000 ms (about 23 days)', '- rateLimits[1].window: expected at most 2000000000 ms (about 23 days)'],
  },
  {
    name: 'a typo in codeMode',
    text: withServers({}, { codeMode: { timeot: 1000 } }),
    expected: ['- codeMode.timeot: unknown key; did you mean "timeout"?'],
  },
  {
    name: 'a typo at the top level',
    text: JSON.stringify({ mcpservers: { x: { command: 'node', env: { TOKEN: canary } } } }),
    expected: ['- mcpservers: unknown key; did you mean "mcpServers"?'],
  },
  {
    name: 'a remote key on a stdio server',
    text: withServers({ x: { command: 'node', headers: { Authorization: canary } } }),
    expected: ['- mcpServers.x.headers: unknown key; "headers" is for remote servers ("url"); this is a stdio server ("command")'],
  },
  {
    name: 'args as a string',
    text: withServers({ x: { command: 'node', args: `--token=${canary}` } }),
    expected: ['- mcpServers.x.args: expected an array, got a string'],
  },
  {
    name: 'env as an array',
    text: withServers({ x: { command: 'node', env: [`TOKEN=${canary}`] } }),
    expected: ['- mcpServers.x.env: expected an object, got an array'],
  },
  {
    name: 'an env value that is not a string',
    text: withServers({ x: { command: 'node', env: { PORT: 3000, TOKEN: canary } } }),
    expected: ['- mcpServers.x.env.PORT: expected a string, got a number'],
  },
  {
    name: 'a header value that is not a string',
    text: withServers({ r: { url: 'https://example.com/mcp', headers: { Authorization: ['Bearer', canary] } } }),
    expected: ['- mcpServers.r.headers.Authorization: expected a string, got an array'],
  },
  {
    name: 'headers as a string',
    text: withServers({ r: { url: 'https://example.com/mcp', headers: `Authorization: Bearer ${canary}` } }),
    expected: ['- mcpServers.r.headers: expected an object, got a string'],
  },
  {
    name: 'timeout as a string',
    text: withServers({ x: { command: 'node', timeout: '10s' } }),
    expected: ['- mcpServers.x.timeout: expected a number, got a string'],
  },
  {
    name: 'a negative timeout',
    text: withServers({ x: { command: 'node', timeout: -5 } }),
    expected: ['- mcpServers.x.timeout: expected a number > 0, got 0 or less'],
  },
  {
    name: 'a fractional codeMode.timeout and a too small memoryMb',
    text: withServers({}, { codeMode: { timeout: 1.5, memoryMb: 2 } }),
    expected: ['- codeMode.timeout: expected a whole number, got a number with a fraction', '- codeMode.memoryMb: expected a number >= 8, got less'],
  },
  {
    name: 'codeMode as a string, on a server and at the top level',
    text: withServers({ x: { command: 'node', codeMode: 'false' } }, { codeMode: { enabled: 'yes' } }),
    expected: ['- mcpServers.x.codeMode: expected true or false, got a string', '- codeMode.enabled: expected true or false, got a string'],
  },
  {
    name: 'an empty command',
    text: withServers({ x: { command: '', env: { TOKEN: canary } } }),
    expected: ['- mcpServers.x.command: expected a non-empty string, got an empty string'],
  },
  {
    name: 'an unknown transport and type',
    text: withServers({ r: { url: 'https://example.com/mcp', transport: 'websocket', type: 'ws' } }),
    expected: ['- mcpServers.r.transport: expected "http" or "sse", got another string', '- mcpServers.r.type: expected one of "http", "streamable-http", "streamableHttp", "sse", got another string'],
  },
  {
    name: 'tools.deny as a string, and a typo in tools',
    text: withServers({ x: { command: 'node', tools: { alow: ['*'], deny: 'delete_*' } } }),
    expected: ['- mcpServers.x.tools.alow: unknown key; did you mean "allow"?', '- mcpServers.x.tools.deny: expected an array, got a string'],
  },
  {
    name: 'duplicate names in the servers list',
    text: JSON.stringify({ servers: [{ name: 'fs', command: 'a', env: { T: canary } }, { name: 'x', command: 'b' }, { name: 'fs', command: 'c', env: { T: canary } }] }),
    expected: ['- servers[2].name: duplicate server name "fs", already used by servers[0]'],
  },
  {
    name: 'a servers item without a name',
    text: JSON.stringify({ servers: [{ command: 'a', env: { T: canary } }] }),
    expected: ["- servers[0].name: expected a non-empty string (the server's name), got nothing"],
  },
  {
    name: 'both mcpServers and servers',
    text: JSON.stringify({ mcpServers: { a: secretNeighbour }, servers: [{ name: 'b', command: 'b' }] }),
    expected: ['- servers: use either "mcpServers" or the older "servers" list, not both'],
  },
  {
    name: 'mcpServers as an array',
    text: JSON.stringify({ mcpServers: [{ command: 'node', env: { T: canary } }] }),
    expected: ['- mcpServers: expected an object (server name → server), got an array'],
  },
  {
    name: 'the whole file an array',
    text: JSON.stringify([{ mcpServers: { x: secretNeighbour } }]),
    expected: ['- (root): expected an object, got an array'],
  },
  {
    name: 'invalid JSON: an unquoted secret',
    text: `{\n  "mcpServers": {\n    "r": { "url": "https://example.com", "headers": { "Authorization": Bearer ${canary} } }\n  }\n}`,
    expected: ['test.json:3:72: invalid JSON: expected a value (a string in double quotes, a number, true, false, null, an object or an array)'],
  },
  {
    name: 'invalid JSON: a missing comma',
    text: `{\n  "mcpServers": {\n    "a": { "command": "node", "env": { "T": "${canary}" } }\n    "b": { "command": "node" }\n  }\n}`,
    expected: ['test.json:4:5: invalid JSON: expected "," or "}" after a property value'],
  },
  {
    name: 'invalid JSON: a secret in an unterminated string',
    text: `{ "mcpServers": { "a": { "command": "node", "env": { "T": "${canary}`,
    expected: ['test.json:1:59: invalid JSON: unterminated string'],
  },
  {
    name: 'invalid JSON: the same server twice',
    text: `{\n  "mcpServers": {\n    "a": { "command": "node" },\n    "a": { "command": "node", "env": { "T": "${canary}" } }\n  }\n}`,
    expected: ['test.json:4:5: invalid JSON: duplicate key "a"'],
  },
];

function errorOf(text: string): CodeGoatError {
  try {
    parseConfigText(text, { source: 'test.json', env });
  } catch (error) {
    if (error instanceof CodeGoatError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('bad configs: each error names the path', () => {
  it.each(badConfigs)('$name', ({ text, expected }) => {
    const error = errorOf(text);
    expect(error.code).toBe('CONFIG_INVALID');
    const lines = error.message.split('\n');
    for (const line of expected) expect(lines).toContain(line);
  });

  it('reports every problem of a file together, one per line', () => {
    const error = errorOf(withServers({ a: {}, b: { command: '' } }, { codeMode: { timeot: 1 } }));
    expect(error.message).toBe(
      [
        'Invalid config (test.json), 3 problems:',
        '- mcpServers.a: expected "command" (a stdio server) or "url" (a remote server)',
        '- mcpServers.b.command: expected a non-empty string, got an empty string',
        '- codeMode.timeot: unknown key; did you mean "timeout"?',
      ].join('\n'),
    );
  });

  it('reports a missing variable once, not again as the invalid value it left behind', () => {
    const error = errorOf(withServers({ r: { url: '${REMOTE_URL}' } }));
    expect(error.message.split('\n').filter((line) => line.includes('mcpServers.r.url'))).toEqual([
      '- mcpServers.r.url: environment variable REMOTE_URL is not set (use ${REMOTE_URL:-default} for a fallback)',
    ]);
  });
});

describe('bad configs: secrets never show', () => {
  it('the canary is in every bad config, so the check below means something', () => {
    for (const { name, text } of badConfigs) expect(text.includes(canary) || text.includes('${CANARY_'), name).toBe(true);
  });

  it.each(badConfigs)('no secret in the error for: $name', ({ text }) => {
    const error = errorOf(text);
    expect(error.message).not.toContain(canary);
    expect(String(error.stack)).not.toContain(canary);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(canary);
    expect(error.cause).toBeUndefined();
  });
});
