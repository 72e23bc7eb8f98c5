/**
 * Pull the rows matching a condition out of a 10,000-line CSV: EMEA sales of "Widget Pro" with a
 * quantity of at least 45, with their IDs and total revenue. The direct agent reads the whole file;
 * the program filters it in the sandbox.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './random.mjs';

const regions = ['EMEA', 'AMER', 'APAC', 'LATAM'];
const products = ['Widget', 'Widget Pro', 'Gadget', 'Gadget Mini', 'Sprocket', 'Gizmo', 'Doohickey', 'Thingamajig'];
const rows = 10_000;
const csvFile = (workspace) => path.join(workspace.root, 'sales.csv');

/** The condition and answer shape, written once for the direct agent and the expected answer. */
function answerFrom(text) {
  const [header, ...lines] = text.trim().split('\n');
  const columns = header.split(',');
  const at = (name) => columns.indexOf(name);
  const ids = [];
  let revenueCents = 0;
  for (const line of lines) {
    const cells = line.split(',');
    if (cells[at('region')] === 'EMEA' && cells[at('product')] === 'Widget Pro' && Number(cells[at('quantity')]) >= 45) {
      ids.push(cells[at('id')]);
      revenueCents += Number(cells[at('quantity')]) * Number(cells[at('unit_price_cents')]);
    }
  }
  return { matches: ids.length, ids, revenueCents };
}

export default {
  name: 'csv-filter',
  description: 'Pull the rows matching a condition (region, product, quantity) out of a 10,000-line CSV',
  servers: ['filesystem'],

  setup(workspace) {
    const random = seededRandom(2);
    const lines = ['id,date,region,product,quantity,unit_price_cents'];
    for (let i = 1; i <= rows; i++) {
      const date = new Date(Date.UTC(2025, 0, 1 + random.int(0, 364))).toISOString().slice(0, 10);
      lines.push(`ORD-${String(i).padStart(5, '0')},${date},${random.pick(regions)},${random.pick(products)},${random.int(1, 50)},${random.int(500, 20_000)}`);
    }
    writeFileSync(csvFile(workspace), `${lines.join('\n')}\n`);
  },

  expected: (workspace) => answerFrom(readFileSync(csvFile(workspace), 'utf8')),

  async direct(agent, workspace) {
    return answerFrom(await agent.call('filesystem', 'read_text_file', { path: csvFile(workspace) }));
  },

  code: (workspace) => `
const { content } = await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(csvFile(workspace))} });
const [header, ...lines] = content.trim().split('\\n');
const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
const hits = lines.map((line) => line.split(',')).filter((c) => c[col.region] === 'EMEA' && c[col.product] === 'Widget Pro' && Number(c[col.quantity]) >= 45);
return {
  matches: hits.length,
  ids: hits.map((c) => c[col.id]),
  revenueCents: hits.reduce((sum, c) => sum + Number(c[col.quantity]) * Number(c[col.unit_price_cents]), 0),
};
`,
};
