import { telemetryDefaults } from '../../config/defaults.ts';

/** The label value of a tool or server name the catalog does not know (SPEC: such a name never becomes a label value). */
export const unknownLabel = '_unknown';
/** The label value of every name past a label's budget. */
export const otherLabel = 'other';

/**
 * Keeps one label's set of values bounded: the first `limit` distinct values are kept as they are,
 * later new ones become `other`. A series per value is what a Prometheus server stores forever, so
 * a client that calls many names (or a catalog that churns) must not grow it without end.
 */
export class LabelBudget {
  readonly #limit: number;
  readonly #seen = new Set<string>();

  constructor(limit: number = telemetryDefaults.maxLabelValues) {
    this.#limit = limit;
  }

  value(name: string): string {
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.#limit) return otherLabel;
    this.#seen.add(name);
    return name;
  }
}
