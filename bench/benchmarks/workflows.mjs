/**
 * Workflows: scripted tasks on the default servers, each run for real twice — as direct tool calls
 * one per model turn (through a passthrough gateway), and as one execute_code program (through a
 * code-mode gateway) — on two identical fresh workspaces. Both answers must equal the expected one
 * (computed without MCP); any difference fails the benchmark. Reports model turns and tokens.
 */
import { isDeepStrictEqual } from 'node:util';
import { DirectAgent, runCodeAgent } from '../lib/agents.mjs';
import { benchCodeModeLimits, bundledServer, listAllTools, startInProcessGateway } from '../lib/servers.mjs';
import { reduction, ratio, round, timeIt } from '../stats.mjs';
import { createWorkspace, workflows, workflowServers } from '../workflows/index.mjs';

const makeServer = (name, { root, memoryFile }) =>
  name === 'filesystem' ? bundledServer('filesystem', { roots: [root] }) : name === 'memory' ? bundledServer('memory', { memoryFile }) : bundledServer(name);

/** Starts a gateway over the workflow's servers in a fresh workspace, runs `work`, checks the answer. */
async function inFreshWorkspace(workflow, codeModeEnabled, work) {
  const workspace = createWorkspace(workflow.name);
  try {
    workflow.setup(workspace);
    const gateway = await startInProcessGateway({
      mcpServers: workflowServers(workflow, workspace, makeServer),
      codeMode: { ...benchCodeModeLimits, enabled: codeModeEnabled },
      // The workflows write and delete through the official servers; the bench client cannot be asked.
      policy: { destructive: 'allow' },
    });
    try {
      const tools = await listAllTools(gateway.client);
      const { ms, value } = await timeIt(() => work(gateway.client, tools, workspace));
      const expected = workflow.expected(workspace);
      const variant = codeModeEnabled ? 'code mode' : 'direct';
      if (!isDeepStrictEqual(value.answer, expected)) {
        throw new Error(`${workflow.name} (${variant}): wrong answer\n  got:      ${JSON.stringify(value.answer)}\n  expected: ${JSON.stringify(expected)}`);
      }
      try {
        workflow.verify?.(workspace);
      } catch (error) {
        throw new Error(`${workflow.name} (${variant}): ${error.message}`);
      }
      return { ...value, ms: round(ms, 1) };
    } finally {
      await gateway.close();
    }
  } finally {
    workspace.remove();
  }
}

async function runWorkflow(workflow) {
  const direct = await inFreshWorkspace(workflow, false, async (client, tools, workspace) => {
    const agent = new DirectAgent(client, tools);
    const answer = await workflow.direct(agent, workspace);
    return { answer, bill: agent.bill() };
  });
  const code = await inFreshWorkspace(workflow, true, (client, tools, workspace) => runCodeAgent(client, tools, workflow.code(workspace)));
  if (!isDeepStrictEqual(direct.answer, code.answer)) throw new Error(`${workflow.name}: the two variants disagree`); // implied by the checks above
  return {
    description: workflow.description,
    servers: workflow.servers,
    answersEqual: true,
    answer: JSON.stringify(code.answer).slice(0, 200),
    direct: { ...direct.bill, ms: direct.ms },
    codeMode: { ...code.bill, ms: code.ms, toolCallsInCode: code.execution.toolCalls.length },
    tokenReductionPercent: reduction(code.bill.tokens, direct.bill.tokens),
    tokenRatio: ratio(direct.bill.tokens, code.bill.tokens),
    turnReduction: `${direct.bill.turns} → ${code.bill.turns}`,
  };
}

export async function run({ log }) {
  const tasks = {};
  for (const workflow of workflows) {
    log(workflow.name);
    tasks[workflow.name] = await runWorkflow(workflow);
  }
  const sum = (variant, key) => Object.values(tasks).reduce((total, task) => total + task[variant][key], 0);
  const total = {
    direct: { turns: sum('direct', 'turns'), tokens: sum('direct', 'tokens'), tokensWithHistory: sum('direct', 'tokensWithHistory') },
    codeMode: { turns: sum('codeMode', 'turns'), tokens: sum('codeMode', 'tokens'), tokensWithHistory: sum('codeMode', 'tokensWithHistory') },
  };
  total.tokenReductionPercent = reduction(total.codeMode.tokens, total.direct.tokens);
  total.tokenRatio = ratio(total.direct.tokens, total.codeMode.tokens);
  total.withHistoryReductionPercent = reduction(total.codeMode.tokensWithHistory, total.direct.tokensWithHistory);
  return {
    compares:
      'each task done as direct tool calls (one per model turn, passthrough gateway) vs one execute_code program (code-mode gateway), both run for real on identical fresh workspaces and checked against the expected answer: model turns and tokens through the model (tool definitions × turns + arguments + results read back, o200k)',
    setup:
      'In-process gateways over only the servers each task uses (the bundled official servers, filesystem rooted in a temp workspace, memory graph in it), SDK client over Streamable HTTP. "tokens with history" re-reads the whole conversation on every turn (no prompt caching). Method: bench/README.md.',
    tasks,
    total,
  };
}

export function table(result) {
  const rows = Object.entries(result.tasks).map(([name, task]) => [
    name,
    task.direct.turns,
    task.codeMode.turns,
    task.direct.tokens,
    task.codeMode.tokens,
    `${task.tokenReductionPercent}%`,
    task.direct.tokensWithHistory,
    task.codeMode.tokensWithHistory,
    task.answersEqual ? 'yes' : 'NO',
  ]);
  const { total } = result;
  rows.push(['total', total.direct.turns, total.codeMode.turns, total.direct.tokens, total.codeMode.tokens, `${total.tokenReductionPercent}%`, total.direct.tokensWithHistory, total.codeMode.tokensWithHistory, '']);
  const detail = Object.entries(result.tasks).flatMap(([name, task]) =>
    ['direct', 'codeMode'].map((variant) => [
      `${name} ${variant === 'direct' ? 'direct' : 'code mode'}`,
      variant === 'codeMode' ? `1 (${task.codeMode.toolCallsInCode} inside)` : task.direct.toolCalls,
      task[variant].definitionTokensPerTurn,
      task[variant].definitionTokens,
      task[variant].argumentTokens,
      task[variant].resultTokens,
      task[variant].ms,
    ]),
  );
  return [
    {
      headers: ['task', 'turns direct', 'turns code', 'tokens direct', 'tokens code', 'reduction', 'w/ history direct', 'w/ history code', 'answers equal'],
      rows,
    },
    {
      title: 'Where the tokens go (per task and variant; wall time of the tool work alone, no model latency)',
      headers: ['task / variant', 'tool calls', 'definitions per turn', 'definitions × turns', 'arguments', 'results read', 'ms'],
      rows: detail,
    },
  ];
}
