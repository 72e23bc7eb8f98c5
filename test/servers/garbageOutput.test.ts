/**
 * A server that writes what is not JSON-RPC to stdout is reported by name; the gateway and the
 * other servers carry on, and a stream the transport cannot recover from gets the server restarted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerPool, type ToolCatalog } from '../../src/servers/index.ts';
import { StdoutLineInspector } from '../../src/servers/transport/StdoutLineInspector.ts';
import { ServerOutput } from '../../src/servers/transport/ServerOutput.ts';
import { createRedactor } from '../../src/servers/outcomes/redactSecrets.ts';
import { faultServer, garbageServer } from '../fixtures/servers.ts';
import { serverDefaults } from '../../src/config/defaults.ts';
import { captureLogger, nextEvent, type LogRecord, poolsClosedAfterEach } from './helpers.ts';

const startPool = poolsClosedAfterEach();

const warnings = (records: readonly LogRecord[]) => records.filter((record) => record.level === 'warn').map(({ message, fields }) => ({ message, ...fields }));

describe('StdoutLineInspector', () => {
  it('reports the lines that cannot be JSON-RPC, across chunk boundaries, and nothing else', () => {
    const reported: string[] = [];
    const inspector = new StdoutLineInspector((line) => reported.push(line));
    for (const chunk of ['{"jsonrpc":"2.0","id":1,"result":{}}\nStarting', ' up...\n\n  \r\n', '[{"jsonrpc":"2.0"}]\n', '  {"indented":true}\n', 'progress 50%\r\n', 'tail without newline']) {
      inspector.push(Buffer.from(chunk));
    }
    expect(reported).toEqual(['Starting up...', 'progress 50%']);
    inspector.push(Buffer.from('\n'));
    expect(reported).toEqual(['Starting up...', 'progress 50%', 'tail without newline']);
  });

  it('keeps only the start of a long line: what is shown and a margin for the redactor to see past the cut', () => {
    const reported: string[] = [];
    const inspector = new StdoutLineInspector((line) => reported.push(line));
    inspector.push(Buffer.from(`${'a'.repeat(150)}`));
    inspector.push(Buffer.from(`${'b'.repeat(100_000)}\n`));
    expect(reported).toEqual([`${'a'.repeat(150)}${'b'.repeat(120 + 64 * 1024 - 150)}`]);
  });

  it('reports a line with a secret across the shown part redacted, none of the secret left', () => {
    // Long, as a JWT is: it starts within the 120 characters shown and ends past the 200 bytes kept before.
    const secret = `eyJ${'k'.repeat(97)}`;
    const log = captureLogger();
    const output = new ServerOutput(log.logger, createRedactor([{ TOKEN: secret }]));
    const inspector = new StdoutLineInspector((line) => output.invalidLine(line));
    inspector.push(Buffer.from(`${'a'.repeat(110)}${secret}${'b'.repeat(500)}\n`));
    expect(log.records).toContainEqual({ level: 'warn', message: 'server wrote a line that is not JSON-RPC to stdout; ignored', fields: { line: `${'a'.repeat(110)}[redacted]` } });
  });
});

describe('garbage on stdout', () => {
  it('is logged with the server name and ignored: the server, the gateway and the others keep answering', async () => {
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer(), fault: faultServer() }, { logger: log.logger });
    expect(pool.status().map((server) => server.state)).toEqual(['ready', 'ready']);
    expect(await pool.callTool('garbage', 'babble', { lines: 2 })).toEqual({ ok: true, value: 'babbled 2 lines' });
    expect(await pool.callTool('garbage', 'notRpc', {})).toEqual({ ok: true, value: 'sent a non-JSON-RPC line' });
    expect(await pool.callTool('garbage', 'echo', { text: 'still here' })).toEqual({ ok: true, value: 'echo: still here' });
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
    const notJsonRpc = 'server wrote a line that is not JSON-RPC to stdout; ignored';
    expect(warnings(log.records)).toEqual([
      { message: notJsonRpc, server: 'garbage', line: 'garbage-server 1.0 starting up (this banner is not JSON-RPC)' },
      { message: notJsonRpc, server: 'garbage', line: 'babble line 1 of 2' },
      { message: notJsonRpc, server: 'garbage', line: 'babble line 2 of 2' },
      { message: 'server wrote JSON that is not a JSON-RPC message to stdout; ignored', server: 'garbage' },
    ]);
    expect(pool.status()[0]).toMatchObject({ state: 'ready' });
    expect(pool.status()[0]).not.toHaveProperty('restarts');
  });

  it('is not logged line by line without end', async () => {
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer() }, { logger: log.logger });
    expect(await pool.callTool('garbage', 'babble', { lines: 50 })).toEqual({ ok: true, value: 'babbled 50 lines' });
    const logged = warnings(log.records).map((warning) => warning.message);
    expect(logged).toHaveLength(6);
    expect(logged.at(-1)).toBe('more invalid stdout output from this server is not logged');
  });

  it('answers that are not valid JSON-RPC, written without end, are not logged one by one either', async () => {
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer() }, { logger: log.logger });
    expect(await pool.callTool('garbage', 'badAnswerFlood', { count: 200 })).toEqual({ ok: true, value: 'wrote 200 invalid answers' });
    const logged = warnings(log.records).map((warning) => warning.message);
    expect(logged.filter((message) => message === 'server answered a request with a message that is not valid JSON-RPC; that request fails').length).toBeLessThanOrEqual(5);
    expect(logged).toContain('more invalid stdout output from this server is not logged');
    expect(logged.length).toBeLessThanOrEqual(6);
    expect(await pool.callTool('garbage', 'echo', { text: 'after' })).toEqual({ ok: true, value: 'echo: after' });
  });

  it('on stderr, a line without end is kept to its first maxStderrLineBytes and the rest counted: memory stays bounded, the last words stay readable', async () => {
    const pool = await startPool({ garbage: garbageServer() }, { restart: false });
    const flood = 30 * 1024 * 1024;
    const kept = serverDefaults.maxStderrLineBytes;
    expect(await pool.callTool('garbage', 'stderrFlood', { bytes: flood })).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: 'garbage crashed (exit code 1) during stderrFlood: garbage-server: after the flood',
    });
    const failure = pool.status()[0]?.failure ?? '';
    expect(failure).toContain(`(stderr: ${'E'.repeat(kept)}… (a line of ${flood} bytes) | garbage-server: after the flood)`);
    expect(failure.length).toBeLessThan(kept + 1_000);
  });

  it('a server that stops reading its stdin: what waits for it is held to maxUnreadStdinBytes, then sending to it fails at once saying why', async () => {
    const pool = await startPool({ garbage: garbageServer(), fault: faultServer() }, { restart: false });
    expect(await pool.callTool('garbage', 'stopReading', {})).toEqual({ ok: true, value: 'stopped reading' });
    // More than the cap: it waits in the gateway's pipe buffer, and is never read.
    void pool.callTool('garbage', 'echo', { text: 'x'.repeat(serverDefaults.maxUnreadStdinBytes + 1024) }, { timeoutMs: 120_000 });
    await vi.waitFor(
      async () => {
        expect(await pool.callTool('garbage', 'echo', { text: 'small' }, { timeoutMs: 1_000 })).toEqual({
          ok: false,
          code: 'TOOL_CALL_FAILED',
          message: expect.stringMatching(/^garbage\.echo failed: the server is not reading its input: \d+ bytes already wait to be written to its stdin \(maxUnreadStdinBytes 16777216\)$/),
        });
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
  });

  it('an answer that is JSON but not valid JSON-RPC fails its own call at once, saying what was wrong; the session goes on', async () => {
    // The SDK drops such an answer after reporting it: the call waited for its deadline (60 s here, the whole execution in code).
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer() }, { logger: log.logger, defaultToolTimeoutMs: 120_000 });
    const started = performance.now();
    const [nullResult, arrayResult, badError, beside] = await Promise.all([
      pool.callTool('garbage', 'badAnswer', { kind: 'nullResult' }),
      pool.callTool('garbage', 'badAnswer', { kind: 'arrayResult' }),
      pool.callTool('garbage', 'badAnswer', { kind: 'badError' }),
      pool.callTool('garbage', 'echo', { text: 'beside' }),
    ]);
    expect(nullResult).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: 'garbage.badAnswer failed: the answer is not valid JSON-RPC: its result is null, where an object is required' });
    expect(arrayResult).toEqual({ ok: false, code: 'TOOL_CALL_FAILED', message: 'garbage.badAnswer failed: the answer is not valid JSON-RPC: its result is an array, where an object is required' });
    expect(badError).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: 'garbage.badAnswer failed: the answer is not valid JSON-RPC: its error is not an object of an integer code and a string message',
    });
    expect(beside).toEqual({ ok: true, value: 'echo: beside' });
    // Not the tool deadline: a generous bound that only a waiting call would pass.
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(pool.status()[0]).toMatchObject({ name: 'garbage', state: 'ready' });
    expect(log.records).toContainEqual(
      expect.objectContaining({
        message: 'server answered a request with a message that is not valid JSON-RPC; that request fails',
        fields: expect.objectContaining({ server: 'garbage', why: 'its result is null, where an object is required' }),
      }),
    );
  });

  it('an answer past maxResultBytes fails its own call, saying why; the session goes on (no restart), and so do the calls beside it', async () => {
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer() }, { logger: log.logger });
    const limit = serverDefaults.maxResultBytes;
    const [huge, beside] = await Promise.all([pool.callTool('garbage', 'huge', { bytes: limit + 1024 * 1024 }), pool.callTool('garbage', 'echo', { text: 'beside' })]);
    expect(huge).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: `garbage.huge failed: the server's answer is larger than ${limit} bytes (maxResultBytes); it was not read`,
    });
    expect(beside).toEqual({ ok: true, value: 'echo: beside' });
    // Under the cap the same tool answers in full, on the same process.
    expect(await pool.callTool('garbage', 'huge', { bytes: 1024 * 1024 })).toEqual({ ok: true, value: 'h'.repeat(1024 * 1024) });
    expect(pool.status()[0]).toMatchObject({ name: 'garbage', state: 'ready' });
    expect(pool.status()[0]).not.toHaveProperty('restarts');
    expect(log.records).toContainEqual(
      expect.objectContaining({
        message: 'server answered a request with more than maxResultBytes; the answer was dropped and that request fails',
        fields: expect.objectContaining({ server: 'garbage', limitBytes: limit, bytes: expect.any(Number) }),
      }),
    );
  });

  it('stdout past maxResultBytes with no newline is dropped as it comes: the session goes on, and the first answer glued to it fails for it', async () => {
    const log = captureLogger();
    const pool = await startPool({ garbage: garbageServer() }, { logger: log.logger });
    // The flood never answers; its bytes (no newline) are dropped, only the ends of the line kept.
    expect(await pool.callTool('garbage', 'flood', { bytes: 11 * 1024 * 1024 }, { timeoutMs: 3_000 })).toMatchObject({ ok: false, code: 'TOOL_TIMEOUT' });
    // The next answer ends the flooded line; its id shows at the line's end, so it fails, not hangs.
    expect(await pool.callTool('garbage', 'echo', { text: 'glued' }, { timeoutMs: 20_000 })).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: `garbage.echo failed: the server's answer is larger than ${serverDefaults.maxResultBytes} bytes (maxResultBytes); it was not read`,
    });
    expect(await pool.callTool('garbage', 'echo', { text: 'back' })).toEqual({ ok: true, value: 'echo: back' });
    expect(pool.status()[0]).toMatchObject({ name: 'garbage', state: 'ready' });
    expect(pool.status()[0]).not.toHaveProperty('restarts');
    expect(log.records.filter((record) => record.message === 'server went away')).toEqual([]);
  });
});
