import { describe, expect, it } from 'vitest';
import { useSecuritySandbox } from './helpers.ts';

// Memory, CPU and blocking: each attempt ends with the limit that applies (or is refused outright), the
// worker process answers, and the next execution runs normally. The heap cap is 32 MB.
const box = useSecuritySandbox();

const megabytes256 = 256 * 1024 * 1024;

/** Runs `attempt` inside a try; the value says whether 256 MB were really allocated and written. */
const allocation = (attempt: string) => `
  try {
    const bytes = (() => { ${attempt} })();
    new Uint8Array(bytes).fill(1);
    return 'allocated ' + bytes.byteLength;
  } catch (error) { return 'refused: ' + error.name; }`;

describe('SharedArrayBuffer, Atomics and WebAssembly', () => {
  it('atomics-wait-on-a-shared-buffer', async () => {
    const result = await box.runAgainstDeadline('const cell = new Int32Array(new SharedArrayBuffer(4));\nAtomics.wait(cell, 0, 0);');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('atomics-wait-async-never-notified', async () => {
    // waitAsync would resolve on V8's own timer, after the execution ended: it is not offered.
    expect(await box.value("return [typeof Atomics.waitAsync, typeof Atomics.wait];")).toEqual(['undefined', 'function']);
    const result = await box.run('const cell = new Int32Array(new SharedArrayBuffer(4));\nawait Atomics.waitAsync(cell, 0, 0).value;');
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
    expect(result.error).toMatch(/^TypeError: Atomics\.waitAsync is not a function/);
    await box.expectHealthy();
  });

  it('webassembly-memory-outside-the-heap-cap', async () => {
    // Wasm memories (declared by a module or made with WebAssembly.Memory) live outside the V8 heap, where
    // the heap cap does not count: WebAssembly is not offered at all.
    expect(await box.value(allocation(`return new WebAssembly.Memory({ initial: ${megabytes256 / 65536} }).buffer;`))).toBe('refused: ReferenceError');
    expect(await box.value("return [typeof WebAssembly, 'WebAssembly' in globalThis];")).toEqual(['undefined', false]);
  });

  it('webassembly-module-with-an-infinite-loop', async () => {
    // (module (func (export "f") (loop (br 0)))), compiled off the thread and resolved later.
    const result = await box.run(`
      const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,5,1,1,102,0,0,10,9,1,7,0,3,64,12,0,11,11]);
      const { instance } = await WebAssembly.instantiate(bytes);
      instance.exports.f();`);
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'ReferenceError: WebAssembly is not defined' });
    await box.expectHealthy();
  });
});

/**
 * For the tests whose subject is the heap cap: a CPU budget and a deadline that cannot end them first.
 * Near the cap V8 collects garbage again and again before it gives up; with both cores busy, filling
 * an array of a hundred million elements took past the default 10 s of the isolate's CPU (about 2 s idle).
 */
const heapCapOnly = { cpuTimeMs: 120_000, timeoutMs: 120_000 } as const;
const heapCapTestMs = 180_000;

