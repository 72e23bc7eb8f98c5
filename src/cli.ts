#!/usr/bin/env node
/**
 * The `code-goat` command. Logs go to stderr only: in stdio mode stdout is the MCP channel.
 *
 *   code-goat [--config FILE]                   serve MCP over stdio
 *   code-goat --http [HOST:]PORT [--config F]   serve Streamable HTTP at /mcp, GET /healthz, the console at /ui
 *   code-goat types [--config FILE]             print the generated TypeScript API
 *   code-goat run FILE|- [--config FILE]        execute code, print the ExecutionResult
 *   --metrics [HOST:]PORT, --audit FILE         telemetry (SPEC "Telemetry"); traces by OTEL_* variables
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CodeModeEngine } from './codeMode/CodeModeEngine.ts';
import { codeModeDefaults, httpDefaults } from './config/defaults.ts';
import { loadConfig } from './config/loadConfig.ts';
import { auditConfigSchema, type Config } from './config/schema.ts';
import type { z } from 'zod';
import { CodeGoatError } from './errors.ts';
import type { Gateway } from './gateway/Gateway.ts';
import { isLoopbackHostname } from './config/governance/governanceSchema.ts';
import { parseHostPort } from './gateway/parseHostPort.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { version } from './version.ts';

const usage = `Usage:
  code-goat [--config FILE]                    serve MCP over stdio
  code-goat --http [HOST:]PORT [--config FILE] serve Streamable HTTP at /mcp (default host ${httpDefaults.host})
      [--token T]          require "Authorization: Bearer T" (or set CODE_GOAT_TOKEN);
                           needed when HOST is not loopback
      [--allow-origin O]   let browser pages from origin host O call (repeatable)
      [--allow-host H]     answer to Host header H besides loopback names (repeatable)
  code-goat types [--config FILE]              print the generated TypeScript API
  code-goat run FILE|- [--config FILE]         execute code and print the ExecutionResult

Telemetry (any mode):
  --metrics [HOST:]PORT   serve Prometheus metrics at GET /metrics on a loopback address, no token
                          (with --http they are also at /metrics there, behind --token)
  --audit FILE            append one JSON line per execution to FILE (config: "audit")
  OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318  export traces over OTLP/HTTP (see README)

Without --config, ./code-goat.json is used if present, else the built-in default
(the bundled filesystem, memory and everything servers).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      http: { type: 'string' },
      token: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      metrics: { type: 'string' },
      audit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) {
    await writeStdout(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    await writeStdout(`${version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command !== undefined && command !== 'types' && command !== 'run') {
    throw new CodeGoatError('CONFIG_INVALID', `Unknown command "${command}".\n\n${usage}`);
  }
  // Check every argument before any downstream server is started: a typo must not cost a startup.
  const listen = values.http !== undefined ? parseHostPort(values.http) : undefined;
  const metricsListen = values.metrics !== undefined ? parseHostPort(values.metrics, '--metrics') : undefined;
  if (metricsListen !== undefined && !isLoopbackHostname(metricsListen.host)) {
    throw new CodeGoatError('CONFIG_INVALID', `--metrics serves without a token, so only on a loopback address (127.0.0.1, ::1, localhost), not "${metricsListen.host}".`);
  }
  const token = values.token ?? process.env['CODE_GOAT_TOKEN'];
  const security = {
    ...(token ? { token } : {}),
    ...(values['allow-origin'] ? { allowedOrigins: values['allow-origin'] } : {}),
    ...(values['allow-host'] ? { allowedHosts: values['allow-host'] } : {}),
  };
  const file = rest[0];
  if (command === 'run' && file === undefined) {
    throw new CodeGoatError('CONFIG_INVALID', `code-goat run needs a file, or - for standard input.\n\n${usage}`);
  }
  const logger = createLogger({ component: 'code-goat' });
  const loaded = await loadConfig(values.config === undefined ? {} : { path: values.config });
  const { source } = loaded;
  const config = values.audit === undefined ? loaded.config : { ...loaded.config, audit: auditFromFlag(loaded.config.audit, values.audit) };
  logger.info('config loaded', { source, servers: Object.keys(config.mcpServers) });
  // Throws when a token is required and there is none (neither --token nor clients in the config's `auth`).
  // Loaded here, not at the top: the HTTP guards pull in the MCP SDK, which a mistyped argument need not wait for.
  if (listen !== undefined) (await import('./gateway/httpGuards.ts')).createHttpGuards(listen.host, security, (config.auth?.tokens.length ?? 0) > 0 || config.auth?.jwt !== undefined);

  if (command === 'types') return withGateway(config, logger, printTypes);
  if (command === 'run' && file !== undefined) {
    const code = file === '-' ? await readStdin() : await readCodeFile(file, config.codeMode.maxCodeBytes ?? codeModeDefaults.maxCodeBytes);
    return withGateway(config, logger, (gateway) => runCode(gateway, code));
  }

  const [{ createGateway }, { serveGatewayOverStdio }, httpEntry, metricsEntry] = await Promise.all([
    gatewayModules(),
    import('./gateway/serveStdio.ts'),
    // Only when asked for: the MCP SDK's Node adapter (HTTP) sets up web Request and Response classes
    // as it loads, which loads Node's fetch stack (undici), some 40 ms of CPU a stdio start never needs.
    listen === undefined ? undefined : import('./gateway/httpServer.ts'),
    metricsListen === undefined ? undefined : import('./gateway/metricsListener.ts'),
  ]);
  // Serve at once: a slow or silent server must not keep clients waiting (it joins when it is up).
  // Metrics are kept when something serves them (`/metrics`, `--metrics`), the recent executions when
  // the console does (HTTP): over stdio alone nobody reads them, and keeping them costs every execution
  // its code's hash, a record and the metrics' bookkeeping.
  const telemetry = { metrics: listen !== undefined || metricsListen !== undefined, recentExecutions: listen !== undefined };
  const gateway = await createGateway(config, { logger, waitForServers: false, telemetry });
  const metricsListener =
    metricsListen && metricsEntry && gateway.telemetry.metrics
      ? await metricsEntry.listenMetrics(gateway.telemetry.metrics, metricsListen).catch(async (error: unknown) => {
          await gateway.close();
          throw error;
        })
      : undefined;
  if (metricsListener) process.stderr.write(`code-goat metrics at ${metricsListener.url}\n`);
  const stop = async () => {
    await metricsListener?.close();
    await gateway.close();
  };
  if (listen !== undefined && httpEntry !== undefined) {
    // A port in use must still stop the downstream servers already started, not leave it to exit.
    const http = await httpEntry.listenHttp(gateway, { ...listen, ...security }).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    process.stderr.write(
      `code-goat serving ${source} at ${http.url} (health: ${http.url.replace(/\/mcp$/, '/healthz')})\n` +
        `Console: ${http.url.replace(/\/mcp$/, '/ui')}${token ? ' (sign in with the token)' : ''}\n` +
        // The token itself is never printed: logs and terminals are not the place for it.
        `Try it:  npx @modelcontextprotocol/inspector --cli ${http.url}${token ? ' --header "Authorization: Bearer $CODE_GOAT_TOKEN"' : ''} --method tools/list\n`,
    );
    await waitForSignal();
    await http.close();
    await stop();
    return 0;
  }
  // Until the client goes away, or a signal ends us: either way the servers are closed, not orphaned
  // (they may still be starting: the gateway serves before they are up).
  await Promise.race([serveGatewayOverStdio(gateway), waitForSignal()]);
  await stop();
  return 0;
}

/**
 * The gateway and what it stands on (the MCP SDK, the servers, the sandbox), loaded only once the
 * arguments are known to be good: `--help`, `--version` and a usage error answer without that cost.
 */
