import type {
  CurrentBilling,
  CurrentUsage,
  MonthlyBudget,
  MonthlyReport,
  ProviderUsage,
  UsageHistory,
  UsageLimits,
  UsageLogBody,
  UsageLogged,
  UsageWarning,
} from '@gaia/contracts';
import { NotFoundError } from '@gaia/platform';
import type { ChatCaller } from '../chat/chat-engine.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { UsageGroup, UsageRange, UsageRecorder } from './usage-recorder.js';

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

const budgetMessage = (budget: MonthlyBudget) =>
  `Spending at ${budget.usage_percentage.toFixed(1)}% of the monthly budget of $${budget.budget}`;

/** The monthly allowance every user gets, from config. */
export interface UsageAllowance {
  monthlyBudgetUsd: number;
  monthlyRequestLimit: number;
}

export interface UsageReportsDeps {
  usage: Pick<UsageRecorder, 'summary' | 'daily' | 'log'>;
  registry: Pick<ModelRegistry, 'find' | 'provider' | 'providers'>;
  limits: UsageAllowance;
  now?: () => Date;
}

/** The `/api/v0.2/usage/*` answers (§3.9, §6.6) for one user; a provider may be named by an alias. */
export interface UsageReports {
  /**
   * This month's totals per provider, or one provider's share (NotFoundError for an unknown one).
   * @example const body = await reports.current(userId, { provider: 'claude' });
   */
  current(userId: string, query: { provider?: string }): Promise<CurrentUsage>;
  /**
   * The last `days` UTC days, today included, per day and provider.
   * @example const body = await reports.history(userId, { days: 7 });
   */
  history(userId: string, query: { days: number; provider?: string }): Promise<UsageHistory>;
  /**
   * Stores one entry a client reports, outside the batches, and answers with its id and time.
   * @example const body = await reports.log(caller, { provider: 'openai', operation: 'chat', cost: 0.02 });
   */
  log(caller: ChatCaller, entry: UsageLogBody): Promise<UsageLogged>;
  /**
   * This month's requests against the per-provider limit and spending against the budget, with warnings.
   * @example const body = await reports.limits(userId, {});
   */
  limits(userId: string, query: { provider?: string }): Promise<UsageLimits>;
  /**
   * This month's charges split at the budget, with a projection to the month's end.
   * @example const body = await reports.billingCurrent(userId);
   */
  billingCurrent(userId: string): Promise<CurrentBilling>;
  /**
   * One UTC month (`YYYY-MM`, the current one without it) per provider and top operations.
   * @example const body = await reports.monthly(userId, { month: '2024-03' });
   */
  monthly(userId: string, query: { month?: string }): Promise<MonthlyReport>;
}

/**
 * Usage reports over `usage_records`, where the original served mock data; the budget and request
 * limit are the same for every user. Months and days are UTC, and provider names are the registry's
 * ids (`claude` means `anthropic`).
 * @example const reports = createUsageReports({ usage, registry, limits: { monthlyBudgetUsd: 100, monthlyRequestLimit: 10_000 } });
 */
