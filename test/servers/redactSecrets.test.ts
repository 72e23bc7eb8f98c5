import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/servers/outcomes/redactSecrets.ts';
import { createSecretRedactor } from '../../src/observability/redactSecrets.ts';

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

describe('the gateway-wide redactor (createSecretRedactor)', () => {
  const quoted = 'pa"ss w\\ord-é9';
  const redactor = createSecretRedactor([quoted, 'canary-plain-1234', 'x1', '   ']);

  it('secret-with-a-quote-escapes-redaction-once-json-escaped: every JSON form is caught', () => {
    const json = JSON.stringify({ token: quoted });
    expect(redactor.text(json)).toBe('{"token":"[redacted]"}');
    expect(redactor.text(JSON.stringify(json))).not.toContain('ss w');
    // Python's json.dumps escapes non-ASCII.
    expect(redactor.text('{"t": "pa\\"ss w\\\\ord-\\u00E99"}')).toBe('{"t": "[redacted]"}');
  });

  it('url-encoded-secrets-are-caught: encodeURIComponent, form encoding and what the URL parser writes, in any hex case', () => {
    for (const form of [
      encodeURIComponent(quoted),
      encodeURIComponent(quoted).toLowerCase().replace(/ord-/, 'ord-'),
      new URLSearchParams({ k: quoted }).toString().slice(2),
      new URL(`http://h/?k=${quoted}`).search.slice(3),
      new URL(`http://h/${quoted}`).pathname.slice(1),
    ]) {
      expect(redactor.text(`GET /mcp?k=${form}&x=1`)).toBe('GET /mcp?k=[redacted]&x=1');
    }
  });

  it('every encoder\'s escapes are caught, mixed: RFC 3986 (Python quote, Go QueryEscape), URL userinfo, PHP\'s \\/, Go\'s \\u0026', () => {
    const awsLike = 'wJalrXUtnFEMI/K7MDENG/bPxR*fiCYEx&Key<3';
    const odd = createSecretRedactor([awsLike, 'P@ssw0rd$2024:x']);
    const rfc3986 = [...awsLike].map((char) => (/[A-Za-z0-9\-._~]/.test(char) ? char : `%${char.charCodeAt(0).toString(16).toUpperCase()}`)).join('');
    const php = JSON.stringify(awsLike).slice(1, -1).replaceAll('/', '\\/');
    const go = JSON.stringify(awsLike).slice(1, -1).replaceAll('&', '\\u0026').replaceAll('<', '\\u003c');
    for (const form of [rfc3986, rfc3986.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), php, go]) {
      expect(odd.text(`error: ${form} was refused`)).toBe('error: [redacted] was refused');
    }
    // What the URL parser makes of a password in a URL's userinfo (`@` and `:` encoded, `$` not).
    const userinfo = new URL(`http://svc:${encodeURIComponent('P@ssw0rd$2024:x')}@127.0.0.1:9/mcp`).href;
    expect(userinfo).toContain('P%40ssw0rd');
    expect(odd.text(`fetch refused ${userinfo}`)).not.toMatch(/ssw0rd|2024/);
  });

  it('a secret of several lines (a PEM key) leaves none of its lines, split into lines or joined into one', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----';
    const keyed = createSecretRedactor([pem]);
    const body = /MIIEvQ|BKcwgg/;
    expect(keyed.text(`failed: ${pem.replaceAll('\n', ' ')}`)).not.toMatch(body);
    for (const line of pem.split('\n')) expect(keyed.text(`stderr: ${line}`)).toBe('stderr: [redacted]');
    expect(keyed.text(JSON.stringify({ key: pem }))).toBe('{"key":"[redacted]"}');
  });

  it('a secret with a run of backslashes is found in linear time, raw or JSON-escaped (each backslash read two ways made it 2^n)', () => {
    // Exponential, 30 backslashes would never finish: the test's own timeout is the ceiling, far past linear.
    const secret = `C:${'\\'.repeat(30)}x`;
    const backslashes = createSecretRedactor([secret]);
    const hostile = `C:${'\\'.repeat(59)}y `.repeat(2_000);
    expect(backslashes.text(hostile)).toBe(hostile);
    expect(backslashes.text(`raw ${secret} and ${JSON.stringify(secret)}`)).toBe('raw [redacted] and "[redacted]"');
  });

  it('a secret in a URL\'s host is caught lower-cased; one with a lone surrogate is caught as the child process gets it', () => {
    const host = createSecretRedactor(['AcmeTenant7Q', '\ud800surrogate-secret-42']);
    expect(host.text('getaddrinfo ENOTFOUND acmetenant7q.invalid')).toBe('getaddrinfo ENOTFOUND [redacted].invalid');
    expect(host.text('env: \ufffdsurrogate-secret-42')).toBe('env: [redacted]');
  });

  it('base64-encoded-secrets-are-caught: standard and url-safe, alone or inside a longer encoded text, at any byte offset', () => {
    const secret = 'canary-b64-Zq9>?~~é';
    const base64 = createSecretRedactor([secret]);
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    expect(base64.text(`token ${b64(secret)} end`)).toBe('token [redacted] end');
    expect(base64.text(`token ${b64url(secret)} end`)).toBe('token [redacted] end');
    // Inside a longer text (a Basic credential, a data URL): the secret's bytes start at any offset mod 3.
    for (const prefix of ['', 'a', 'ab', 'user:', 'Bearer ']) {
      for (const encode of [b64, b64url]) {
        const encoded = encode(`${prefix}${secret} and more`);
        const redacted = base64.text(`data:${encoded}`);
        expect(redacted, `prefix ${JSON.stringify(prefix)}: ${encoded}`).toMatch(/^data:[A-Za-z0-9+/_-]{0,10}\[redacted\][A-Za-z0-9+/_=-]{0,16}$/);
        // The encoded prefix (the groups made of its bytes alone) is left as it was.
        const whole = encode(prefix).slice(0, Math.floor(prefix.length / 3) * 4);
        expect(redacted.startsWith(`data:${whole}`)).toBe(true);
      }
    }
    // Short secrets get no base64 forms: four base64 characters turn up in any long encoded text.
    const short = createSecretRedactor(['abcd1']);
    expect(short.text(b64('xxabcd1xx'))).toBe(b64('xxabcd1xx'));
  });

  it('overlapping-secrets-leave-no-part-behind', () => {
    const overlapping = createSecretRedactor(['abcdef-1', 'xyzabc']);
    expect(overlapping.text('..xyzabcdef-1..')).toBe('..[redacted]..');
    expect(overlapping.text('abcdef-1xyzabc')).toBe('[redacted]');
  });

  it('short-values-are-not-secrets: fewer than 4 characters besides white space', () => {
    expect(redactor.text('x1 and    spaces')).toBe('x1 and    spaces');
    expect(createSecretRedactor(['ab', ' c ']).active).toBe(false);
  });

  it('successful-results-are-redacted-too: every string and key of a value, at any depth, the rest untouched', () => {
    const result = { content: [{ type: 'text', text: `token canary-plain-1234` }], structuredContent: { 'canary-plain-1234': [1, true, null, { deep: JSON.stringify(quoted) }] } };
    expect(redactor.value(result)).toEqual({ content: [{ type: 'text', text: 'token [redacted]' }], structuredContent: { '[redacted]': [1, true, null, { deep: '"[redacted]"' }] } });
    expect(result.content[0]?.text).toBe('token canary-plain-1234'); // a copy: the input is left as it was
    const clean = { content: [{ type: 'text', text: 'nothing to hide' }] };
    expect(redactor.value(clean)).toBe(clean);
    let deep: unknown = 'canary-plain-1234';
    for (let level = 0; level < 20_000; level++) deep = [deep];
    let unwrapped = redactor.value(deep);
    for (let level = 0; level < 20_000; level++) unwrapped = (unwrapped as unknown[])[0];
    expect(unwrapped).toBe('[redacted]');
  });
});
