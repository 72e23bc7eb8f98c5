/**
 * How a query and a tool's text become comparable terms for `search_tools`: words split at
 * non-alphanumerics and camelCase humps, lowercased, English stop words dropped, and lightly stemmed so
 * `write a file` meets `write_file`, `files` and `writes`, and `entities` meets `entity`.
 */

// Function words that say nothing about which tool is meant ("how do I read a file"). Kept small on
// purpose: every word dropped here is one a tool can no longer be found by; common content words such as
// `get` or `list` are left to BM25's inverse document frequency instead.
const stopWords = new Set([
  'a', 'about', 'all', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'by', 'can', 'could', 'do', 'does',
  'for', 'from', 'has', 'have', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'of', 'on',
  'or', 'our', 'please', 'should', 'so', 'some', 'than', 'that', 'the', 'their', 'them', 'then', 'there',
  'these', 'this', 'those', 'to', 'want', 'was', 'we', 'what', 'when', 'which', 'will', 'with', 'would',
  'you', 'your',
]);

/** `readTextFile`, `read_text_file`, `read-text-file` → `read text file`; `HTTPGet` → `http get`; `base64` stays. */
export function splitWords(text: string): string[] {
  return text
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2') // readText → read Text
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2') // HTTPGet → HTTP Get
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

/** The search terms of `text`, in order, repeats kept (they count as term frequency). */
export function searchTerms(text: string): string[] {
  return splitWords(text).filter((word) => !stopWords.has(word)).map(stem);
}

/**
 * A deliberately small stemmer (a few of Porter's step-1 rules, not the whole algorithm). It only needs
 * to map a word and its inflections to the same term, not to produce a real word:
 * 1. plurals: `entities` → `entity`, `files` → `file`, `classes` → `classe` (rule 3 drops the e);
 *    `status`, `analysis`, `class` keep their s;
 * 2. `-ing` / `-ed` when what is left has a vowel (`string`, `red` stay), not `-eed` (`need`), then a
 *    doubled final consonant is undoubled (`running` → `run`) unless that leaves two letters (`added` → `add`);
 *    `copied` → `copy`;
 * 3. a final e after a non-e is dropped, so `write`, `writes` and `writing` all become `writ`.
 * Words with digits (`base64`, `v2`) are left alone.
 */
export function stem(word: string): string {
  if (word.length < 3 || /\p{N}/u.test(word)) return word;
  let stemmed = word;
  if (stemmed.endsWith('ies') && stemmed.length > 4) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (/[^siu]s$/.test(stemmed)) stemmed = stemmed.slice(0, -1);

  if (stemmed.endsWith('ied') && stemmed.length > 4) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (!stemmed.endsWith('eed')) {
    const inflected = /^(.+?)(?:ing|ed)$/.exec(stemmed);
    const root = inflected?.[1];
    if (root !== undefined && root.length >= 2 && /[aeiouy]/.test(root)) stemmed = undouble(root);
  }

  return /[^e]e$/.test(stemmed) && stemmed.length >= 3 ? stemmed.slice(0, -1) : stemmed;
}

/** `runn` → `run`, `stopp` → `stop`; not `call`, `pass`, `buzz` (English doubles those) nor `add`. */
function undouble(root: string): string {
  return /([^aeiouylsz])\1$/.test(root) && root.length > 3 ? root.slice(0, -1) : root;
}