describe('memory outside and inside the heap', () => {
  it('resizable-array-buffer-outside-the-heap-cap', async () => {
    const attempts = [
      `const b = new ArrayBuffer(0, { maxByteLength: ${2 * megabytes256} }); b.resize(${megabytes256}); return b;`,
      `return new ArrayBuffer(${megabytes256}, { maxByteLength: ${megabytes256} });`,
      `return new ArrayBuffer(0, { maxByteLength: ${2 * megabytes256} }).transfer(${megabytes256});`,
    ];
    for (const attempt of attempts) expect(await box.value(allocation(attempt)), attempt).toMatch(/^refused: /);
  });

  it('growable-shared-array-buffer-outside-the-heap-cap', async () => {
    const attempt = `const b = new SharedArrayBuffer(0, { maxByteLength: ${2 * megabytes256} }); b.grow(${megabytes256}); return b;`;
    expect(await box.value(allocation(attempt))).toMatch(/^refused: /);
  });

  it('resizable-buffer-through-the-intrinsic-constructor', async () => {
    const attempts = [
      `const AB = new Uint8Array(1).buffer.constructor; return new AB(${megabytes256}, { maxByteLength: ${megabytes256} });`,
      `const AB = Object.getPrototypeOf(new Uint8Array(1).buffer).constructor; return Reflect.construct(AB, [${megabytes256}, { maxByteLength: ${megabytes256} }]);`,
      `class Big extends ArrayBuffer {} return new Big(${megabytes256}, { maxByteLength: ${megabytes256} });`,
      `const SAB = new Int32Array(new SharedArrayBuffer(4)).buffer.constructor; return new SAB(${megabytes256}, { maxByteLength: ${megabytes256} });`,
      // A getter that says "no" when checked and "yes" when used.
      `let reads = 0; return new ArrayBuffer(${megabytes256}, { get maxByteLength() { reads += 1; return reads === 1 ? undefined : ${megabytes256}; } });`,
      `Object.prototype.maxByteLength = ${megabytes256}; return new ArrayBuffer(${megabytes256}, {});`,
    ];
    for (const attempt of attempts) expect(await box.value(allocation(attempt)), attempt).toMatch(/^refused: /);
  });

  it('fixed-length-buffers-still-work-under-the-cap', async () => {
    const value = await box.value(`
      const buffer = new ArrayBuffer(1024);
      const shared = new SharedArrayBuffer(16);
      return [buffer.byteLength, buffer.resizable, shared.growable, buffer instanceof ArrayBuffer, new Uint8Array(8).buffer instanceof ArrayBuffer, buffer.slice(0, 10).byteLength, ArrayBuffer.isView(new DataView(buffer))];`);
    expect(value).toEqual([1024, false, false, true, true, 10, true]);
  });

  it('array-buffer-larger-than-the-heap-cap', async () => {
    expect(await box.value(allocation(`return new ArrayBuffer(${megabytes256});`))).toBe('refused: RangeError');
  });

  it('giant-string-by-doubling', async () => {
    const result = await box.run("let s = 'ab';\nfor (;;) s = s + s;");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'RangeError: Invalid string length' });
    await box.expectHealthy();
  });

  it('giant-flat-string-over-the-heap-cap', async () => {
    const result = await box.run("return 'x'.repeat(100_000_000).toUpperCase().length;", heapCapOnly);
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    await box.expectHealthy();
  }, heapCapTestMs);

  it('array-of-a-hundred-million-elements', async () => {
    const result = await box.run('const a = [];\nfor (let i = 0; i < 100_000_000; i++) a.push(i);\nreturn a.length;', heapCapOnly);
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    await box.expectHealthy();
  }, heapCapTestMs);

  it('single-allocation-far-beyond-the-heap-cap', async () => {
    // One 800 MB backing store: V8 gives up on the isolate as a whole (a "catastrophic" out-of-memory),
    // which takes its worker process down. The host sees a failed execution and the next one gets a new worker.
    const result = await box.run('return Array.from({ length: 100_000_000 }, () => 0).length;', heapCapOnly);
    expect(result.success).toBe(false);
    expect(['MEMORY_LIMIT', 'SANDBOX_FAILED']).toContain(result.errorCode);
    await box.expectHealthy();
  }, heapCapTestMs);

  it('non-interruptible-builtin-past-the-heap-cap', async () => {
    // fill() on a dictionary-mode array does not stop when V8 is told to: the worker holding it is
    // replaced at the deadline's backstop. The host and the next execution are unaffected.
    const result = await box.runAgainstDeadline('new Array(2 ** 30).fill(0);', { timeoutMs: 500 });
    expect(result.success).toBe(false);
    expect(['TIMEOUT', 'MEMORY_LIMIT']).toContain(result.errorCode);
    await box.expectHealthy();
  });

  it('sparse-array-of-a-hundred-million-elements', async () => {
    // A length is not an allocation: this one is cheap and allowed.
    expect(await box.value('const a = []; a.length = 100_000_000; a[99_999_999] = 1; return [a.length, Object.keys(a).length];')).toEqual([100_000_000, 1]);
  });

  it('tool-arguments-amplification', async () => {
    // 100 calls each carrying 4 MB: every call's JSON is built inside the isolate, so the heap cap stops it.
    const result = await box.run("const s = 'x'.repeat(4_000_000);\nawait Promise.all(Array.from({ length: 100 }, () => mcpTools.Echo.echo({ s })));", heapCapOnly);
    expect(result).toMatchObject({ success: false, errorCode: 'MEMORY_LIMIT' });
    expect(box.calls.length).toBeLessThan(100);
    await box.expectHealthy();
  }, heapCapTestMs);
});

describe('CPU and timing', () => {
  it('catastrophic-regex-backtracking', async () => {
    const result = await box.runAgainstDeadline("return /^(a+)+$/.test('a'.repeat(40) + 'b');");
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('catastrophic-regex-in-String-replace', async () => {
    const result = await box.runAgainstDeadline("return ('a'.repeat(5_000) + '!').replace(/(a|a)*b/g, 'x').length;");
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('busy-wait-on-the-clock', async () => {
    const result = await box.runAgainstDeadline('const end = Date.now() + 60_000;\nwhile (Date.now() < end) {}');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('busy-loop-past-the-cpu-budget', async () => {
    const result = await box.run('let n = 0;\nfor (;;) n++;', { cpuTimeMs: 300, timeoutMs: 10_000 });
    expect(result).toMatchObject({ success: false, errorCode: 'CPU_TIME_LIMIT' });
  });

  it('microtask-flood', async () => {
    const result = await box.runAgainstDeadline('for (;;) await null;');
    expect(result).toMatchObject({ success: false, errorCode: 'TIMEOUT' });
    await box.expectHealthy();
  });

  it('timing-sources-available', async () => {
    // No high-resolution clock and no second thread to build one from a SharedArrayBuffer counter.
    const value = await box.value(`
      const t = Date.now();
      return [typeof performance, typeof setTimeout, typeof setInterval, typeof queueMicrotask, typeof Worker, typeof SharedArrayBuffer, Number.isInteger(t), Number.isInteger(new Date().getTime())];`);
    expect(value).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'function', true, true]);
  });
});