async function gatewayModules() {
  return import('./gateway/Gateway.ts');
}

/** For `types` and `run`: they need the whole API, so they wait until every server is up or failed. */
async function withGateway(config: Config, logger: Logger, work: (gateway: Gateway) => Promise<number>): Promise<number> {
  const { createGateway } = await gatewayModules();
  // No metrics: nothing would scrape them before the command ends.
  const gateway = await createGateway(config, { logger, telemetry: { metrics: false } });
  try {
    return await work(gateway);
  } finally {
    await gateway.close();
  }
}

async function printTypes(gateway: Gateway): Promise<number> {
  await writeStdout(codeModeOf(gateway, 'there is no TypeScript API').typeDefinitions);
  return 0;
}

async function runCode(gateway: Gateway, code: string): Promise<number> {
  const result = await codeModeOf(gateway, 'nothing can run code').executeCode(code);
  await writeStdout(`${JSON.stringify(result, null, 2)}\n`);
  return result.success ? 0 : 1;
}

function codeModeOf(gateway: Gateway, consequence: string): CodeModeEngine {
  if (!gateway.codeMode) throw new CodeGoatError('CONFIG_INVALID', `Code mode is disabled in this config (codeMode.enabled: false): ${consequence}.`);
  return gateway.codeMode;
}

/**
 * Resolves once `text` is handed to the OS. `main` ends in `process.exit`, and stdout to a pipe is
 * asynchronous on macOS (and Windows): exiting right after a plain `write` can cut a large output short.
 */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `--audit FILE` over the config's `audit`; a path that is no path is refused naming the flag. */
function auditFromFlag(audit: unknown, path: string): z.output<typeof auditConfigSchema> {
  const parsed = auditConfigSchema.safeParse({ ...(typeof audit === 'object' && audit !== null ? audit : {}), path });
  if (!parsed.success) throw new CodeGoatError('CONFIG_INVALID', `--audit expects the path of a file to append to, got "${path}".`);
  return parsed.data;
}

/**
 * The code of `code-goat run FILE`: refused, naming the file, when it cannot be read or is larger than
 * the code may be (read whole first, a 200 MB file took 670 MB and six seconds to be refused).
 */
async function readCodeFile(file: string, maxCodeBytes: number): Promise<string> {
  const why = (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'it may not be read' : `it cannot be read (${String(code ?? error)})`;
  };
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    size = info.size;
  } catch (error) {
    throw new CodeGoatError('CONFIG_INVALID', `code-goat run ${file}: ${why(error)}.`);
  }
  if (size > maxCodeBytes) {
    throw new CodeGoatError('CODE_TOO_LARGE', `code-goat run ${file}: the file is ${size} bytes; code may be at most ${maxCodeBytes} (codeMode.maxCodeBytes).`);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CodeGoatError('CONFIG_INVALID', `code-goat run ${file}: ${why(error)}.`);
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a downstream server's lingering handle must not keep a finished command alive.
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`code-goat: ${message}\n`);
    process.exit(2);
  },
);
