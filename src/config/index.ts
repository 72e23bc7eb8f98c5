/**
 * The config file: finding it, reading it (JSON with comments), `${VAR}` substitution, validation
 * with errors that name paths, and the built-in default.
 */
export { loadConfig, configFileName } from './loadConfig.ts';
export type { LoadConfigOptions, LoadedConfig } from './loadConfig.ts';
export { parseConfigText } from './parseConfigText.ts';
export type { ParseConfigTextOptions } from './parseConfigText.ts';
export { parseConfig } from './parseConfig.ts';
export { validateConfig } from './validateConfig.ts';
export type { ConfigValidation } from './validateConfig.ts';
export type { ConfigIssue, ConfigPath } from './ConfigIssue.ts';
export { defaultConfig, defaultMemoryFile, builtInDefaultSource } from './defaultConfig.ts';
export { bundledServer, bundledServerEntry } from './bundledServers.ts';
export type { BundledServerName, BundledServerOptions } from './bundledServers.ts';
export {
  configSchema,
  codeModeConfigSchema,
  stdioServerSchema,
  remoteServerSchema,
  serverConfigSchema,
  isStdioServer,
} from './schema.ts';
export type { Config, ConfigInput, ServerConfig, StdioServerConfig, RemoteServerConfig, CodeModeConfig } from './schema.ts';