export function createUsageReports({
  usage,
  registry,
  limits: { monthlyBudgetUsd, monthlyRequestLimit },
  now = () => new Date(),
}: UsageReportsDeps): UsageReports {
  const budgetMicroUsd = microUsd(monthlyBudgetUsd);
  /** One spelling per provider: the registry's id for its names and aliases, other names lower-cased. */
  const providerId = (name: string) => registry.provider(name)?.id ?? name.toLowerCase();
  /** A provider's tally, empty for a known provider without records; undefined for an unknown one. */
  const usedBy = (providers: Map<string, Tally>, id: string) =>
    providers.get(id) ?? (registry.provider(id) ? emptyTally() : undefined);

  /** The month's cost split at the budget: what is above it is overage. */
  const split = (costMicroUsd: bigint) => {
    const withinBudget = costMicroUsd < budgetMicroUsd ? costMicroUsd : budgetMicroUsd;
    return { withinBudget: usd(withinBudget), overage: usd(costMicroUsd - withinBudget) };
  };
  const budgetUse = (costMicroUsd: bigint): MonthlyBudget => {
    const spent = usd(costMicroUsd);
    return {
      budget: monthlyBudgetUsd,
      spent,
      remaining: Math.max(0, usd(budgetMicroUsd - costMicroUsd)),
      usage_percentage: round((spent / monthlyBudgetUsd) * 100, 1),
    };
  };

  return {
    async current(userId, { provider }) {
      const time = now();
      const current = monthOf(time);
      const groups = await usage.summary(userId, current);
      const providers = tallies(groups, (group) => group.provider);
      const body: CurrentUsage = {
        ...totals(total(groups)),
        providers: mapValues(providers, providerUsage),
        billing_period: billingPeriod(current),
        as_of: time.toISOString(),
      };
      if (provider !== undefined) {
        const id = providerId(provider);
        const found = usedBy(providers, id);
        if (!found) throw new NotFoundError(`No usage data for provider: ${provider}`);
        body.filtered_provider = id;
        body.provider_usage = providerUsage(found);
      }
      return body;
    },

    async history(userId, { days, provider }) {
      const today = Date.parse(isoDay(now()));
      const since = today - (days - 1) * DAY_MS;
      const rows = await usage.daily(userId, { since: new Date(since), until: new Date(today + DAY_MS) });
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
      return body;
    },

    async log(caller, entry) {
      const costMicroUsd = microUsd(entry.cost);
      const stored = await usage.log({
        userId: caller.userId,
        apiKeyId: caller.apiKeyId,
        provider: providerId(entry.provider),
        model: entry.model ? (registry.find(entry.model)?.id ?? entry.model) : UNSPECIFIED_MODEL,
        operation: entry.operation,
        // A logged count has no input/output split.
        inputTokens: entry.tokens ?? 0,
        outputTokens: 0,
        costMicroUsd,
        latencyMs: null,
        ttftMs: null,
        status: 'ok',
        requestId: entry.request_id ?? caller.requestId,
      });
      return {
        message: 'Usage logged successfully',
        log_id: stored.id,
        cost_logged: usd(costMicroUsd),
        timestamp: stored.createdAt.toISOString(),
      };
    },

    async limits(userId, { provider }) {
      const current = monthOf(now());
      const groups = await usage.summary(userId, current);
      const providers = tallies(groups, (group) => group.provider);
      const names =
        provider === undefined
          ? [...new Set([...registry.providers().map((p) => p.id), ...providers.keys()])]
          : [providerId(provider)];
      const warnings: UsageWarning[] = [];
      const limits = Object.fromEntries(
        names.map((name) => {
          const used = usedBy(providers, name);
          if (!used) return [name, null];
          const percentage = round((used.requests / monthlyRequestLimit) * 100, 1);
          if (percentage > WARNING_PERCENT) {
            const message = `${name} usage at ${percentage.toFixed(1)}% of monthly limit`;
            warnings.push({ provider: name, type: 'high_usage', message, usage_percentage: percentage });
          }
          const limit = {
            monthly_limit: monthlyRequestLimit,
            used_this_month: used.requests,
            remaining: Math.max(0, monthlyRequestLimit - used.requests),
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
      return { billing_period: billingPeriod(current), monthly_budget: budget, limits, warnings };
    },

    async billingCurrent(userId) {
      const time = now();
      const current = monthOf(time);
      const cost = total(await usage.summary(userId, current)).costMicroUsd;
      const { withinBudget, overage } = split(cost);
      const budget = budgetUse(cost);
      const elapsed = time.getTime() - current.since.getTime();
      const monthLength = current.until.getTime() - current.since.getTime();
      const alerts: CurrentBilling['billing_alerts'] = [];
      if (budget.usage_percentage >= 100) {
        alerts.push({ type: 'limit_exceeded', message: budgetMessage(budget), severity: 'critical' });
      } else if (budget.usage_percentage > WARNING_PERCENT) {
        alerts.push({ type: 'approaching_limit', message: budgetMessage(budget), severity: 'warning' });
      }
      return {
        billing_period: {
          start_date: isoDay(current.since),
          end_date: lastDayOf(current),
          days_remaining: Math.round((Date.parse(lastDayOf(current)) - Date.parse(isoDay(time))) / DAY_MS),
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
    },

    async monthly(userId, query) {
      const time = now();
      const period = query.month
        ? month(Number(query.month.slice(0, 4)), Number(query.month.slice(5)) - 1)
        : monthOf(time);
      const groups = await usage.summary(userId, period);
      const all = total(groups);
      const operations = tallies(groups, (group) => group.operation);
      const { withinBudget, overage } = split(all.costMicroUsd);
      return {
        report_period: period.label,
        generated_at: time.toISOString(),
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
    },
  };
}
