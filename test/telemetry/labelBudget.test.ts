/** SPEC "Telemetry": each label keeps at most about 100 distinct values; past that, `other`. */
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/telemetry/metrics/GatewayMetrics.ts';
import { LabelBudget, otherLabel } from '../../src/telemetry/metrics/LabelBudget.ts';
import { parsePrometheusText } from '../fixtures/prometheusText.ts';

describe('LabelBudget', () => {
  it('keeps the first values as they are and counts the rest as other', () => {
    const budget = new LabelBudget(3);
    expect(['a', 'b', 'a', 'c', 'd', 'b', 'e'].map((name) => budget.value(name))).toEqual(['a', 'b', 'a', 'c', otherLabel, 'b', otherLabel]);
  });
});

describe('GatewayMetrics', () => {
  it('a catalog of 1,000 known tools makes at most about 100 tool label values', async () => {
    const metrics = new GatewayMetrics();
    for (let index = 0; index < 1_000; index++) metrics.toolCall('big', `tool${index}`, 0.01, undefined);
    const tools = new Set(
      parsePrometheusText(await metrics.text())
        .filter((sample) => sample.name === 'code_goat_tool_calls_total')
        .map((sample) => sample.labels['tool']),
    );
    expect(tools.size).toBeLessThanOrEqual(101);
    expect(tools.has(otherLabel)).toBe(true);
    expect(tools.has('tool0')).toBe(true);
  });

  it('a call refused as unknown or to a server that is down names no tool', async () => {
    const metrics = new GatewayMetrics();
    metrics.toolCall('nowhere', 'secretive', 0.01, 'UNKNOWN_SERVER');
    metrics.toolCall('fault', 'made_up', 0.01, 'UNKNOWN_TOOL');
    metrics.toolCall('down', 'whatever', 0.01, 'SERVER_UNAVAILABLE');
    const text = await metrics.text();
    for (const name of ['nowhere', 'secretive', 'made_up', 'whatever']) expect(text).not.toContain(name);
    expect(text).toContain('code_goat_tool_calls_total{server="down",tool="_unknown",outcome="server_unavailable"} 1');
  });
});

describe('the policy and rate-limit hooks', () => {
  it('count through the telemetry seam', async () => {
    const { GatewayTelemetry } = await import('../../src/telemetry/GatewayTelemetry.ts');
    const { LateMetrics } = await import('../../src/telemetry/metrics/LateMetrics.ts');
    const metrics = new GatewayMetrics();
    const late = new LateMetrics(async () => metrics);
    const telemetry = new GatewayTelemetry({ metrics: late });
    telemetry.policyDecision('deny');
    telemetry.policyDecision('deny');
    telemetry.rateLimited();
    await late.loaded();
    const text = await metrics.text();
    expect(text).toContain('code_goat_policy_decisions_total{decision="deny"} 2');
    expect(text).toContain('code_goat_rate_limited_total 1');
  });
});
