/**
 * Names shared by the worker (which installs them on an isolate's global) and the prelude (which
 * takes them and removes them before user code runs). One file so the two sides cannot drift.
 */
export const bridgeGlobals = {
  /** (callId, server, tool, argsJson) => void, the host answers through `resolveCall` */
  callTool: '__codeGoatCallTool',
  /** (callId, outcomeJson) => void: set by the prelude, taken by the worker */
  resolveCall: '__codeGoatResolveCall',
  /** sync (level, message) => void */
  log: '__codeGoatLog',
  /** JSON of the ToolBindings */
  bindings: '__codeGoatBindings',
  /** (main) => Promise<settlementJson>: set by the prelude, taken by the user script's wrapper. */
  run: '__codeGoatRun',
} as const;

/** The file name stack frames of the submitted code carry inside the isolate. */
export const userCodeFilename = 'file:///code.ts';
/** The name frames of the submitted code get in the result. */
export const userCodeDisplayName = 'code.ts';
export const preludeFilename = 'code-goat:prelude';

/** What `__codeGoatRun` settles with, as JSON. */
export type Settlement =
  | { ok: true; value?: unknown }
  | { ok: false; name: string; message: string; stack?: string; code?: string };
