import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGateway, listenHttp, parseConfigText, type Gateway, type HttpGateway } from '../../src/index.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import { faultServerEntry, fixtureEntry } from '../fixtures/servers.ts';
import { startHttpFaultServer, type HttpFaultServer } from '../fixtures/servers/http-fault-server.ts';
import { freePort } from '../fixtures/processes.ts';
import { childEnv, makeTempDir, removeDir, runCli, stopAll, writeJson } from './cliHelpers.ts';

// A canary secret placed in `env` and `headers` (directly and through ${VAR}) must appear nowhere the
// gateway writes: log lines, errors, tool descriptions, types, results, health.
const canary = 'canary-4f9e1c7a2b';
const viaVariable = 'canary-var-8d2a61';
const everything: string[] = [];
const remember = (text: string) => everything.push(text);

let gateway: Gateway;
let http: HttpGateway;
let client: Client;

beforeAll(async () => {
  const config = parseConfigText(
    JSON.stringify({
      mcpServers: {
        // Prints SECRET_TOKEN on stderr at start, and crashes on request: both paths end in our logs.
        fault: { command: process.execPath, args: ['--disable-warning=ExperimentalWarning', faultServerEntry], env: { SECRET_TOKEN: canary, OTHER: '${FROM_ENV}' } },
        // A remote server that cannot be reached, with secret headers: its failure is logged and shown in health.
        remote: { url: 'http://127.0.0.1:9/mcp', headers: { Authorization: `Bearer ${canary}`, 'X-Api-Key': '${FROM_ENV}' } },
        // A stdio server that cannot start, with the secret in its env and args-free command.
        broken: { command: 'definitely-not-a-command-canary', env: { API_KEY: canary } },
      },
    }),
    { source: 'canary.json', env: { FROM_ENV: viaVariable } },
  );
  gateway = await createGateway(config, { logger: createLogger({}, remember) });
  http = await listenHttp(gateway, { port: 0 });
  client = new Client({ name: 'canary', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
});

afterAll(async () => {
  await client?.close();
  await http?.close();
  await gateway?.close();
});

describe('secrets from the config', () => {
  it('appear in no log line, description, type, result, error or health report', async () => {
    const { tools } = await client.listTools();
    remember(JSON.stringify(tools));
    remember(gateway.codeMode?.typeDefinitions ?? '');
    for (const code of [
      'return await mcpTools.Fault.echoJson({ value: "hello" });',
      'return await mcpTools.Fault.fail({ message: "nope" });',
      'return await mcpTools.Remote.anything({});',
      'return await mcpTools.Broken.anything({});',
      'return await mcpTools.Fault.crash({});',
      'throw new Error("user error");',
    ]) {
      remember(JSON.stringify(await client.callTool({ name: 'execute_code', arguments: { code } })));
    }
    const search = await client.callTool({ name: 'search_tools', arguments: { query: 'echo' } });
    remember(JSON.stringify(search));
    remember(JSON.stringify(gateway.health()));
    remember(await (await fetch(http.url.replace('/mcp', '/healthz'))).text());

    const seen = everything.join('\n');
    // The scenario really went through the places a secret could leak to.
    expect(seen).toContain('fault-server started');
    expect(seen).toContain('SECRET_TOKEN=[redacted]');
    expect(seen).toMatch(/crash/);
    expect(seen).toContain('definitely-not-a-command-canary');
    expect(seen).toContain('"remote"');
    expect(seen).not.toContain(canary);
    expect(seen).not.toContain(viaVariable);
  });
});

// The same through `${VAR}` in every place a config holds a value (`env`, `headers`, `args`, `url`),
// with secrets that hold a quote, a space, a backslash and a non-ASCII letter, returned by tools in
// successful results and in failures. Nothing a client, the model or the logs see may hold any of
// them in raw, JSON-escaped, URL-encoded or form-encoded form.
const secretServerEntry = fixtureEntry('secret-server');
const quoted = 'q"uote d-7a41\\é';
const plain = 'canary-plain-3b9d';
const inHeader = 'hdr "tok-51c0';
const variables = { QUOTED: quoted, PLAIN: plain, IN_HEADER: inHeader };

/** Every form a secret must not appear in. */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, json, JSON.stringify(json).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2), new URL(`http://h/?k=${secret}`).search.slice(3)];
}

function expectNoSecret(seen: string): void {
  for (const secret of Object.values(variables)) {
    for (const form of formsOf(secret)) expect(seen, `a form of a secret: ${form}`).not.toContain(form);
  }
}

/** Every line at every level, as the JSON the default logger would write. */
function recordingLogger(lines: string[], bound: Record<string, unknown> = {}): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ level, message, ...bound, ...fields }));
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (fields) => recordingLogger(lines, { ...bound, ...fields }) };
}

/** Writes its arguments (raw, JSON, URL-encoded) on stderr and exits: its failure quotes them. */
const argsEcho = 'const a = process.argv.slice(1); process.stderr.write("args: " + a.join(" ") + " " + JSON.stringify(a) + " " + a.map(encodeURIComponent).join(" ") + "\\n"); process.exit(3);';

