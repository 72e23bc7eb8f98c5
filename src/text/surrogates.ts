/**
 * Where text may be cut: a UTF-16 index that falls between the two halves of a surrogate pair (an
 * emoji, a rare CJK character) would leave a lone half, which JSON and UTF-8 turn into U+FFFD.
 */

/** Whether `code` is the second half of a surrogate pair. */
export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Where to cut `text` to keep at most `at` UTF-16 units: `at`, or one less when that would split a surrogate pair. */
export function cutIndex(text: string, at: number): number {
  return isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

/**
 * `text`, or its first `max` UTF-16 units (one less where that would split a surrogate pair) and `…`:
 * how a name or line that came from outside is repeated at a bounded length.
 */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, cutIndex(text, max))}…`;
}
