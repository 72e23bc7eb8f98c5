import { levenshtein } from './editDistance.ts';
import { cutText } from './surrogates.ts';

/**
 * The names that exist, for a message that says so when a name was not found: read by a model with
 * a context budget, so never the whole of a long list. A list that fits is given whole, in its
 * order; a longer one shows the names closest to `wanted` first, then says how many more there are:
 *
 *   slow, fail, echoJson
 *   tool_499, tool_49, tool_99, …, … and 480 more
 *
 * At most `max` names and about `maxChars` characters are shown; a very long name is cut. Ranking
 * compares only the first `rankedChars` characters of each name, so its cost stays linear in the
 * number of names.
 */
const maxNames = 20;
const maxChars = 600;
const maxNameChars = 80;
const rankedChars = 64;

export function someNames(names: readonly string[], wanted: string, max = maxNames): string {
  const shown = names.map(cut);
  if (names.length <= max && shown.join(', ').length <= maxChars) return shown.join(', ');
  const target = normalise(wanted);
  const ranked = shown
    .map((name, order) => ({ name, order, distance: levenshtein(target, normalise(name)) }))
    .sort((a, b) => a.distance - b.distance || a.order - b.order);
  const picked: string[] = [];
  let length = 0;
  for (const { name } of ranked) {
    if (picked.length === max || (picked.length > 0 && length + name.length > maxChars)) break;
    picked.push(name);
    length += name.length + 2;
  }
  return `${picked.join(', ')}, … and ${names.length - picked.length} more`;
}

function cut(name: string): string {
  return cutText(name, maxNameChars);
}

function normalise(name: string): string {
  return name.slice(0, rankedChars).toLowerCase().replace(/[-_\s.]+/g, '');
}
