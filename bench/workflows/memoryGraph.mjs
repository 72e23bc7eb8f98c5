/**
 * Load 50 people and their relations from `people.json` into the Memory knowledge graph, then query
 * it: who lives in Lisbon and knows someone who works at Initech? The direct agent reads the file,
 * writes every entity and relation back out as arguments, and reads the query results; the program
 * does the same calls without the data passing through the model.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './random.mjs';

const firstNames = ['Ana', 'Bruno', 'Carla', 'David', 'Eva', 'Filipe', 'Greta', 'Hugo', 'Ines', 'Jonas'];
const lastNames = ['Silva', 'Weber', 'Haugen', 'Moreau', 'Costa'];
const cities = ['Lisbon', 'Berlin', 'Oslo', 'Lyon', 'Porto'];
const employers = ['Initech', 'Globex', 'Umbrella', 'Hooli', 'Acme'];
const peopleFile = (workspace) => path.join(workspace.root, 'people.json');

/** The 50 people: unique names, a city, an employer, and 2–3 acquaintances. */
function people() {
  const random = seededRandom(3);
  const names = firstNames.flatMap((first) => lastNames.map((last) => `${first} ${last}`));
  return names.map((name) => {
    const knows = new Set();
    const count = random.int(2, 3);
    while (knows.size < count) {
      const other = random.pick(names);
      if (other !== name) knows.add(other);
    }
    return { name, city: random.pick(cities), employer: random.pick(employers), knows: [...knows] };
  });
}

export default {
  name: 'memory-graph',
  description: 'Load 50 people and their relations into Memory, then query it (Lisbon residents who know someone at Initech)',
  servers: ['filesystem', 'memory'],

  setup(workspace) {
    writeFileSync(peopleFile(workspace), JSON.stringify(people(), null, 2));
  },

  expected() {
    const everyone = people();
    const byName = new Map(everyone.map((person) => [person.name, person]));
    return everyone
      .filter((person) => person.city === 'Lisbon' && person.knows.some((other) => byName.get(other)?.employer === 'Initech'))
      .map((person) => person.name)
      .sort();
  },

  async direct(agent, workspace) {
    const list = JSON.parse(await agent.call('filesystem', 'read_text_file', { path: peopleFile(workspace) }));
    await agent.call('memory', 'create_entities', {
      entities: list.map((p) => ({ name: p.name, entityType: 'person', observations: [`lives in ${p.city}`, `works at ${p.employer}`] })),
    });
    await agent.call('memory', 'create_relations', { relations: list.flatMap((p) => p.knows.map((other) => ({ from: p.name, to: other, relationType: 'knows' }))) });
    const lisbon = JSON.parse(await agent.call('memory', 'search_nodes', { query: 'lives in Lisbon' }));
    const residents = new Set(lisbon.entities.map((entity) => entity.name));
    const knows = lisbon.relations.filter((r) => residents.has(r.from) && r.relationType === 'knows');
    const acquaintances = JSON.parse(await agent.call('memory', 'open_nodes', { names: [...new Set(knows.map((r) => r.to))] }));
    const atInitech = new Set(acquaintances.entities.filter((e) => e.observations.includes('works at Initech')).map((e) => e.name));
    return [...new Set(knows.filter((r) => atInitech.has(r.to)).map((r) => r.from))].sort();
  },

  code: (workspace) => `
const people = JSON.parse((await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(peopleFile(workspace))} })).content);
await mcpTools.Memory.createEntities({
  entities: people.map((p) => ({ name: p.name, entityType: 'person', observations: ['lives in ' + p.city, 'works at ' + p.employer] })),
});
await mcpTools.Memory.createRelations({ relations: people.flatMap((p) => p.knows.map((to) => ({ from: p.name, to, relationType: 'knows' }))) });
const lisbon = await mcpTools.Memory.searchNodes({ query: 'lives in Lisbon' });
const residents = new Set(lisbon.entities.map((e) => e.name));
const knows = lisbon.relations.filter((r) => residents.has(r.from) && r.relationType === 'knows');
const acquaintances = await mcpTools.Memory.openNodes({ names: [...new Set(knows.map((r) => r.to))] });
const atInitech = new Set(acquaintances.entities.filter((e) => e.observations.includes('works at Initech')).map((e) => e.name));
return [...new Set(knows.filter((r) => atInitech.has(r.to)).map((r) => r.from))].sort();
`,
};
