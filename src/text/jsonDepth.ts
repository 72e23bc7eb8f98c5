/**
 * How deeply JSON nests, measured without recursion: a value a few thousand levels deep overflows
 * the stack of every recursive reader it meets (`JSON.stringify`, IPC serialisation, a renderer),
 * so it is measured, and refused, before any of them sees it. Both functions stop as soon as the
 * limit is passed, so a hostile value costs no more than the part of it they read.
 */

/** True when the JSON text `text` nests arrays and objects more than `maxDepth` levels deep. */
export function jsonTextDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // a backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep, as its JSON would.
 * Walks with an explicit stack; a cycle counts as infinitely deep.
 */
export function valueDeeperThan(value: unknown, maxDepth: number): boolean {
  // Two parallel stacks (values and their depths), and children read by index: no array is made
  // per value visited (Object.values of an object of 200,000 keys cost three times its keys' listing).
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const next = values.pop();
    const depth = (depths.pop() ?? 0) + 1;
    if (typeof next !== 'object' || next === null) continue;
    if (depth > maxDepth) return true;
    if (Array.isArray(next)) {
      for (let i = 0; i < next.length; i++) pushObject(values, depths, next[i], depth);
    } else {
      const keys = Object.keys(next);
      for (let i = 0; i < keys.length; i++) pushObject(values, depths, (next as Record<string, unknown>)[keys[i] as string], depth);
    }
  }
  return false;
}

function pushObject(values: unknown[], depths: number[], child: unknown, depth: number): void {
  if (typeof child !== 'object' || child === null) return;
  values.push(child);
  depths.push(depth);
}
