import { TraceMap, originalPositionFor, type SourceMapInput } from '@jridgewell/trace-mapping';
import { preludeFilename, userCodeDisplayName, userCodeFilename } from '../prelude/bridge.ts';
import { wrapperLineOffset } from './transpile.ts';

/** Frames kept in a result: enough to read, bounded however deep the stack (`Error.stackTraceLimit = Infinity`). */
export const maxFrames = 50;
/** Longer frame lines are cut: the stack is text the code controls (`error.stack = …`). */
const maxFrameLength = 500;

/**
 * Rewrites a V8 stack from the isolate so its frames point at lines of the code as submitted:
 * positions in the transpiled script go through the source map, frames of the prelude
 * (our own plumbing) are dropped, and so is everything past isolated-vm's boundary (the worker's
 * frames, with their paths, on an error that crossed into it); anything else is kept as is. The code can replace `error.stack`
 * with any string, so the work done here is bounded by `maxFrames` and `maxFrameLength`.
 */
export function mapStack(stack: string, sourceMap: SourceMapInput | undefined): string {
  // No map: the script kept the code's positions (types stripped to blanks), past the wrapper's line.
  const trace = sourceMap === undefined ? undefined : new TraceMap(sourceMap);
  const frames: string[] = [];
  for (const fullLine of stack.split('\n', maxFrames * 10)) {
    if (frames.length >= maxFrames) break;
    // isolated-vm marks where an error crossed into this process; what follows are the worker's own frames.
    if (fullLine.includes(isolateBoundary)) break;
    if (!/^\s+at /.test(fullLine)) continue;
    const line = fullLine.length > maxFrameLength ? `${fullLine.slice(0, maxFrameLength)}…` : fullLine;
    if (line.includes(preludeFilename)) continue;
    let inWrapper = false;
    const mapped = line.replace(frameLocation, (whole, file: string, lineText: string, columnText: string) => {
      if (file !== userCodeFilename) return whole;
      const original = trace === undefined ? { line: Number(lineText), column: Number(columnText) - 1 } : originalPositionFor(trace, { line: Number(lineText), column: Number(columnText) - 1 });
      const userLine = original.line === null ? 0 : original.line - wrapperLineOffset;
      // Positions outside the submitted lines belong to the wrapper around them: not the model's code.
      if (userLine < 1) inWrapper = true;
      return `${userCodeDisplayName}:${userLine}:${(original.column ?? 0) + 1}`;
    });
    if (!inWrapper) frames.push(mapped);
  }
  return frames.join('\n');
}

/** The line isolated-vm writes into a stack where an error crossed from an isolate into the host. */
const isolateBoundary = '<isolated-vm boundary>';

// A location starts after a space or "(" (V8 writes `at file:1:2` and `at fn (file:1:2)`): with that
// anchor a long run of other characters is scanned once, not once per starting position.
const frameLocation = /(?<=[\s(])([^\s()]+):(\d+):(\d+)/g;
