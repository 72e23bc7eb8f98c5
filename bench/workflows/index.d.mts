/** The contract of a workflow task (see index.mjs and bench/README.md). */

export type ServerName = 'filesystem' | 'memory' | 'everything';

/** A temp directory: `root` is what the filesystem server may touch, `memoryFile` the memory server's graph. */
export interface Workspace {
  readonly dir: string;
  readonly root: string;
  readonly memoryFile: string;
  remove(): void;
}

/** The direct agent: one tool call per model turn; resolves to the text the model reads back. */
export interface DirectAgent {
  call(server: ServerName, tool: string, args: Record<string, unknown>): Promise<string>;
}

export interface Workflow<Answer = unknown> {
  readonly name: string;
  /** One line: the task, as it would be asked. */
  readonly description: string;
  /** The servers the task uses: the only ones whose tools either agent is given. */
  readonly servers: readonly ServerName[];
  /** Writes the task's input files into the workspace (deterministic). */
  setup(workspace: Workspace): void;
  /** The answer, computed without MCP (from the generator or the files on disk). */
  expected(workspace: Workspace): Answer;
  /** Extra checks of side effects on disk after a run; throws when they are wrong. */
  verify?(workspace: Workspace): void;
  /** The task as direct tool calls; the JavaScript between calls stands for the model's reasoning. */
  direct(agent: DirectAgent, workspace: Workspace): Promise<Answer>;
  /** The task as one execute_code program; its `return` is the answer. */
  code(workspace: Workspace): string;
}

export declare const workflows: readonly Workflow[];

export declare function createWorkspace(prefix: string): Workspace;

/** The server configs of `workflow`, built by `makeServer` and rooted in `workspace`. */
export declare function workflowServers<Config>(
  workflow: Workflow,
  workspace: Workspace,
  makeServer: (name: ServerName, options: { root: string; memoryFile: string }) => Config,
): Record<string, Config>;
