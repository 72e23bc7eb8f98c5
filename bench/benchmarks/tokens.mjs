/**
 * Tokens: the `tools/list` a client receives from the gateway in passthrough mode (every tool of every
 * server) against code mode (`execute_code` + `search_tools`), in o200k tokens, two ways: what clients
 * pass to the model (each tool's name, description and inputSchema) and the JSON of the whole `tools`
 * array; for each default server, the three together, a 2-tool server and a synthetic catalog of 500 tools.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledServer, executeCodeTool, listAllTools, makeTempDir, resultText, startInProcessGateway } from '../lib/servers.mjs';
import { countTokens, jsonTokens, modelVisibleToolTokens } from '../lib/tokens.mjs';
import { reduction, ratio } from '../stats.mjs';

const syntheticServerEntry = fileURLToPath(new URL('../fixtures/synthetic-server.mjs', import.meta.url));

function catalogs() {
  const dir = makeTempDir('tokens');
  const filesystem = bundledServer('filesystem', { roots: [dir] });
  const memory = bundledServer('memory', { memoryFile: path.join(dir, 'memory.jsonl') });
  const everything = bundledServer('everything');
  return {
    filesystem: { servers: { filesystem }, query: 'write a file' },
    memory: { servers: { memory }, query: 'create entities' },
    everything: { servers: { everything }, query: 'add two numbers' },
    'default servers (filesystem, memory, everything)': { servers: { filesystem, memory, everything }, query: 'write a file' },
    '2-tool server (everything: echo, get-sum)': { servers: { everything: { ...everything, tools: { allow: ['echo', 'get-sum'] } } }, query: 'add two numbers' },
    'synthetic catalog (500 tools)': {
      servers: { saas: { command: process.execPath, args: [syntheticServerEntry] } },
      query: 'create an invoice for a customer',
    },
  };
}

async function measure(servers, codeModeEnabled, query) {
  const gateway = await startInProcessGateway({ mcpServers: servers, codeMode: { enabled: codeModeEnabled } });
  try {
    const tools = await listAllTools(gateway.client);
    // modelTokens: what clients pass to the model (name, description, inputSchema); tokens: the whole tools array.
    const figures = { tools: tools.length, modelTokens: modelVisibleToolTokens(tools), tokens: jsonTokens(tools), bytes: Buffer.byteLength(JSON.stringify(tools)) };
    if (codeModeEnabled) {
      for (const name of ['execute_code', 'search_tools']) {
        const tool = tools.find((candidate) => candidate.name === name);
        figures[`${name}Tokens`] = tool ? jsonTokens(tool) : 0;
      }
      const description = tools.find((tool) => tool.name === 'execute_code')?.description ?? '';
      figures.apiInDescription = /search_tools/.test(description) && !/function \w+\(/.test(description) ? 'index (search_tools for declarations)' : 'full declarations';
      // What finding a tool costs when the description only carries the index: one search_tools answer.
      const search = await gateway.client.callTool({ name: 'search_tools', arguments: { query, limit: 5 } });
      figures.searchQuery = query;
      figures.searchAnswerTokens = countTokens(resultText(search));
      // The gateway is usable as listed: one call through code.
      const probe = await executeCodeTool(gateway.client, 'return Object.keys(mcpTools).length;');
      if (probe.isError) throw new Error(`execute_code failed on this catalog: ${probe.text}`);
    }
    return figures;
  } finally {
    await gateway.close();
  }
}

export async function run({ log }) {
  const result = {};
  for (const [name, { servers, query }] of Object.entries(catalogs())) {
    log(name);
    const passthrough = await measure(servers, false, query);
    const codeMode = await measure(servers, true, query);
    result[name] = {
      passthrough,
      codeMode,
      modelRatio: Math.round((codeMode.modelTokens / passthrough.modelTokens) * 100) / 100,
      reductionPercent: reduction(codeMode.tokens, passthrough.tokens),
      ratio: ratio(passthrough.tokens, codeMode.tokens),
    };
  }
  return {
    compares:
      'tokens (o200k via gpt-tokenizer) of the tools/list the client receives: gateway in passthrough (codeMode.enabled: false, every tool as <server>__<tool>) vs code mode (execute_code + search_tools); "model" counts what clients pass to the model (each tool\'s name, description and inputSchema), "tools/list" the JSON of the whole tools array (outputSchema, annotations…); each default server, the three together, a 2-tool server and a synthetic 500-tool SDK server (bench/fixtures/synthetic-server.mjs). This is paid on every model turn.',
    setup: 'An in-process gateway per mode on 127.0.0.1:0, an SDK client over Streamable HTTP calling tools/list (all pages). search_tools is called once with a typical query to show what one lookup costs when execute_code only carries an index.',
    catalogs: result,
  };
}

export function table(result) {
  return [
    {
      headers: ['catalog', 'tools', 'model: passthrough', 'model: code mode', 'code / passthrough', 'tools/list: passthrough', 'tools/list: code mode', 'reduction', 'execute_code API', 'one search_tools answer'],
      rows: Object.entries(result.catalogs).map(([name, figures]) => [
        name,
        figures.passthrough.tools,
        figures.passthrough.modelTokens,
        figures.codeMode.modelTokens,
        `${Math.round(figures.modelRatio * 100)}%`,
        figures.passthrough.tokens,
        figures.codeMode.tokens,
        `${figures.reductionPercent}% (÷${figures.ratio})`,
        figures.codeMode.apiInDescription,
        figures.codeMode.searchAnswerTokens,
      ]),
    },
  ];
}
