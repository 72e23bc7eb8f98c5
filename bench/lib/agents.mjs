/**
 * The two agents of the workflows benchmark and their token bills (method: bench/README.md).
 *
 * A model turn is one request to the model. Each turn re-sends the tool definitions, so they are
 * paid once per turn. Every tool call's arguments (JSON) are written by the model and every result
 * (its text content) is read by it. `tokens` is that sum; `tokensWithHistory` also re-reads the whole
 * conversation so far on each turn, as an agent without prompt caching pays.
 */
import { countTokens, jsonTokens } from './tokens.mjs';
import { resultText } from './servers.mjs';

class Ledger {
  constructor(definitionTokens) {
    this.definitionTokens = definitionTokens;
    this.steps = []; // { argumentTokens, resultTokens }
  }

  record(argumentTokens, resultTokens) {
    this.steps.push({ argumentTokens, resultTokens });
  }

  /** Tool-call turns plus the final answer turn. */
  bill() {
    const turns = this.steps.length + 1;
    const argumentTokens = this.steps.reduce((sum, step) => sum + step.argumentTokens, 0);
    const resultTokens = this.steps.reduce((sum, step) => sum + step.resultTokens, 0);
    let history = 0;
    let withHistory = 0;
    for (const step of this.steps) {
      withHistory += this.definitionTokens + history + step.argumentTokens;
      history += step.argumentTokens + step.resultTokens;
    }
    withHistory += this.definitionTokens + history; // the final answer turn reads everything
    const definitionTokens = this.definitionTokens * turns;
    return {
      turns,
      toolCalls: this.steps.length,
      definitionTokensPerTurn: this.definitionTokens,
      definitionTokens,
      argumentTokens,
      resultTokens,
      tokens: definitionTokens + argumentTokens + resultTokens,
      tokensWithHistory: withHistory,
    };
  }
}

/**
 * The direct agent: calls the gateway's passthrough tools (`<server>__<tool>`) one per turn and hands
 * the workflow the text it reads back.
 */
export class DirectAgent {
  #client;
  #names;
  #ledger;

  constructor(client, tools) {
    this.#client = client;
    this.#names = new Set(tools.map((tool) => tool.name));
    this.#ledger = new Ledger(jsonTokens(tools));
  }

  async call(server, tool, args) {
    const name = `${server}__${tool}`;
    if (!this.#names.has(name)) throw new Error(`the passthrough gateway lists no tool ${name}; it has ${[...this.#names].join(', ')}`);
    const result = await this.#client.callTool({ name, arguments: args });
    const text = resultText(result);
    this.#ledger.record(jsonTokens(args), countTokens(text));
    if (result.isError) throw new Error(`${name} failed: ${text}`);
    return text;
  }

  bill() {
    return this.#ledger.bill();
  }
}

/** The code-mode agent: one execute_code turn (its `{ code }` argument and the result text), one answer turn. */
export async function runCodeAgent(client, tools, code) {
  const ledger = new Ledger(jsonTokens(tools));
  const args = { code };
  const result = await client.callTool({ name: 'execute_code', arguments: args });
  const text = resultText(result);
  ledger.record(jsonTokens(args), countTokens(text));
  const execution = result.structuredContent;
  if (result.isError || !execution?.success) throw new Error(`execute_code failed: ${text}`);
  return { answer: execution.returnValue, execution, bill: ledger.bill() };
}
