/**
 * Sum 100 numbers with the everything server's `get-sum` tool (it adds two numbers and answers in
 * words, "The sum of 3 and 5 is 8."). The direct agent chains 99 calls, one per turn; the program
 * makes the same 99 calls as a pairwise reduction, each round in one Promise.all.
 */
import { seededRandom } from './random.mjs';

function numbers() {
  const random = seededRandom(4);
  return Array.from({ length: 100 }, () => random.int(1, 999));
}

/** The number out of "The sum of a and b is c." */
const sumFromText = (text) => Number(/is (-?[\d.]+)\.?$/.exec(text.trim())?.[1] ?? NaN);

export default {
  name: 'sum-numbers',
  description: 'Sum 100 numbers with the everything server (get-sum adds two at a time)',
  servers: ['everything'],

  setup() {},

  expected: () => numbers().reduce((sum, n) => sum + n, 0),

  async direct(agent) {
    const [first, ...rest] = numbers();
    let total = first;
    for (const n of rest) total = sumFromText(await agent.call('everything', 'get-sum', { a: total, b: n }));
    return total;
  },

  code: () => `
let values = ${JSON.stringify(numbers())};
const add = async (a, b) => Number(/is (-?[\\d.]+)\\.?$/.exec(String(await mcpTools.Everything.getSum({ a, b })).trim())[1]);
while (values.length > 1) {
  const pairs = [];
  for (let i = 0; i + 1 < values.length; i += 2) pairs.push(add(values[i], values[i + 1]));
  values = [...(await Promise.all(pairs)), ...(values.length % 2 ? [values[values.length - 1]] : [])];
}
return values[0];
`,
};
