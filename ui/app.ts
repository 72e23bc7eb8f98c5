/**
 * The operator console's page script (bundled by scripts/bundleConsole.ts; served as
 * /ui/assets/console.js). It polls the gateway's /ui/api endpoints with the session cookie and
 * draws what they say. Every string from the gateway is set with `textContent` (see dom.ts).
 */
import { drawLines } from './charts.ts';
import { byId, el } from './dom.ts';
import { codeBlock } from './highlight.ts';

interface Server { name: string; state: string; transport: string | null; toolCount: number; reason: string | null; restarts: number }
interface ToolCall { server: string; tool: string; ok: boolean; durationMs: number; decision: string; errorCode?: string }
interface Execution {
  time: string; executionId: string; client: string | null; code: string; outcome: 'success' | 'failure'; errorCode: string | null;
  durationMs: number; toolCalls: ToolCall[]; error?: string; stack?: string; errorLine?: number;
}
interface Series { start: number; executions: number[]; p50Ms: (number | null)[]; p99Ms: (number | null)[]; errors: Record<string, number[]> }
interface State { servers: Server[]; executions: Execution[]; executionIds: string[]; series: Series | null }
interface Tool { call: string; server: string; tool: string; description: string; declaration: string; returnType: string }

const pollMs = 500;
const shownExecutions = new Map<string, HTMLElement>();
/** The newest execution on the page: the gateway sends only newer ones. */
let newestExecution: string | undefined;
/**
 * Set once the page navigates away (the sign-out form was sent): a poll answered 401 after that (the
 * session just ended) must not start a second navigation, which would abort the form's own.
 */
let leaving = false;

async function getJson<T>(url: string): Promise<T | undefined> {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) {
    if (!leaving) window.location.assign('/ui/signin');
    leaving = true;
    return undefined;
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

function renderServers(servers: Server[]): void {
  const body = byId<HTMLTableSectionElement>('servers-body');
  body.replaceChildren(
    ...servers.map((server) => {
      const row = el('tr', `server state-${server.state}`);
      row.dataset['server'] = server.name;
      row.dataset['state'] = server.state;
      row.append(
        el('td', 'server-name', server.name),
        el('td', 'server-state', server.state),
        el('td', 'server-transport', server.transport ?? ''),
        el('td', 'server-tools', String(server.toolCount)),
        el('td', 'server-restarts', String(server.restarts)),
        el('td', 'server-reason', server.reason ?? ''),
      );
      return row;
    }),
  );
}

function executionItem(execution: Execution): HTMLElement {
  const item = el('li', `execution outcome-${execution.outcome}`);
  item.dataset['executionId'] = execution.executionId;
  item.dataset['outcome'] = execution.outcome;
  const details = el('details');
  const summary = el('summary');
  summary.append(
    el('span', 'execution-time', new Date(execution.time).toLocaleTimeString()),
    el('span', 'execution-client', execution.client ?? '(no client)'),
    el('span', 'execution-outcome', execution.errorCode ?? execution.outcome),
    el('span', 'execution-duration', `${execution.durationMs} ms`),
    el('span', 'execution-calls-count', `${execution.toolCalls.length} call${execution.toolCalls.length === 1 ? '' : 's'}`),
  );
  details.append(summary, codeBlock(execution.code, execution.errorLine));
  const calls = el('ul', 'execution-calls');
  for (const call of execution.toolCalls) {
    const entry = el('li', call.ok ? 'call call-ok' : 'call call-failed', `${call.server}.${call.tool} · ${call.durationMs} ms · ${call.ok ? 'ok' : (call.errorCode ?? 'failed')}`);
    entry.dataset['server'] = call.server;
    entry.dataset['tool'] = call.tool;
    calls.append(entry);
  }
  details.append(calls);
  if (execution.error !== undefined) {
    const error = el('p', 'execution-error');
    error.append(el('strong', undefined, execution.errorCode ?? 'error'), document.createTextNode(' '), el('span', 'execution-error-text', execution.error));
    if (execution.errorLine !== undefined) error.append(el('span', 'execution-error-line', ` (line ${execution.errorLine})`));
    details.append(error);
  }
  if (execution.stack !== undefined) details.append(el('pre', 'execution-stack', execution.stack));
  // A failing one is open at once: it is what an operator comes to read.
  if (execution.outcome === 'failure') details.open = true;
  item.append(details);
  return item;
}

function renderExecutions(executions: Execution[], ids: string[]): void {
  const list = byId<HTMLUListElement>('executions');
  const keep = new Set(ids);
  for (const [id, item] of shownExecutions) {
    if (!keep.has(id)) {
      item.remove();
      shownExecutions.delete(id);
    }
  }
  // Newest first; records never change, so only new ones are made (an opened one stays open).
  for (const execution of [...executions].reverse()) {
    if (shownExecutions.has(execution.executionId)) continue;
    const item = executionItem(execution);
    shownExecutions.set(execution.executionId, item);
    list.prepend(item);
  }
  newestExecution = ids[0];
  byId('executions-empty').hidden = ids.length > 0;
}

function renderCharts(series: Series | null): void {
  byId('charts').hidden = series === null;
  if (series === null) return;
  drawLines(byId<SVGSVGElement>('chart-executions'), [{ name: 'executions/s', values: series.executions }]);
  drawLines(byId<SVGSVGElement>('chart-latency'), [
    { name: 'p50 ms', values: series.p50Ms },
    { name: 'p99 ms', values: series.p99Ms },
  ]);
  drawLines(byId<SVGSVGElement>('chart-errors'), Object.entries(series.errors).map(([code, values]) => ({ name: code, values })));
}

async function poll(): Promise<void> {
  try {
    const state = await getJson<State>(newestExecution === undefined ? '/ui/api/state' : `/ui/api/state?since=${encodeURIComponent(newestExecution)}`);
    if (state === undefined) return;
    renderServers(state.servers);
    renderExecutions(state.executions, state.executionIds);
    renderCharts(state.series);
    byId('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    byId('status').textContent = `gateway unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!leaving) setTimeout(() => void poll(), pollMs);
}

let toolQuery = 0;
async function loadTools(query: string): Promise<void> {
  const asked = ++toolQuery;
  const answer = await getJson<{ tools: Tool[] }>(`/ui/api/tools?q=${encodeURIComponent(query)}`);
  if (answer === undefined || asked !== toolQuery) return;
  byId('tools').replaceChildren(
    ...answer.tools.map((tool) => {
      const item = el('li', 'tool');
      item.dataset['server'] = tool.server;
      item.dataset['tool'] = tool.tool;
      const heading = el('h3', 'tool-call', tool.call);
      heading.append(el('span', `tool-return return-${tool.returnType}`, ` return type: ${tool.returnType}`));
      item.append(heading, el('p', 'tool-description', tool.description), codeBlock(tool.declaration));
      return item;
    }),
  );
}

function start(): void {
  // Fires as a navigation starts (the form's submit included), before its request is sent.
  window.addEventListener('beforeunload', () => {
    leaving = true;
  });
  const search = byId<HTMLInputElement>('tool-search');
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void loadTools(search.value), 150);
  });
  void loadTools('');
  void poll();
}

start();
