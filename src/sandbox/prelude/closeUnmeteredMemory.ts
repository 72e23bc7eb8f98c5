/**
 * The heap cap (codeMode.memoryMb) counts the V8 heap and fixed-length ArrayBuffers. Two kinds of
 * memory escape it, because V8 reserves and commits them itself, outside the allocator isolated-vm
 * meters: WebAssembly memories, and resizable or growable buffers (`new ArrayBuffer(n, { maxByteLength })`,
 * `resize`, `grow`, `transfer`). Either let code under a 32 MB cap fill gigabytes of the worker.
 * Runs before the submitted code: WebAssembly is removed, and both buffer constructors (the global
 * and the `constructor` of their prototype, the only two roads to them) refuse `maxByteLength`, so
 * every buffer is fixed-length and metered.
 */
export function closeUnmeteredMemory(): void {
  const global = globalThis as unknown as Record<string, unknown>;
  delete global.WebAssembly;
  // What V8 would run later on its own, after the execution ended and its watchdog stopped.
  delete global.FinalizationRegistry;
  delete (Atomics as unknown as Record<string, unknown>)['waitAsync'];
  fixedLengthOnly(global, 'ArrayBuffer');
  fixedLengthOnly(global, 'SharedArrayBuffer');
}

type BufferConstructor = new (length: number, options?: unknown) => object;

function fixedLengthOnly(global: Record<string, unknown>, name: 'ArrayBuffer' | 'SharedArrayBuffer'): void {
  const intrinsic = global[name] as (BufferConstructor & { prototype: object }) | undefined;
  if (typeof intrinsic !== 'function') return;
  const construct = Reflect.construct;
  const refusal = `${name} with maxByteLength (a resizable buffer) is not available in the sandbox: its memory is outside the heap cap.`;
  // `function`, not `class`: it must be callable as a constructor whose new.target reaches the intrinsic.
  const FixedLength = function (this: unknown, length: number, options?: unknown): object {
    if (new.target === undefined) throw new TypeError(`Constructor ${name} requires 'new'`);
    // Read once; the options are never handed on, so a getter cannot answer differently later.
    if (typeof options === 'object' && options !== null && (options as { maxByteLength?: unknown }).maxByteLength !== undefined) {
      throw new RangeError(refusal);
    }
    return construct(intrinsic, [length], new.target === FixedLength ? intrinsic : new.target);
  };
  Object.defineProperty(FixedLength, 'name', { value: name });
  Object.defineProperty(FixedLength, 'length', { value: 1 });
  Object.defineProperty(FixedLength, 'prototype', { value: intrinsic.prototype, writable: false, enumerable: false, configurable: false });
  for (const key of Reflect.ownKeys(intrinsic)) {
    if (key === 'prototype' || key === 'name' || key === 'length') continue;
    Object.defineProperty(FixedLength, key, Reflect.getOwnPropertyDescriptor(intrinsic, key)!);
  }
  Object.defineProperty(intrinsic.prototype, 'constructor', { value: FixedLength, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(global, name, { value: FixedLength, writable: true, enumerable: false, configurable: true });
}
