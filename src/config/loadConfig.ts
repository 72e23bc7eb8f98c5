import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CodeGoatError } from '../errors.ts';
import { builtInDefaultSource, defaultConfig } from './defaultConfig.ts';
import { parseConfigText } from './parseConfigText.ts';
import type { Config } from './schema.ts';

export interface LoadConfigOptions {
  /** An explicit config file (`--config FILE`), relative to `cwd`; it must exist. */
  path?: string;
  /** Where `./code-goat.json` is looked for, and the filesystem root of the default config. */
  cwd?: string;
  /** Variables for `${VAR}`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: Config;
  /** The absolute path of the file read, or `builtInDefaultSource`. */
  source: string;
}

export const configFileName = 'code-goat.json';

/** The config SPEC describes: `--config FILE`, else `./code-goat.json`, else the built-in default. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.path !== undefined;
  const file = resolve(cwd, options.path ?? configFileName);
  const text = await readConfigFile(file, explicit);
  if (text === undefined) return { config: defaultConfig(cwd), source: builtInDefaultSource };
  return { config: parseConfigText(text, { source: file, env }), source: file };
}

/** The file's text; `undefined` when an optional file does not exist. */
async function readConfigFile(file: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? 'unknown error'})`;
    throw new CodeGoatError('CONFIG_INVALID', `Config file ${file} ${reason}`, { cause: error });
  }
}
