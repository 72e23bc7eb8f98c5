/** The `audit` key of the config (SPEC "Telemetry"): defaults filled in, mistakes named by their path. */
import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parseConfig.ts';
import { telemetryDefaults } from '../../src/config/defaults.ts';

it('takes a path alone and fills in the defaults', () => {
  expect(parseConfig({ audit: { path: '/tmp/audit.jsonl' } }).audit).toEqual({
    path: '/tmp/audit.jsonl',
    code: telemetryDefaults.auditCode,
    maxBytes: telemetryDefaults.auditMaxBytes,
    maxFiles: telemetryDefaults.auditMaxFiles,
  });
  expect(parseConfig({}).audit).toBeUndefined();
});

it('names each mistake by its path', () => {
  expect(() => parseConfig({ audit: { path: '', code: 'some', maxBytes: -1, extra: 1 } })).toThrow(/audit\.path[\s\S]*audit\.code|audit\.code[\s\S]*audit\.path/);
  expect(() => parseConfig({ audit: { path: 'a', maxBytes: 0 } })).toThrow(/audit\.maxBytes/);
  expect(() => parseConfig({ audti: { path: 'a' } })).toThrow(/audit/);
});
