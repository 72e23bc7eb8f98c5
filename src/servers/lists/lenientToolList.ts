import { SdkError, SdkErrorCode, specTypeSchemas, type Client, type Tool, type Transport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { nestingDefaults, serverDefaults } from '../../config/defaults.ts';
import type { Logger } from '../../observability/logger.ts';
import { isPlainObject } from '../../config/ConfigIssue.ts';
import { cutText } from '../../text/surrogates.ts';
import { valueDeeperThan } from '../../text/jsonDepth.ts';

/** A listed tool left out because it is not a valid MCP tool, as `/healthz` names it. */
export interface SkippedTool {
  /** The tool's name, or `#<position>` in the listing when it has none. */
  readonly name: string;
  readonly reason: string;
}

export interface ToolListing {
  readonly tools: readonly Tool[];
  readonly skipped: readonly SkippedTool[];
}

/**
 * A server's tools, one bad tool costing only itself. The SDK refuses a whole `tools/list` when one
 * tool in it is invalid (a published server lists `inputSchema: {}`), which would take the server
 * and all its tools away. So the SDK's listing is tried first (it feeds the SDK's own cache, which
 * checks structured results against output schemas); when the SDK finds the result invalid, the
 * pages are fetched again with a schema that only asks for an array (on a 2026-07-28 session, read
 * as they arrived: see `rawTools`), and each tool is judged alone.
 *
 * An input schema without `type` (`{}`, or `properties` alone) is read as `type: "object"`: the
 * arguments of a call are always an object of named arguments, so this admits nothing the schema
 * did not, and the tool stays usable. Any other invalid tool is left out, logged and reported.
 */
export async function listToolsLeniently(client: Client, timeoutMs: number, logger: Logger): Promise<ToolListing> {
  const leftOut = leftOutReport(logger);
  const tools: Tool[] = [];
  let listed: readonly unknown[] | undefined;
  try {
    listed = (await client.listTools(undefined, { timeout: timeoutMs, cacheMode: 'refresh' })).tools;
  } catch (error) {
    if (!sdkCouldNotCheck(error)) throw error;
  }
  const valid = listed !== undefined;
  let repaired = 0;
  for (const [index, entry] of (listed ?? (await rawTools(client, timeoutMs))).entries()) {
    const judged = valid ? (tooDeep(entry, index) ?? { tool: entry as Tool, repaired: false }) : judgeTool(entry, index);
    if ('skipped' in judged) leftOut.add(judged.skipped);
    else if (judged.tool.name.length > serverDefaults.maxToolNameChars) leftOut.add(nameTooLong(judged.tool.name));
    else {
      if (judged.repaired && repaired++ < maxReported) logger.warn("a listed tool's inputSchema has no type; read as an object of named arguments", { tool: judged.tool.name });
      tools.push(judged.tool);
    }
  }
  return { tools, skipped: leftOut.skipped() };
}

/** The tools left out of one listing: the first `maxReported` logged and named one by one, then a count. */
function leftOutReport(logger: Logger): { add(skipped: SkippedTool): void; skipped(): SkippedTool[] } {
  const named: SkippedTool[] = [];
  let count = 0;
  return {
    add(skipped) {
      if (count++ >= maxReported) return;
      logger.warn('a listed tool is invalid; it is left out', { tool: skipped.name, reason: skipped.reason });
      named.push(skipped);
    },
    skipped() {
      if (count <= maxReported) return named;
      logger.warn('more listed tools are invalid; they are left out', { more: count - maxReported });
      return [...named, { name: '…', reason: `and ${count - maxReported} more tools left out` }];
    },
  };
}

function nameTooLong(name: string): SkippedTool {
  const { maxToolNameChars } = serverDefaults;
  return { name: cutText(name, 100), reason: `its name is ${name.length} characters long, more than the ${maxToolNameChars} a tool name may have here (MCP recommends at most 128)` };
}

/** Tools named one by one in the log and the status; past it, a count (a server may list thousands). */
const maxReported = 20;

const lenientPage = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

/**
 * Every listed tool as the server sent it, page by page. On protocol 2025-era sessions the SDK checks a
 * result against the schema the request gives (the lenient page above). On 2026-07-28 sessions its
 * codec checks every `tools/list` result against the spec's own schema before that, and rejects the
 * page: so the page is read as it arrived, from the transport, and the SDK's verdict on it is ignored.
 */
async function rawTools(client: Client, timeoutMs: number): Promise<unknown[]> {
  const tools: unknown[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (let page = 0; page < serverDefaults.toolListMaxPages; page += 1) {
    const result = await rawToolPage(client, cursor, timeoutMs);
    tools.push(...result.tools);
    // An empty cursor is the end too (some servers send "" for none), and one seen before would only repeat pages.
    const next = result.nextCursor;
    if (next === undefined || next === '' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return tools;
}

async function rawToolPage(client: Client, cursor: string | undefined, timeoutMs: number): Promise<z.output<typeof lenientPage>> {
  const tap = tapToolListResult(client.transport);
  try {
    return await client.request({ method: 'tools/list', ...(cursor !== undefined && { params: { cursor } }) }, lenientPage, { timeout: timeoutMs });
  } catch (error) {
    const raw = lenientPage.safeParse(tap.result());
    if (sdkCouldNotCheck(error) && raw.success) return raw.data;
    throw error;
  } finally {
    tap.stop();
  }
}

/**
 * Watches a transport for the answer to the next `tools/list` request sent on it and keeps that
 * answer's `result` as it arrived, before the SDK decodes it. What the SDK does with the message is
 * unchanged: the tap only looks.
 */
function tapToolListResult(transport: Transport | undefined): { result(): unknown; stop(): void } {
  if (transport === undefined) return { result: () => undefined, stop: () => {} };
  const send = transport.send;
  const ownSend = Object.hasOwn(transport, 'send');
  const receive = transport.onmessage;
  let id: string | number | undefined;
  let result: unknown;
  const tappedSend: Transport['send'] = (message, options) => {
    if (id === undefined && 'method' in message && message.method === 'tools/list' && 'id' in message) id = message.id;
    return send.call(transport, message, options);
  };
  const tappedReceive: NonNullable<Transport['onmessage']> = (message, extra) => {
    if (id !== undefined && 'id' in message && message.id === id && 'result' in message) result = message.result;
    receive?.call(transport, message, extra);
  };
  transport.send = tappedSend;
  transport.onmessage = tappedReceive;
  return {
    result: () => result,
    stop() {
      // Put back only what is still ours: whatever replaced it since (a reconnect) stays.
      if (transport.send === tappedSend) {
        if (ownSend) transport.send = send;
        else delete (transport as Partial<Transport>).send;
      }
      if (transport.onmessage === tappedReceive) transport.onmessage = receive;
    },
  };
}

type Judged = { tool: Tool; repaired: boolean } | { skipped: SkippedTool };

function judgeTool(listed: unknown, index: number): Judged {
  const deep = tooDeep(listed, index);
  if (deep !== undefined) return deep;
  const name = nameOf(listed, index);
  const repaired = withObjectType(listed);
  const result = specTypeSchemas.Tool['~standard'].validate(repaired ?? listed);
  if (result.issues === undefined) return { tool: result.value, repaired: repaired !== undefined };
  const reason = result.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join('; ');
  return { skipped: { name, reason: cutText(reason, 300) } };
}

/**
 * A tool nested past `maxValueDepth` is left out, whether or not the SDK's check of the listing got
 * through it: that check recurses once per level, and ran out of stack on a few hundred, or not,
 * as the stack happened to be. Checked before the schema is, without recursion.
 */
function tooDeep(listed: unknown, index: number): Judged | undefined {
  const { maxValueDepth } = nestingDefaults;
  if (!valueDeeperThan(listed, maxValueDepth)) return undefined;
  return { skipped: { name: nameOf(listed, index), reason: `it nests more than ${maxValueDepth} levels deep (its schemas, most likely); a tool here may nest ${maxValueDepth}` } };
}

function nameOf(listed: unknown, index: number): string {
  return isPlainObject(listed) && typeof listed['name'] === 'string' ? cutText(listed['name'], 100) : `#${index}`;
}

/** The tool with `type: "object"` added to an input schema that has no `type`; `undefined` when there is nothing to add. */
function withObjectType(listed: unknown): unknown {
  if (!isPlainObject(listed) || !isPlainObject(listed['inputSchema']) || 'type' in listed['inputSchema']) return undefined;
  return { ...listed, inputSchema: { type: 'object', ...listed['inputSchema'] } };
}

function issuePath(path: readonly (PropertyKey | { key: PropertyKey })[] | undefined): string {
  const keys = (path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment));
  return keys.length === 0 ? 'the tool' : keys.join('.');
}

/**
 * The SDK gave up on a listing that reading its pages here gets past: it found a page invalid, its check
 * ran out of stack on a deeply nested schema (a `RangeError`, which names no tool), or the pages never
 * ended by its rule (a cursor of "" each time). The tools are then read page by page, and one by one.
 */
function sdkCouldNotCheck(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  return error instanceof SdkError && (error.code === SdkErrorCode.InvalidResult || error.code === SdkErrorCode.ListPaginationExceeded);
}
