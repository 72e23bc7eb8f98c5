import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { CatalogTool, JsonSchema } from '../../catalog/ToolCatalog.ts';
import type { Logger } from '../../observability/logger.ts';
import { serverDefaults } from '../../config/defaults.ts';
import { describeArgumentErrors } from './argumentErrors.ts';
import { expandedSchemaSize } from './validation/expandedSchemaSize.ts';
import { linearRegExp, reportingUnsupportedPatterns } from './validation/linearRegExp.ts';
import { countValues, StepBudgetExceeded, stepCounter, withStepBudget, withStepCounters } from './validation/stepBudget.ts';
import { uniqueItems } from './validation/uniqueItems.ts';
import { cutText } from '../../text/surrogates.ts';

/**
 * Arguments are checked against the tool's `inputSchema` before a call leaves the gateway: the
 * model gets an exact, actionable message (`/path must be string (got number 42)`) instead of
 * whatever the server makes of it, and the server never sees a call it would refuse.
 *
 * Lenient by design, since a wrong refusal is worse than a missed one: unknown keywords are
 * ignored (`strict: false`), `format` is not checked, and a schema Ajv cannot compile means no
 * validation for that tool (logged once), never a failed call.
 *
 * The schemas are a downstream server's and run on the gateway's main thread, so no keyword may
 * cost more than linear time in the arguments: patterns run on RE2 (`linearRegExp`; a pattern it
 * cannot read is not checked, logged once), and `uniqueItems` hashes instead of comparing pairs.
 * A schema whose references multiply (`expandedSchemaSize`) past `maxExpandedSchemaNodes` is not
 * compiled at all: its validation is skipped, logged, as for a schema that does not compile. A
 * recursive schema spends steps from a budget each time a reference is followed
 * (`validationSteps`, and more for bigger arguments); arguments that exhaust it are refused, so
 * the server never sees them.
 */
// `ownProperties`: arguments are JSON, so only their own keys count (an optional argument named
// `constructor` or `toString` was read from Object.prototype, and its call refused as the wrong type).
const options: Options = { strict: false, validateFormats: false, verbose: true, ownProperties: true, code: { regExp: linearRegExp } };

/**
 * Each tool has two validators: one that stops at the first error, which decides every call, and
 * one that collects all errors (`allErrors`), compiled when a call first fails, which words the
 * refusal. Arguments with more than `describeAllIssuesMaxValues` values are worded from the first
 * error alone: 800,000 failing items would give millions of errors (12 s, 1.2 GB).
 */
type Mode = 'first' | 'all';

/**
 * One Ajv per dialect for the whole process, each made when first needed: making one and compiling
 * its meta-schema costs tens of milliseconds, compiling a tool schema with a warm one well under
 * one. Each schema is removed from Ajv's registry right after compiling, so refreshed catalogs do
 * not pile up and two servers' schemas with the same `$id` cannot clash.
 */
type Dialect = 'draft07' | 'draft2019' | 'draft2020';
const dialects = new Map<`${Dialect}:${Mode}`, Ajv>();

function dialectOf(schema: JsonSchema): Dialect {
  const declared = typeof schema === 'object' && typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (declared.includes('2020-12')) return 'draft2020';
  if (declared.includes('2019-09')) return 'draft2019';
  return 'draft07';
}

function ajvFor(schema: JsonSchema, mode: Mode): Ajv {
  const dialect = dialectOf(schema);
  let ajv = dialects.get(`${dialect}:${mode}`);
  if (ajv === undefined) {
    const modeOptions = { ...options, allErrors: mode === 'all' };
    ajv = dialect === 'draft2020' ? new Ajv2020(modeOptions) : dialect === 'draft2019' ? new Ajv2019(modeOptions) : new Ajv(modeOptions);
    ajv.removeKeyword('uniqueItems').addKeyword(uniqueItems).addKeyword(stepCounter);
    // Compiles the meta-schema now, not inside the first call's deadline.
    ajv.compile({ type: 'object' });
    dialects.set(`${dialect}:${mode}`, ajv);
  }
  return ajv;
}

/**
 * Readies the Ajv of every dialect `tools` use; called when a catalog is listed, so the first
 * call of each kind does not pay for it. The tools' own validators are still compiled lazily.
 */
export function warmArgumentValidation(tools: readonly CatalogTool[]): void {
  for (const tool of tools) for (const mode of ['first', 'all'] as const) ajvFor(tool.inputSchema, mode);
}