describe('secrets substituted from ${VAR} into env, headers, args and url', () => {
  const seenByClient: string[] = [];
  const logLines: string[] = [];
  let remote: HttpFaultServer;
  let gateway: Gateway;
  let http: HttpGateway;
  let client: Client;
  let configText: string;
  let workspace: string | undefined;

  beforeAll(async () => {
    remote = await startHttpFaultServer();
    const serverArgs = ['--disable-warning=ExperimentalWarning', secretServerEntry];
    configText = JSON.stringify({
      mcpServers: {
        leaky: { command: process.execPath, args: [...serverArgs, '${PLAIN}'], env: { LEAK: '${QUOTED}' } },
        leakypass: { command: process.execPath, args: [...serverArgs, '${PLAIN}'], env: { LEAK: '${QUOTED}' }, codeMode: false },
        remote: { url: `${remote.url}?key=\${QUOTED}&other=\${PLAIN}`, headers: { 'X-Api-Key': '${IN_HEADER}' }, transport: 'http' },
        remotepass: { url: `${remote.url}?key=\${QUOTED}`, headers: { Authorization: 'Bearer ${IN_HEADER}' }, transport: 'http', codeMode: false },
        argsy: { command: process.execPath, args: ['-e', argsEcho, '${QUOTED}', '${PLAIN}'] },
        // Nothing listens there: the connection is refused.
        unreachable: { url: `http://127.0.0.1:${await freePort()}/mcp?key=\${QUOTED}&k2=\${PLAIN}`, transport: 'http' },
      },
    });
    const config = parseConfigText(configText, { source: 'canary.json', env: variables });
    gateway = await createGateway(config, { logger: recordingLogger(logLines) });
    http = await listenHttp(gateway, { port: 0 });
    client = new Client({ name: 'canary', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  });

  afterAll(async () => {
    await client?.close();
    await http?.close();
    await gateway?.close();
    await remote?.close();
    await stopAll();
    removeDir(workspace);
  });

  it('canary-in-every-place-of-the-config-reaches-no-client-and-no-log', async () => {
    const remember = (value: unknown) => seenByClient.push(typeof value === 'string' ? value : JSON.stringify(value));
    remember(await client.listTools());
    remember(await client.listResources());
    remember(await client.listPrompts());
    remember(gateway.codeMode?.typeDefinitions ?? '');
    const secretsInCode = JSON.stringify([quoted, plain, inHeader]);
    for (const code of [
      'return await mcpTools.Leaky.leak({});',
      'return await mcpTools.Leaky.leakError({});',
      'return await mcpTools.Leaky.throwLeak({});',
      `return await mcpTools.Remote.echo({ text: ${JSON.stringify(quoted + ' ' + inHeader)} });`,
      'return await mcpTools.Argsy.anything({});',
      'return await mcpTools.Unreachable.anything({});',
      // Code that puts a secret together (here: writes it) is redacted on the way out too.
      `const s = ${secretsInCode}; console.log(s.join(" ")); return { s, u: s.map(encodeURIComponent) };`,
      `throw new Error(${JSON.stringify(quoted)});`,
    ]) {
      remember(await client.callTool({ name: 'execute_code', arguments: { code } }));
    }
    for (const name of ['leakypass__leak', 'leakypass__leakError', 'leakypass__throwLeak']) remember(await client.callTool({ name, arguments: {} }));
    remember(await client.callTool({ name: 'remotepass__echo', arguments: { text: `${quoted} ${inHeader}` } }));
    remember(await client.readResource({ uri: 'secret://leak' }));
    remember(await client.getPrompt({ name: 'leakypass__leak' }));
    remember(await client.callTool({ name: 'search_tools', arguments: { query: 'secrets leak' } }));
    remember(gateway.health());
    remember(await (await fetch(http.url.replace('/mcp', '/healthz'))).text());

    const seen = seenByClient.join('\n');
    const logs = logLines.join('\n');
    // The scenario went through every place: results came back, the servers that fail failed, and logs were written.
    expect(seen).toContain('Returns the secrets');
    expect(seen).toContain('[redacted]');
    expect(seen).toMatch(/echo: \[redacted\]/);
    expect(seen).toContain('"argsy"');
    expect(seen).toContain('"unreachable"');
    expect(logs).toContain('secret-server started with [redacted]');
    expect(logs).toContain('args: [redacted]');
    expectNoSecret(seen);
    expectNoSecret(logs);
  });

  it('canary-stays-out-of-the-cli-output-and-its-stderr-logs', async () => {
    workspace = makeTempDir('code-goat-canary-');
    const configFile = writeJson(path.join(workspace, 'code-goat.json'), JSON.parse(configText) as unknown);
    const result = await runCli(['run', '-', '--config', configFile], {
      input: 'const r = await mcpTools.Leaky.leak({}); console.log(JSON.stringify(r)); try { await mcpTools.Argsy.x({}); } catch (e) { console.log(String(e)); } return r;',
      env: { ...childEnv(variables), CODE_GOAT_LOG: 'debug' },
    });
    expect(result.stdout).toContain('[redacted]');
    expect(result.stderr).toContain('config loaded');
    expect(result.stderr).toContain('secret-server started with [redacted]');
    expectNoSecret(result.stdout);
    expectNoSecret(result.stderr);
  });
});
