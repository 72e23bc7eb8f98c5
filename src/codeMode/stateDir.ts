import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where code-goat keeps state across restarts (SPEC: `stateDir`): the config's, else
 * `$XDG_STATE_HOME/code-goat`, else `~/.local/state/code-goat`. A relative XDG_STATE_HOME is ignored,
 * as the XDG spec asks.
 */
export function resolveStateDir(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (configured !== undefined) return path.resolve(configured);
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'code-goat');
  return path.join(homedir(), '.local', 'state', 'code-goat');
}
