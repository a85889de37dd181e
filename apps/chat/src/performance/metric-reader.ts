import type client from 'prom-client';

/** Sum and count of a histogram's observations. */
export interface SumCount {
  sum: number;
  count: number;
}

/**
 * A histogram's sum and count per value of one label, or added up under `''` without a label; empty
 * when the histogram is not registered.
 * @example const ttftByModel = await histogramTotals(metrics.registry, 'gaia_chat_time_to_first_token_seconds', 'model');
 */
export async function histogramTotals(
  registry: client.Registry,
  name: string,
  label?: string,
): Promise<Map<string, SumCount>> {
  const totals = new Map<string, SumCount>();
  const metric = registry.getSingleMetric(name);
  if (!metric) return totals;
  // A histogram's values carry the series they belong to (`_bucket`, `_sum`, `_count`) in metricName.
  const values = (await metric.get()).values as {
    metricName?: string;
    labels: Partial<Record<string, string | number>>;
    value: number;
  }[];
  for (const { metricName, labels, value } of values) {
    const part = metricName === `${name}_sum` ? 'sum' : metricName === `${name}_count` ? 'count' : undefined;
    if (!part) continue;
    const key = label === undefined ? '' : String(labels[label] ?? '');
    const entry = totals.get(key) ?? { sum: 0, count: 0 };
    entry[part] += value;
    totals.set(key, entry);
  }
  return totals;
}

/**
 * A gauge's value added up over its label sets; null when the gauge is not registered.
 * @example const streams = await gaugeValue(metrics.registry, 'gaia_chat_streams_in_flight');
 */
export async function gaugeValue(registry: client.Registry, name: string): Promise<number | null> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return null;
  return (await metric.get()).values.reduce((sum, { value }) => sum + value, 0);
}
