/**
 * The workflow tasks of the `workflows` benchmark, each written twice: as the direct tool calls an
 * agent makes one turn at a time, and as one `execute_code` program. The shape of a workflow is
 * declared in `index.d.mts`; test/bench/workflows.test.ts runs every program once as a correctness test.
 */
import copyTransform from './copyTransform.mjs';
import csvFilter from './csvFilter.mjs';
import directorySummary from './directorySummary.mjs';
import memoryGraph from './memoryGraph.mjs';
import sumNumbers from './sumNumbers.mjs';

export { createWorkspace, workflowServers } from './workspace.mjs';

export const workflows = [directorySummary, csvFilter, memoryGraph, sumNumbers, copyTransform];
