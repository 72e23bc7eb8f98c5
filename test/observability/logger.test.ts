/** The log line contract kept across the move to pino: one JSON object per line, `time` ISO, `level` a word, `message`, bound then given fields. */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';

const saved = process.env['CODE_GOAT_LOG'];
afterEach(() => {
  if (saved === undefined) delete process.env['CODE_GOAT_LOG'];
  else process.env['CODE_GOAT_LOG'] = saved;
});

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message, bound and given fields', () => {
    delete process.env['CODE_GOAT_LOG'];
    const lines: string[] = [];
    const logger = createLogger({ component: 'code-goat' }, (line) => lines.push(line));
    logger.info('config loaded', { source: 'x.json', servers: ['a', 'b'] });
    logger.child({ server: 'fault' }).warn('restarting');
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toEqual({ time: expect.any(String), level: 'info', component: 'code-goat', message: 'config loaded', source: 'x.json', servers: ['a', 'b'] });
    expect(Number.isNaN(Date.parse(first!['time'] as string))).toBe(false);
    expect(second).toMatchObject({ level: 'warn', component: 'code-goat', server: 'fault', message: 'restarting' });
  });

  it('keeps the lines at or above CODE_GOAT_LOG, and none with silent', () => {
    const at = (level: string) => {
      process.env['CODE_GOAT_LOG'] = level;
      const lines: string[] = [];
      const logger = createLogger({}, (line) => lines.push(line));
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      return lines.map((line) => (JSON.parse(line) as { message: string }).message);
    };
    expect(at('debug')).toEqual(['d', 'i', 'w', 'e']);
    expect(at('warn')).toEqual(['w', 'e']);
    expect(at('silent')).toEqual([]);
    expect(at('nonsense')).toEqual(['i', 'w', 'e']);
  });
});
