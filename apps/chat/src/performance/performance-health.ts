import type { ProviderId } from '../providers/provider.js';
import type { HealthStatus, ProviderSummary } from '../registry/model-registry.js';

/** The performance routes' vocabulary (§8): a degraded provider is a `warning`, an open circuit `critical`. */
export type PerformanceStatus = 'healthy' | 'warning' | 'critical';

export const performanceStatusOf: Record<HealthStatus, PerformanceStatus | 'unavailable'> = {
  healthy: 'healthy',
  degraded: 'warning',
  unhealthy: 'critical',
  unavailable: 'unavailable',
};

// The original's rules (§8): average response time and error rate decide the status and its score.
const RESPONSE_TIME_S = { warning: 2, critical: 5 };
const ERROR_RATE_PERCENT = { warning: 1, critical: 5 };
const BUSY_STREAMS = 50;
export const healthScores: Record<PerformanceStatus, number> = { healthy: 95, warning: 75, critical: 40 };
export const healthThresholds = {
  healthy_response_time: `< ${RESPONSE_TIME_S.warning}.0s`,
  warning_response_time: `< ${RESPONSE_TIME_S.critical}.0s`,
  critical_response_time: `>= ${RESPONSE_TIME_S.critical}.0s`,
  healthy_error_rate: `< ${ERROR_RATE_PERCENT.warning}.0%`,
  warning_error_rate: `< ${ERROR_RATE_PERCENT.critical}.0%`,
  critical_error_rate: `>= ${ERROR_RATE_PERCENT.critical}.0%`,
};

/** The configured providers' last five minutes, as the registry's traffic windows hold them. */
export interface RecentTraffic {
  configured: number;
  requests: number;
  errors: number;
  /** Mean of the providers' moving-average durations, weighted by their requests; 0 without any. */
  responseTimeS: number;
  errorRatePercent: number;
  openCircuits: ProviderId[];
}

export interface HealthAlert {
  level: 'warning' | 'critical';
  message: string;
  threshold: string;
  recommendation: string;
}

/**
 * Adds up the recent traffic of the configured providers.
 * @example const recent = recentTraffic(registry.providers());
 */
export function recentTraffic(providers: ProviderSummary[]): RecentTraffic {
  const configured = providers.filter((p) => p.available).map((p) => p.health);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const timed = configured.filter((h) => h.requests > 0 && h.durationMs !== null);
  const timedRequests = sum(timed.map((h) => h.requests));
  const requests = sum(configured.map((h) => h.requests));
  const errors = sum(configured.map((h) => h.errors));
  return {
    configured: configured.length,
    requests,
    errors,
    responseTimeS:
      timedRequests === 0 ? 0 : sum(timed.map((h) => h.durationMs! * h.requests)) / timedRequests / 1000,
    errorRatePercent: requests === 0 ? 0 : Math.round((errors / requests) * 10_000) / 100,
    openCircuits: configured.filter((h) => h.circuit === 'open').map((h) => h.provider),
  };
}

/**
 * The original's thresholds on response time and error rate; an open circuit makes it at least a
 * warning, and with every configured provider's circuit open nothing can answer.
 * @example const status = judgeHealth(recentTraffic(registry.providers()));
 */
export function judgeHealth(recent: RecentTraffic): PerformanceStatus {
  const { responseTimeS: time, errorRatePercent: errors, openCircuits } = recent;
  if (openCircuits.length > 0 && openCircuits.length === recent.configured) return 'critical';
  if (time >= RESPONSE_TIME_S.critical || errors >= ERROR_RATE_PERCENT.critical) return 'critical';
  if (time >= RESPONSE_TIME_S.warning || errors >= ERROR_RATE_PERCENT.warning) return 'warning';
  return openCircuits.length > 0 ? 'warning' : 'healthy';
}

/**
 * Worst of the configured providers' statuses: critical only when none of them can answer.
 * @example const overall = overallHealth(registry.providers());
 */
export function overallHealth(providers: ProviderSummary[]): PerformanceStatus {
  const statuses = providers.filter((p) => p.available).map((p) => performanceStatusOf[p.health.status]);
  if (statuses.every((status) => status === 'healthy')) return 'healthy';
  return statuses.some((status) => status !== 'critical') ? 'warning' : 'critical';
}

/**
 * The original's alerts (slow responses, errors, many streams) plus one per open circuit.
 * @example const alerts = healthAlerts(recentTraffic(registry.providers()), 3);
 */
export function healthAlerts(recent: RecentTraffic, streamsInFlight: number): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  const time = recent.responseTimeS;
  if (time > RESPONSE_TIME_S.critical) {
    alerts.push({
      level: 'critical',
      message: `High average response time: ${time.toFixed(2)}s`,
      threshold: `${RESPONSE_TIME_S.critical}.0s`,
      recommendation: 'Check provider performance and system resources',
    });
  } else if (time > RESPONSE_TIME_S.warning) {
    alerts.push({
      level: 'warning',
      message: `Elevated response time: ${time.toFixed(2)}s`,
      threshold: `${RESPONSE_TIME_S.warning}.0s`,
      recommendation: 'Monitor provider response times',
    });
  }
  const errors = recent.errorRatePercent;
  if (errors > ERROR_RATE_PERCENT.critical) {
    alerts.push({
      level: 'critical',
      message: `High error rate: ${errors.toFixed(1)}%`,
      threshold: `${ERROR_RATE_PERCENT.critical}.0%`,
      recommendation: 'Check provider health and API quotas',
    });
  } else if (errors > ERROR_RATE_PERCENT.warning) {
    alerts.push({
      level: 'warning',
      message: `Elevated error rate: ${errors.toFixed(1)}%`,
      threshold: `${ERROR_RATE_PERCENT.warning}.0%`,
      recommendation: 'Monitor provider error patterns',
    });
  }
  for (const provider of recent.openCircuits) {
    alerts.push({
      level: 'critical',
      message: `Circuit open for provider ${provider}: its requests go to other providers`,
      threshold: 'circuit closed',
      recommendation: `Check ${provider}'s status and credentials; the circuit probes it again by itself`,
    });
  }
  if (streamsInFlight > BUSY_STREAMS) {
    alerts.push({
      level: 'warning',
      message: `High concurrent requests: ${streamsInFlight}`,
      threshold: String(BUSY_STREAMS),
      recommendation: 'Consider scaling or rate limiting',
    });
  }
  return alerts;
}
