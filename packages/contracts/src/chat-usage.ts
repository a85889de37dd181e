import { z } from 'zod';
import { chatProviderInput } from './chat.js';

/** Bodies of `/api/v0.2/usage/*` (§3.9, §6.6): the original's field names, numbers from `usage_records`. */

const usd = z.number().nonnegative();
const count = z.int().nonnegative();

/** `GET /api/v0.2/usage/current` and `/usage/limits`: an optional provider (aliases such as `claude` accepted). */
export const usageProviderQuery = z.object({ provider: chatProviderInput.optional() });

/** `GET /api/v0.2/usage/history`: the last `days` UTC days, today included. */
export const usageHistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  provider: chatProviderInput.optional(),
});

/** `GET /api/v0.2/usage/reports/monthly`: a UTC month, the current one by default. */
export const monthlyReportQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Invalid month format. Use YYYY-MM')
    .optional(),
});

// The original converted `cost` with float(), so numeric strings keep working.
const costUsd = z.preprocess(
  (input) => (typeof input === 'string' && /^\d+(\.\d+)?$/.test(input) ? Number(input) : input),
  usd.max(1_000_000),
);

/**
 * `POST /api/v0.2/usage/log`: one usage entry for the caller. Lengths are those of `usage_records`;
 * `images`, `credits` and `quality` are accepted but have no column to be stored in.
 */
export const usageLogBody = z.object({
  provider: z.string().trim().min(1).max(50),
  operation: z.string().trim().min(1).max(32),
  cost: costUsd,
  tokens: z.int().nonnegative().max(2_147_483_647).nullish(),
  images: count.nullish(),
  credits: usd.nullish(),
  quality: z.string().max(32).nullish(),
  model: z.string().trim().min(1).max(100).nullish(),
  request_id: z.string().max(128).nullish(),
});
export type UsageLogBody = z.output<typeof usageLogBody>;

/** Answer of `POST /api/v0.2/usage/log`; `log_id` is the stored record's id. */
export const usageLogged = z.object({
  message: z.literal('Usage logged successfully'),
  log_id: z.string(),
  cost_logged: usd,
  timestamp: z.iso.datetime(),
});
export type UsageLogged = z.infer<typeof usageLogged>;

/** The current UTC month, first and last day. */
export const billingPeriod = z.object({ start: z.iso.date(), end: z.iso.date() });

/** One provider's usage in a period; `images` and `models` count image and 3D generation records. */
export const providerUsage = z.object({
  cost: usd,
  requests: count,
  tokens: count,
  images: count,
  models: count,
});
export type ProviderUsage = z.infer<typeof providerUsage>;

const usageTotals = {
  total_cost: usd,
  total_requests: count,
  total_tokens: count,
  total_images: count,
  total_3d_models: count,
};

/** Answer of `GET /api/v0.2/usage/current` (§6.6.1); a provider filter adds the last two fields. */
export const currentUsage = z.object({
  ...usageTotals,
  providers: z.record(z.string(), providerUsage),
  billing_period: billingPeriod,
  as_of: z.iso.datetime(),
  filtered_provider: z.string().optional(),
  provider_usage: providerUsage.optional(),
});
export type CurrentUsage = z.infer<typeof currentUsage>;

const dailyCost = z.object({ cost: usd, requests: count });

/** Answer of `GET /api/v0.2/usage/history` (§6.6.2): one entry per day, days without usage included. */
export const usageHistory = z.object({
  period: z.object({ start_date: z.iso.date(), end_date: z.iso.date(), days: z.int().min(1) }),
  usage_history: z.array(
    z.object({
      date: z.iso.date(),
      total_cost: usd,
      total_requests: count,
      total_tokens: count,
      total_images: count,
      breakdown: z.record(z.string(), dailyCost),
    }),
  ),
  summary: z.object({
    total_cost: usd,
    total_requests: count,
    average_daily_cost: usd,
    /** null while nothing cost anything in the period. */
    peak_cost_day: z.iso.date().nullable(),
  }),
  filtered_provider: z.string().optional(),
  provider_history: z.array(dailyCost.extend({ date: z.iso.date(), provider: z.string() })).optional(),
});
export type UsageHistory = z.infer<typeof usageHistory>;

/** Requests to one provider this month against the configured monthly limit. */
export const providerLimit = z.object({
  monthly_limit: count,
  used_this_month: count,
  remaining: count,
  tokens_used: count,
  cost_this_month: usd,
});
export type ProviderLimit = z.infer<typeof providerLimit>;

/** Spending this month against the configured monthly budget. */
export const monthlyBudget = z.object({
  budget: usd,
  spent: usd,
  remaining: usd,
  usage_percentage: z.number().nonnegative(),
});
export type MonthlyBudget = z.infer<typeof monthlyBudget>;

/** A limit or the budget used above 80 % (`provider` null for the budget). */
export const usageWarning = z.object({
  provider: z.string().nullable(),
  type: z.literal('high_usage'),
  message: z.string(),
  usage_percentage: z.number().nonnegative(),
});
export type UsageWarning = z.infer<typeof usageWarning>;

/** Answer of `GET /api/v0.2/usage/limits` (§6.6.3); an unknown provider filter maps to null, as in the original. */
export const usageLimits = z.object({
  billing_period: billingPeriod,
  monthly_budget: monthlyBudget,
  limits: z.record(z.string(), providerLimit.nullable()),
  warnings: z.array(usageWarning),
});
export type UsageLimits = z.infer<typeof usageLimits>;

/** A month's cost split at the budget: what is above it counts as overage. */
const charges = { subscription_fees: usd, overage_charges: usd };

/** Answer of `GET /api/v0.2/usage/billing/current` (§6.6.4); Gaia stores no payment method. */
export const currentBilling = z.object({
  billing_period: z.object({
    start_date: z.iso.date(),
    end_date: z.iso.date(),
    days_remaining: count,
  }),
  current_charges: z.object({ ...charges, usage_charges: usd, total: usd }),
  payment_method: z.null(),
  next_billing_date: z.iso.date(),
  auto_payment: z.boolean(),
  /** This month's cost so far, projected linearly to the end of the month. */
  estimated_next_bill: usd,
  billing_alerts: z.array(
    z.object({ type: z.string(), message: z.string(), severity: z.enum(['warning', 'critical']) }),
  ),
});
export type CurrentBilling = z.infer<typeof currentBilling>;

/** Answer of `GET /api/v0.2/usage/reports/monthly` (§6.6.5). */
export const monthlyReport = z.object({
  report_period: z.string(),
  generated_at: z.iso.datetime(),
  summary: z.object({ ...usageTotals, unique_operations: count }),
  provider_breakdown: z.record(z.string(), providerUsage),
  cost_categories: z.object({ ...charges, per_use_charges: usd }),
  top_operations: z.array(z.object({ operation: z.string(), cost: usd, count })),
  cost_optimization_suggestions: z.array(
    z.object({ suggestion: z.string(), potential_savings: usd, reasoning: z.string() }),
  ),
});
export type MonthlyReport = z.infer<typeof monthlyReport>;
