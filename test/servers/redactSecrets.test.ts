import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/servers/outcomes/redactSecrets.ts';

describe('createRedactor', () => {
  it('replaces env and header values wherever they appear', () => {
    const redact = createRedactor([{ TOKEN: 'canary-env-1234' }, { Authorization: 'Bearer canary-header-5678' }]);
    expect(redact('token=canary-env-1234, header "Bearer canary-header-5678"')).toBe('token=[redacted], header "[redacted]"');
  });

  it('also hides the credential of a header without its scheme', () => {
    const redact = createRedactor([{ Authorization: 'Bearer canary-header-5678' }]);
    expect(redact('401 for token canary-header-5678')).toBe('401 for token [redacted]');
  });

  it('leaves very short values alone, they would garble every message', () => {
    const redact = createRedactor([{ DEBUG: '1' }]);
    expect(redact('exit code 1')).toBe('exit code 1');
  });
});
