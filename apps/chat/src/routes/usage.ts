import {
  monthlyReportQuery,
  usageHistoryQuery,
  usageLogBody,
  usageProviderQuery,
  type CurrentBilling,
  type CurrentUsage,
  type MonthlyBudget,
  type MonthlyReport,
  type ProviderUsage,
  type UsageHistory,
  type UsageLimits,
  type UsageLogged,
  type UsageWarning,
} from '@gaia/contracts';
import { NotFoundError, parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import type { ChatConfig } from '../config.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { UsageGroup, UsageRange, UsageRecorder } from '../usage/usage-recorder.js';
import { chatCaller } from './caller.js';

const BASE = '/api/v0.2/usage';
const DAY_MS = 86_400_000;
const WARNING_PERCENT = 80;
const TOP_OPERATIONS = 5;
// usage_records.model is required; a logged entry may name none.
const UNSPECIFIED_MODEL = 'unspecified';

/** Usage added up over some records, money in micro-USD until it is answered. */
interface Tally {
  costMicroUsd: bigint;
  requests: number;
  tokens: number;
  images: number;
  models: number;
}

const emptyTally = (): Tally => ({ costMicroUsd: 0n, requests: 0, tokens: 0, images: 0, models: 0 });

// Each generation is one record and the table has no unit column, so image and 3D counts are the
// records of operations that name them (`image_generation`, `text_to_3d`).
function add(tally: Tally, group: UsageGroup): Tally {
  tally.costMicroUsd += group.costMicroUsd;
  tally.requests += group.requests;
  tally.tokens += group.tokens;
  if (/image/i.test(group.operation)) tally.images += group.requests;
  if (/3d/i.test(group.operation)) tally.models += group.requests;
  return tally;
}

const total = (groups: UsageGroup[]) => groups.reduce(add, emptyTally());

function tallies(groups: UsageGroup[], key: (group: UsageGroup) => string): Map<string, Tally> {
  const byKey = new Map<string, Tally>();
  for (const group of groups) {
    const name = key(group);
    byKey.set(name, add(byKey.get(name) ?? emptyTally(), group));
  }
  return byKey;
}

const usd = (microUsd: bigint) => Number(microUsd) / 1e6;
const microUsd = (usdAmount: number) => BigInt(Math.round(usdAmount * 1e6));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const isoDay = (time: Date | number) => new Date(time).toISOString().slice(0, 10);
const mapValues = <T>(map: Map<string, Tally>, json: (tally: Tally) => T) =>
  Object.fromEntries([...map].map(([key, tally]) => [key, json(tally)]));

const providerUsage = (t: Tally): ProviderUsage => ({
  cost: usd(t.costMicroUsd),
  requests: t.requests,
  tokens: t.tokens,
  images: t.images,
  models: t.models,
});
const totals = (t: Tally) => ({
  total_cost: usd(t.costMicroUsd),
  total_requests: t.requests,
  total_tokens: t.tokens,
  total_images: t.images,
  total_3d_models: t.models,
});

/** A UTC calendar month as a range (`until` is the first instant of the next month). */
interface Month extends UsageRange {
  label: string;
}

function month(year: number, monthIndex: number): Month {
  const since = new Date(Date.UTC(year, monthIndex, 1));
  return { since, until: new Date(Date.UTC(year, monthIndex + 1, 1)), label: isoDay(since).slice(0, 7) };
}
const monthOf = (time: Date) => month(time.getUTCFullYear(), time.getUTCMonth());
const lastDayOf = (m: Month) => isoDay(m.until.getTime() - DAY_MS);
const billingPeriod = (m: Month) => ({ start: isoDay(m.since), end: lastDayOf(m) });

/**
 * The `/api/v0.2/usage/*` routes (§3.9, §6.6) over the caller's `usage_records`, where the original
 * served mock data and stored nothing; limits and the budget come from config. Months and days are UTC.
 * Provider names are the registry's ids (`claude` in a query or body means `anthropic`).
 * @example usageRoutes(app, { usage, registry, config });
 */
export function usageRoutes(
  router: IRouter,
  {
    usage,
    registry,
    config,
  }: {
    usage: Pick<UsageRecorder, 'summary' | 'daily' | 'log'>;
    registry: ModelRegistry;
    config: Pick<ChatConfig, 'USAGE_MONTHLY_BUDGET_USD' | 'USAGE_MONTHLY_REQUEST_LIMIT'>;
  },
): void {
  const budgetMicroUsd = microUsd(config.USAGE_MONTHLY_BUDGET_USD);
  const requestLimit = config.USAGE_MONTHLY_REQUEST_LIMIT;
  /** One spelling per provider: the registry's id for its names and aliases, other names lower-cased. */
  const providerId = (name: string) => registry.provider(name)?.id ?? name.toLowerCase();

  /** The month's cost split at the budget: what is above it is overage. */
  const split = (costMicroUsd: bigint) => {
    const withinBudget = costMicroUsd < budgetMicroUsd ? costMicroUsd : budgetMicroUsd;
    return { withinBudget: usd(withinBudget), overage: usd(costMicroUsd - withinBudget) };
  };
  const budgetMessage = (budget: MonthlyBudget) =>
    `Spending at ${budget.usage_percentage.toFixed(1)}% of the monthly budget of $${budget.budget}`;
  const budgetUse = (costMicroUsd: bigint): MonthlyBudget => {
    const spent = usd(costMicroUsd);
    return {
      budget: config.USAGE_MONTHLY_BUDGET_USD,
      spent,
      remaining: Math.max(0, usd(budgetMicroUsd - costMicroUsd)),
      usage_percentage: round((spent / config.USAGE_MONTHLY_BUDGET_USD) * 100, 1),
    };
  };

  router.get(`${BASE}/current`, async (req, res) => {
    const { provider } = parseInput(usageProviderQuery, req.query, 'query');
    const now = new Date();
    const current = monthOf(now);
    const groups = await usage.summary(chatCaller(res).userId, current);
    const providers = tallies(groups, (group) => group.provider);
    const body: CurrentUsage = {
      ...totals(total(groups)),
      providers: mapValues(providers, providerUsage),
      billing_period: billingPeriod(current),
      as_of: now.toISOString(),
    };
    if (provider !== undefined) {
      const id = providerId(provider);
      const found = providers.get(id) ?? (registry.provider(id) ? emptyTally() : undefined);
      if (!found) throw new NotFoundError(`No usage data for provider: ${provider}`);
      body.filtered_provider = id;
      body.provider_usage = providerUsage(found);
    }
    res.json(body);
  });

  router.get(`${BASE}/history`, async (req, res) => {
    const { days, provider } = parseInput(usageHistoryQuery, req.query, 'query');
    const today = Date.parse(isoDay(new Date()));
    const since = today - (days - 1) * DAY_MS;
    const rows = await usage.daily(chatCaller(res).userId, {
      since: new Date(since),
      until: new Date(today + DAY_MS),
    });
    const dates = Array.from({ length: days }, (_, index) => isoDay(since + index * DAY_MS));
    const history = dates.map((date) => {
      const ofDay = rows.filter((row) => row.day === date);
      const dayTotal = total(ofDay);
      return {
        date,
        total_cost: usd(dayTotal.costMicroUsd),
        total_requests: dayTotal.requests,
        total_tokens: dayTotal.tokens,
        total_images: dayTotal.images,
        breakdown: mapValues(
          tallies(ofDay, (row) => row.provider),
          (t) => ({ cost: usd(t.costMicroUsd), requests: t.requests }),
        ),
      };
    });
    const all = total(rows);
    const peak = history.reduce((best, entry) => (entry.total_cost > best.total_cost ? entry : best));
    const body: UsageHistory = {
      period: { start_date: dates[0]!, end_date: dates.at(-1)!, days },
      usage_history: history,
      summary: {
        total_cost: usd(all.costMicroUsd),
        total_requests: all.requests,
        average_daily_cost: usd(all.costMicroUsd) / days,
        peak_cost_day: all.costMicroUsd > 0n ? peak.date : null,
      },
    };
    if (provider !== undefined) {
      const id = providerId(provider);
      body.filtered_provider = id;
      body.provider_history = history.map((entry) => ({
        date: entry.date,
        provider: id,
        cost: entry.breakdown[id]?.cost ?? 0,
        requests: entry.breakdown[id]?.requests ?? 0,
      }));
    }
    res.json(body);
  });

  router.post(`${BASE}/log`, async (req, res) => {
    const body = parseInput(usageLogBody, req.body);
    const caller = chatCaller(res);
    const costMicroUsd = microUsd(body.cost);
    const stored = await usage.log({
      userId: caller.userId,
      apiKeyId: caller.apiKeyId,
      provider: providerId(body.provider),
      model: body.model ? (registry.find(body.model)?.id ?? body.model) : UNSPECIFIED_MODEL,
      operation: body.operation,
      // A logged count has no input/output split.
      inputTokens: body.tokens ?? 0,
      outputTokens: 0,
      costMicroUsd,
      latencyMs: null,
      ttftMs: null,
      status: 'ok',
      requestId: body.request_id ?? caller.requestId,
    });
    const answer: UsageLogged = {
      message: 'Usage logged successfully',
      log_id: stored.id,
      cost_logged: usd(costMicroUsd),
      timestamp: stored.createdAt.toISOString(),
    };
    res.json(answer);
  });

  router.get(`${BASE}/limits`, async (req, res) => {
    const { provider } = parseInput(usageProviderQuery, req.query, 'query');
    const current = monthOf(new Date());
    const groups = await usage.summary(chatCaller(res).userId, current);
    const providers = tallies(groups, (group) => group.provider);
    const names =
      provider === undefined
        ? [...new Set([...registry.providers().map((p) => p.id), ...providers.keys()])]
        : [providerId(provider)];
    const warnings: UsageWarning[] = [];
    const limits = Object.fromEntries(
      names.map((name) => {
        const used = providers.get(name) ?? (registry.provider(name) ? emptyTally() : undefined);
        if (!used) return [name, null];
        const percentage = round((used.requests / requestLimit) * 100, 1);
        if (percentage > WARNING_PERCENT) {
          const message = `${name} usage at ${percentage.toFixed(1)}% of monthly limit`;
          warnings.push({ provider: name, type: 'high_usage', message, usage_percentage: percentage });
        }
        const limit = {
          monthly_limit: requestLimit,
          used_this_month: used.requests,
          remaining: Math.max(0, requestLimit - used.requests),
          tokens_used: used.tokens,
          cost_this_month: usd(used.costMicroUsd),
        };
        return [name, limit];
      }),
    );
    const budget = budgetUse(total(groups).costMicroUsd);
    if (budget.usage_percentage > WARNING_PERCENT) {
      warnings.push({
        provider: null,
        type: 'high_usage',
        message: budgetMessage(budget),
        usage_percentage: budget.usage_percentage,
      });
    }
    const body: UsageLimits = {
      billing_period: billingPeriod(current),
      monthly_budget: budget,
      limits,
      warnings,
    };
    res.json(body);
  });

  router.get(`${BASE}/billing/current`, async (_req, res) => {
    const now = new Date();
    const current = monthOf(now);
    const cost = total(await usage.summary(chatCaller(res).userId, current)).costMicroUsd;
    const { withinBudget, overage } = split(cost);
    const budget = budgetUse(cost);
    const elapsed = now.getTime() - current.since.getTime();
    const monthLength = current.until.getTime() - current.since.getTime();
    const alerts: CurrentBilling['billing_alerts'] = [];
    if (budget.usage_percentage >= 100) {
      alerts.push({ type: 'limit_exceeded', message: budgetMessage(budget), severity: 'critical' });
    } else if (budget.usage_percentage > WARNING_PERCENT) {
      alerts.push({ type: 'approaching_limit', message: budgetMessage(budget), severity: 'warning' });
    }
    const body: CurrentBilling = {
      billing_period: {
        start_date: isoDay(current.since),
        end_date: lastDayOf(current),
        days_remaining: Math.round((Date.parse(lastDayOf(current)) - Date.parse(isoDay(now))) / DAY_MS),
      },
      current_charges: {
        subscription_fees: 0,
        usage_charges: withinBudget,
        overage_charges: overage,
        total: usd(cost),
      },
      payment_method: null,
      next_billing_date: isoDay(current.until),
      auto_payment: false,
      estimated_next_bill: round((usd(cost) * monthLength) / Math.max(elapsed, 1), 6),
      billing_alerts: alerts,
    };
    res.json(body);
  });

  router.get(`${BASE}/reports/monthly`, async (req, res) => {
    const query = parseInput(monthlyReportQuery, req.query, 'query');
    const period = query.month
      ? month(Number(query.month.slice(0, 4)), Number(query.month.slice(5)) - 1)
      : monthOf(new Date());
    const groups = await usage.summary(chatCaller(res).userId, period);
    const all = total(groups);
    const operations = tallies(groups, (group) => group.operation);
    const { withinBudget, overage } = split(all.costMicroUsd);
    const body: MonthlyReport = {
      report_period: period.label,
      generated_at: new Date().toISOString(),
      summary: { ...totals(all), unique_operations: operations.size },
      provider_breakdown: mapValues(
        tallies(groups, (group) => group.provider),
        providerUsage,
      ),
      cost_categories: { subscription_fees: 0, per_use_charges: withinBudget, overage_charges: overage },
      top_operations: [...operations]
        .sort(([, a], [, b]) => Number(b.costMicroUsd - a.costMicroUsd) || b.requests - a.requests)
        .slice(0, TOP_OPERATIONS)
        .map(([operation, t]) => ({ operation, cost: usd(t.costMicroUsd), count: t.requests })),
      // Suggestions are not invented: nothing in Gaia computes them yet.
      cost_optimization_suggestions: [],
    };
    res.json(body);
  });
}
