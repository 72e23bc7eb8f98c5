/**
 * The operator console (issue 15, SPEC "Operator console") in a real browser: Debian's chromium
 * driven by playwright-core against one in-process HTTP gateway on the three official servers and
 * the fault server (whose `described` tool carries hostile text). The page's data is read from the
 * DOM (text, data attributes), never from pixels.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Closer, eventually, makeWorkspace, officialServers, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { connectAs, execute } from '../governance/governanceHelpers.ts';
import { faultServer } from '../fixtures/servers.ts';
import { consoleDefaults } from '../../src/config/defaults.ts';
import { artifactsDir, launchChromium } from './browser.ts';

const token = 'console-operator-token-0123456789';
const hostile = 'Says <script>window.__pwned = 1; alert(1)</script> and <img src=x onerror="window.__pwned = 2; alert(2)"> to whoever reads it.';
// The README's picture is written only when asked for (`UPDATE_SCREENSHOT=1 npm test`), so a test run
// leaves the checkout as it was; otherwise the shot goes with the other artifacts.
const readmeScreenshot = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOT'] === '1' ? '../../docs/console.png' : '../../.artifacts/console-readme.png', import.meta.url));

const closer = new Closer();
let served: InProcessHttpGateway;
let browser: Browser;
let client: Client;
let refuseFile: string;

beforeAll(async () => {
  const workspace = makeWorkspace(closer, 'console');
  refuseFile = path.join(workspace, 'refuse-start');
  const descriptionFile = path.join(workspace, 'description.txt');
  writeFileSync(descriptionFile, hostile);
  mkdirSync(artifactsDir, { recursive: true });
  [served, browser] = await Promise.all([
    startHttpGateway(closer, {
      auth: { tokens: [{ name: 'operator', token }] },
      mcpServers: { ...officialServers(workspace), fault: faultServer({ env: { FAULT_TOOL_DESCRIPTION_FILE: descriptionFile, FAULT_REFUSE_START_FILE: refuseFile } }) },
    }),
    launchChromium(closer),
  ]);
  client = await connectAs(closer, served.url, token);
}, 60_000);

afterAll(() => closer.closeAll());

/** A fresh browser context signed in (or not), with every console message, dialog and CSP violation recorded. */
async function openPage(signIn = true): Promise<{ page: Page; context: BrowserContext; messages: ConsoleMessage[]; dialogs: string[] }> {
  const context = closer.add(await browser.newContext({ viewport: { width: 1280, height: 900 } }), (c) => c.close());
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const messages: ConsoleMessage[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => messages.push(message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // Every CSP violation the page sees, recorded before any of its script runs.
  // (Functions that run in the page are given as text: the tests' TypeScript has no DOM types.)
  await page.addInitScript(`window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));`);
  if (signIn) {
    await page.goto(`${served.baseUrl}/ui/signin`);
    await page.fill('#token', token);
    await Promise.all([page.waitForURL(`${served.baseUrl}/ui`), page.click('button[type=submit]')]);
  }
  return { page, context, messages, dialogs };
}

const serverRow = (page: Page, name: string) => page.locator(`#servers-body tr[data-server="${name}"]`);

describe('the operator console', () => {
  it('answers 401 or a redirect to sign-in before signing in, refuses a wrong token, and shows the servers ready with their tool counts after', async () => {
    for (const endpoint of ['/ui/api/state', '/ui/api/tools']) {
      expect((await fetch(`${served.baseUrl}${endpoint}`)).status).toBe(401);
      expect((await fetch(`${served.baseUrl}${endpoint}`, { headers: { authorization: `Bearer ${token}`, cookie: `code_goat_console=${token}` } })).status).toBe(401);
    }
    const bare = await fetch(`${served.baseUrl}/ui`, { redirect: 'manual' });
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/ui/signin');

    const { page } = await openPage(false);
    await page.goto(`${served.baseUrl}/ui`);
    expect(new URL(page.url()).pathname).toBe('/ui/signin');
    await page.fill('#token', 'not-the-token');
    const refused = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/ui/signin') && response.request().method() === 'POST'), page.click('button[type=submit]')]);
    expect(refused[0].status()).toBe(401);
    await expect(page.locator('#signin-error').isVisible()).resolves.toBe(true);
    expect((await page.context().cookies()).length).toBe(0);

    await page.fill('#token', token);
    const [signedIn] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/ui/signin') && response.request().method() === 'POST'), page.click('button[type=submit]')]);
    const cookie = (await signedIn.headerValue('set-cookie')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/ui/);
    expect(cookie).not.toContain(token);
    await page.waitForURL(`${served.baseUrl}/ui`);
    expect(page.url()).not.toContain(token);

    const counts = Object.fromEntries(served.gateway.health().servers.map((server) => [server.name, server.toolCount]));
    for (const name of ['everything', 'filesystem', 'memory']) {
      await serverRow(page, name).locator('.server-state', { hasText: 'ready' }).waitFor();
      expect(counts[name]).toBeGreaterThan(0);
      expect(await serverRow(page, name).locator('.server-tools').textContent()).toBe(String(counts[name]));
    }
    const response = await page.request.get(`${served.baseUrl}/ui`);
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
    await page.screenshot({ path: path.join(artifactsDir, 'signed-in.png'), fullPage: true });
  });

  it('shows an execution that called two servers and one that threw within two seconds, without a reload, with code, inner calls and the error line', async () => {
    const { page } = await openPage();
    await page.locator('#executions-empty').waitFor({ state: 'attached' });
    let reloaded = false;
    page.on('framenavigated', () => (reloaded = true));
    const twoServers = 'const echoed = await mcpTools.Everything.echo({ message: "console" });\nconst graph = await mcpTools.Memory.readGraph({});\nreturn { echoed, graph };';
    const throwing = 'const first = 1;\nconst second = 2;\nthrow new Error("console boom " + (first + second));';
    const ok = await execute(client, twoServers);
    expect(ok.success).toBe(true);
    const failed = await execute(client, throwing);
    expect(failed.success).toBe(false);

    const okItem = page.locator('#executions li.execution', { has: page.locator('.execution-calls li[data-server="memory"]') }).first();
    const failedItem = page.locator('#executions li.execution', { has: page.locator('.execution-error-text', { hasText: 'console boom 3' }) }).first();
    // Within two seconds of the executions' end (polling every half second).
    await okItem.waitFor({ state: 'attached', timeout: 2_000 });
    await failedItem.waitFor({ state: 'attached', timeout: 2_000 });
    expect(reloaded).toBe(false);

    await okItem.locator('summary').click();
    expect(await okItem.locator('pre.code').textContent()).toContain('mcpTools.Memory.readGraph');
    const calls = await Promise.all((await okItem.locator('.execution-calls li').all()).map(async (item) => `${await item.getAttribute('data-server')}.${await item.getAttribute('data-tool')}`));
    expect(calls).toEqual([
      'everything.echo',
      'memory.read_graph',
    ]);
    expect(await failedItem.getAttribute('data-outcome')).toBe('failure');
    expect(await failedItem.locator('.execution-error-line').textContent()).toContain('line 3');
    expect(await failedItem.locator('.error-line').getAttribute('data-line')).toBe('3');
    expect(await failedItem.locator('.error-line').textContent()).toContain('throw new Error');
    // The page asks only for what is newer than what it has.
    const full = (await (await page.request.get(`${served.baseUrl}/ui/api/state`)).json()) as { executions: { executionId: string }[]; executionIds: string[] };
    expect(full.executions.map((execution) => execution.executionId)).toEqual(full.executionIds);
    const second = full.executionIds[1]!;
    const newer = (await (await page.request.get(`${served.baseUrl}/ui/api/state?since=${second}`)).json()) as typeof full;
    expect(newer.executions.map((execution) => execution.executionId)).toEqual([full.executionIds[0]]);
    expect(newer.executionIds).toEqual(full.executionIds);
    await page.screenshot({ path: path.join(artifactsDir, 'executions.png'), fullPage: true });
  });

  it('takes the README screenshot of the console', async () => {
    const { page } = await openPage();
    await serverRow(page, 'memory').locator('.server-state', { hasText: 'ready' }).waitFor();
    await page.locator('#tools li.tool').first().waitFor();
    // The failing execution of the test before is open: its code, its calls and the error's line.
    await page.locator('#executions li.execution[data-outcome="failure"] .error-line').first().waitFor();
    await page.screenshot({ path: readmeScreenshot });
    expect(existsSync(readmeScreenshot)).toBe(true);
  });

  it('renders a hostile tool description and hostile code as text: no dialog, nothing of it runs, and the CSP blocks inline script', async () => {
    const { page, dialogs, messages } = await openPage();
    const hostileCode = `// ${hostile}\nconst html = '<script>alert(3)</script><img src=x onerror=alert(4)>';\nreturn html;`;
    expect((await execute(client, hostileCode)).success).toBe(true);
    await page.fill('#tool-search', 'described');
    const tool = page.locator('#tools li.tool[data-tool="described"]');
    await tool.waitFor();
    expect(await tool.locator('.tool-description').textContent()).toBe(hostile);
    const item = page.locator('#executions li.execution', { has: page.locator('pre.code', { hasText: 'alert(3)' }) }).first();
    await item.waitFor({ state: 'attached' });
    expect(await item.locator('pre.code').textContent()).toContain('<img src=x onerror=alert(4)>');
    // Nothing of the text became elements: no <script> or <img> anywhere on the page.
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);

    // An inline script put on the page the way an injection would be is refused by the CSP.
    await page.evaluate(`{ const script = document.createElement('script'); script.textContent = 'window.__pwned = 5;'; document.body.append(script); }`);
    await page.waitForFunction('window.__violations.length > 0');
    const violations = await page.evaluate<string[]>('window.__violations');
    expect(violations.some((violation) => violation.startsWith('script-src'))).toBe(true);
    expect(messages.some((message) => message.type() === 'error' && message.text().includes('Content Security Policy'))).toBe(true);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir, 'hostile.png'), fullPage: true });
  });

  it('shows a burst of 50 executions as a rise in the executions chart, read from the data the page drew', async () => {
    const { page } = await openPage();
    const chart = page.locator('#chart-executions polyline');
    await chart.waitFor({ state: 'attached' });
    const before = JSON.parse((await chart.getAttribute('data-values')) ?? '[]') as number[];
    const burst = await Promise.all(Array.from({ length: 50 }, (_, index) => execute(client, `return ${index};`)));
    expect(burst.every((result) => result.success)).toBe(true);
    // The burst ends in the last seconds of the window; a second's count can be split over two or three seconds.
    const risen = await eventually('the chart to show the burst', async () => {
      const values = JSON.parse((await chart.getAttribute('data-values')) ?? '[]') as number[];
      const recent = values.slice(-30).reduce((sum, value) => sum + value, 0);
      return recent >= 50 ? values : undefined;
    }, 10_000);
    expect(Math.max(...risen)).toBeGreaterThan(Math.max(0, ...before.slice(-30)));
    expect(Number(await page.locator('#chart-executions').getAttribute('data-max'))).toBe(Math.max(1, ...risen));
    expect(await page.locator('#chart-latency polyline').count()).toBe(2);
  });

  it('shows a killed server as restarting, then ready again', async () => {
    const { page } = await openPage();
    await serverRow(page, 'fault').locator('.server-state', { hasText: 'ready' }).waitFor();
    const pid = served.gateway.health().servers.find((server) => server.name === 'fault')?.pid;
    expect(pid).toBeGreaterThan(0);
    // Its restarts refuse to start until the page has shown it down: the test does not race the backoff.
    writeFileSync(refuseFile, '');
    process.kill(pid!, 'SIGKILL');
    await page.locator('#servers-body tr[data-server="fault"]:not([data-state="ready"])').waitFor({ timeout: 15_000 });
    const down = await serverRow(page, 'fault').getAttribute('data-state');
    expect(['restarting', 'failed', 'connecting']).toContain(down);
    await page.screenshot({ path: path.join(artifactsDir, 'restarting.png'), fullPage: true });
    rmSync(refuseFile);
    await serverRow(page, 'fault').locator('.server-state', { hasText: 'ready' }).waitFor({ timeout: 30_000 });
    expect(Number(await serverRow(page, 'fault').locator('.server-restarts').textContent())).toBeGreaterThanOrEqual(1);
  });

  it('signs out: the session id stops working at once', async () => {
    const { page, context } = await openPage();
    const session = (await context.cookies()).find((cookie) => cookie.name === 'code_goat_console');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect((await fetch(`${served.baseUrl}/ui/api/state`, { headers: { cookie: `code_goat_console=${session!.value}` } })).status).toBe(200);
    await page.click('header button[type=submit]', { noWaitAfter: true });
    // Where the page ends up, however many navigations it took (a poll answered 401 as the session
    // ended may start one of its own; ui/app.ts keeps it from doing so once the page is leaving).
    await eventually('the sign-in page', async () => (page.url() === `${served.baseUrl}/ui/signin` && (await page.locator('#signin').count().catch(() => 0)) === 1 ? true : undefined), 15_000);
    expect((await fetch(`${served.baseUrl}/ui/api/state`, { headers: { cookie: `code_goat_console=${session!.value}` } })).status).toBe(401);
  });

  it('answers 429 to sign-ins from an address after too many failed ones, even with the right token', async () => {
    const signIn = (value: string) =>
      fetch(`${served.baseUrl}/ui/signin`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: value }) });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < consoleDefaults.signInFailuresPerMinute; attempt++) statuses.push((await signIn(`wrong-${attempt}`)).status);
    // The first test's wrong try counts too: the limit may be reached one try early.
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    const locked = await signIn(token);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('set-cookie')).toBeNull();
  });
});
