import { TraceMap, originalPositionFor, type SourceMapInput } from '@jridgewell/trace-mapping';
import { preludeFilename, userCodeDisplayName, userCodeFilename } from '../prelude/bridgeNames.ts';
import { wrapperLineOffset } from './transpile.ts';

/**
 * Rewrites a V8 stack from the isolate so its frames point at lines of the code as submitted:
 * positions in the transpiled script go through the source map, frames of the prelude
 * (our own plumbing) are dropped, anything else is kept as is.
 */
export function mapStack(stack: string, sourceMap: SourceMapInput): string {
  const trace = new TraceMap(sourceMap);
  const lines = stack.split('\n');
  const frames: string[] = [];
  for (const line of lines) {
    if (!/^\s+at /.test(line)) continue;
    if (line.includes(preludeFilename)) continue;
    let inWrapper = false;
    const mapped = line.replace(frameLocation, (whole, file: string, lineText: string, columnText: string) => {
      if (file !== userCodeFilename) return whole;
      const original = originalPositionFor(trace, { line: Number(lineText), column: Number(columnText) - 1 });
      const userLine = original.line === null ? 0 : original.line - wrapperLineOffset;
      // Positions outside the submitted lines belong to the wrapper around them: not the model's code.
      if (userLine < 1) inWrapper = true;
      return `${userCodeDisplayName}:${userLine}:${(original.column ?? 0) + 1}`;
    });
    if (!inWrapper) frames.push(mapped);
  }
  return frames.join('\n');
}

const frameLocation = /([^\s()]+):(\d+):(\d+)/g;

/** The first line of the submitted code a stack points at, if any. */
export function firstUserLine(mappedStack: string): number | undefined {
  const match = new RegExp(`${userCodeDisplayName.replace('.', '\\.')}:(\\d+):`).exec(mappedStack);
  return match ? Number(match[1]) : undefined;
}