/** `$schema` values the Ajv classes above do not know (draft-04, -06, custom) are dropped: the keywords mostly agree. */
function compilable(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object' || typeof schema['$schema'] !== 'string') return schema;
  if (/json-schema\.org\/(draft-07|draft\/2019-09|draft\/2020-12)\/schema/.test(schema['$schema'])) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

export type ArgumentCheck = (tool: CatalogTool, args: Record<string, unknown>) => string | undefined;

/**
 * A checker for one server. Validators are compiled lazily, once per listed tool: the catalog's
 * tool objects are replaced on every re-listing, so keying the cache by them compiles each tool
 * of a new catalog afresh (its schema may have changed) and lets the old validators go.
 * Returns the failure message, or `undefined` when the arguments are valid.
 */
export function createArgumentCheck(server: string, logger: Logger): ArgumentCheck {
  const validators = new WeakMap<CatalogTool, ToolValidators | null>();
  const validatorsOf = (tool: CatalogTool): ToolValidators | null => {
    let found = validators.get(tool);
    if (found === undefined) {
      found = newValidators(tool, logger);
      validators.set(tool, found);
    }
    return found;
  };
  return (tool, args) => {
    const found = validatorsOf(tool);
    if (found === null) return undefined;
    const label = `${server}.${tool.name}: invalid arguments`;
    const { validationSteps, validationStepsPerValue, describeAllIssuesMaxValues } = serverDefaults;
    const run = (validate: ValidateFunction) => withStepBudget(validationSteps, validationStepsPerValue, args, () => validate(args));
    try {
      if (run(found.first)) return undefined;
    } catch (error) {
      // A schema whose references loop without consuming anything (`A` → `B` → `A`) recurses on any value.
      if (error instanceof RangeError) return `${label}: the tool's inputSchema refers to itself in a loop that checks nothing (a $ref cycle), so no arguments can be checked against it; the server's schema needs fixing`;
      if (!(error instanceof StepBudgetExceeded)) throw error;
      return `${label}: checking them against the inputSchema took more than ${error.budget} steps (a recursive schema over deeply nested arguments); nest them less deeply`;
    }
    let errors = found.first.errors ?? [];
    const all = countValues(args, describeAllIssuesMaxValues) <= describeAllIssuesMaxValues ? found.all() : null;
    try {
      if (all !== null && !run(all)) errors = all.errors ?? errors;
    } catch (error) {
      if (!(error instanceof StepBudgetExceeded) && !(error instanceof RangeError)) throw error;
    }
    return `${label}: ${describeArgumentErrors(errors)}`;
  };
}

interface ToolValidators {
  /** Stops at the first error: decides. */
  readonly first: ValidateFunction;
  /** Collects every error: words a refusal; compiled on first use, `null` if it does not compile. */
  all(): ValidateFunction | null;
}

/** The tool's validators, or `null` (logged why) when its arguments cannot be validated. */
function newValidators(tool: CatalogTool, logger: Logger): ToolValidators | null {
  const maxNodes = serverDefaults.maxExpandedSchemaNodes;
  if (expandedSchemaSize(tool.inputSchema, maxNodes) > maxNodes) {
    logger.warn(`the tool's inputSchema expands past ${maxNodes} nodes; its arguments are not validated`, { tool: tool.name });
    return null;
  }
  // A pattern comes from a server: logged at a readable length.
  const first = reportingUnsupportedPatterns(
    ({ pattern, reason }) =>
      logger.warn("a pattern in the tool's inputSchema needs backtracking; it is not checked", { tool: tool.name, pattern: cutText(pattern, 200), reason }),
    () =>
      compile(tool.inputSchema, 'first', (reason) =>
        logger.warn("the tool's inputSchema does not compile; its arguments are not validated", { tool: tool.name, reason }),
      ),
  );
  if (first === null) return null;
  let all: { validate: ValidateFunction | null } | undefined;
  // Whatever compiling finds was logged above, for the first validator.
  const quiet = () => undefined;
  return { first, all: () => (all ??= { validate: reportingUnsupportedPatterns(quiet, () => compile(tool.inputSchema, 'all', quiet)) }).validate };
}


function compile(schema: JsonSchema, mode: Mode, onInvalid: (reason: string) => void): ValidateFunction | null {
  const ajv = ajvFor(schema, mode);
  let source: JsonSchema = compilable(schema);
  try {
    source = withStepCounters(source);
    return ajv.compile(source);
  } catch (error) {
    onInvalid(error instanceof Error ? error.message : String(error));
    return null;
  } finally {
    try {
      if (typeof source === 'object') ajv.removeSchema(source);
    } catch {
      // Nothing was registered: compiling failed before.
    }
  }
}
