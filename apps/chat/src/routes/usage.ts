import { monthlyReportQuery, usageHistoryQuery, usageLogBody, usageProviderQuery } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import type { ChatConfig } from '../config.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { createUsageReports } from '../usage/usage-report.js';
import { chatCaller } from './caller.js';

const BASE = '/api/v0.2/usage';

/**
 * The `/api/v0.2/usage/*` routes (§3.9, §6.6) over the caller's `usage_records`; the reports are built
 * by `createUsageReports`, with the budget and request limit from config.
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
  const reports = createUsageReports({
    usage,
    registry,
    limits: {
      monthlyBudgetUsd: config.USAGE_MONTHLY_BUDGET_USD,
      monthlyRequestLimit: config.USAGE_MONTHLY_REQUEST_LIMIT,
    },
  });

  router.get(`${BASE}/current`, async (req, res) => {
    const query = parseInput(usageProviderQuery, req.query, 'query');
    res.json(await reports.current(chatCaller(res).userId, query));
  });
  router.get(`${BASE}/history`, async (req, res) => {
    const query = parseInput(usageHistoryQuery, req.query, 'query');
    res.json(await reports.history(chatCaller(res).userId, query));
  });
  router.post(`${BASE}/log`, async (req, res) => {
    const body = parseInput(usageLogBody, req.body);
    res.json(await reports.log(chatCaller(res), body));
  });
  router.get(`${BASE}/limits`, async (req, res) => {
    const query = parseInput(usageProviderQuery, req.query, 'query');
    res.json(await reports.limits(chatCaller(res).userId, query));
  });
  router.get(`${BASE}/billing/current`, async (_req, res) => {
    res.json(await reports.billingCurrent(chatCaller(res).userId));
  });
  router.get(`${BASE}/reports/monthly`, async (req, res) => {
    const query = parseInput(monthlyReportQuery, req.query, 'query');
    res.json(await reports.monthly(chatCaller(res).userId, query));
  });
}
