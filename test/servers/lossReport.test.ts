/** How the loss of a working server is worded: in its status, and to each request it took down. */
import { describe, expect, it } from 'vitest';
import { describeExit, lossDuring, lossHead, withStderr, type LossReport } from '../../src/servers/session/lossReport.ts';

/** The status failure of a loss, as ServerSession puts it together (the head cut, the stderr lines after it). */
const lossFailure = (report: LossReport): string => withStderr(lossHead(report), report.stderr);

describe('describeExit', () => {
  it.each([
    [{ code: 1, signal: null }, 'crashed (exit code 1)'],
    [{ code: 0, signal: null }, 'exited (exit code 0)'],
    [{ code: null, signal: 'SIGKILL' as const }, 'was killed by SIGKILL'],
    [undefined, 'disconnected (the connection closed)'],
  ])('%o → %s', (exit, phrase) => {
    expect(describeExit(exit)).toBe(phrase);
  });
});

describe('a loss', () => {
  const crash = { event: 'crashed (exit code 1)', stderr: ['loading index', 'EACCES: /data'] };

  it('is the status failure with the last stderr lines', () => {
    expect(lossFailure(crash)).toBe('crashed (exit code 1) (stderr: loading index | EACCES: /data)');
    expect(lossFailure({ event: 'crashed (exit code 2)', stderr: [] })).toBe('crashed (exit code 2)');
    expect(lossHead({ event: 'was stopped', cause: 'it wrote invalid output', stderr: ['noise'] })).toBe('was stopped: it wrote invalid output');
  });

  it('is told to a request in flight with the last stderr line, or the cause', () => {
    expect(lossDuring('filesystem', 'read_text_file', crash)).toBe('filesystem crashed (exit code 1) during read_text_file: EACCES: /data');
    expect(lossDuring('x', 'resource x://y', { event: 'was stopped', cause: 'it wrote invalid output to stdout (…)', stderr: ['noise'] })).toBe(
      'x was stopped during resource x://y: it wrote invalid output to stdout (…)',
    );
    expect(lossDuring('remote', 'echo', { event: 'disconnected (the connection closed)', stderr: [] })).toBe('remote disconnected (the connection closed) during echo');
  });
});
