import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGateway, listenHttp, parseConfigText, type Gateway, type HttpGateway } from '../../src/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { faultServerEntry } from '../fixtures/servers.ts';

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
