import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadAuthConfig, startAuth } from '@gaia/auth';
import { loadChatConfig, startChat } from '@gaia/chat';
import { startFakeUpstream, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { loadGatewayConfig, startGateway } from '@gaia/gateway';
import type { RunningService } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { json, post, secret } from '../e2e/stack.js';

const dashboardDir = 'charts/gaia/dashboards';
const adapterRulesFile = 'charts/gaia/files/prometheus-adapter-rules.yaml';

/** Metrics the cluster exports, not Gaia: the only other names the dashboards and rules may use. */
const clusterMetrics = new Set([
  // kube-state-metrics (installed by kube-prometheus-stack)
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_status_desired_replicas',
  'kube_horizontalpodautoscaler_status_condition',
  'kube_deployment_status_replicas_ready',
  'kube_pod_container_resource_requests',
  'kube_pod_status_ready',
  // cAdvisor, scraped from each kubelet's /metrics/cadvisor
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
]);

const grafanaBuiltins = new Set(['__rate_interval', '__interval', '__range', '__all']);
const promqlKeywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, aggregations,
 * keywords, label names, string contents, durations or template variables (Grafana `$x`, `${x}`,
 * `[[x]]`; prometheus-adapter `<<.Series>>`).
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/<<[^>]*>>/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+|\[\[[^\]]*\]\]/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*(?!\w*\s*\()/g)].map(([name]) => name);
  return [...new Set(names.filter((name) => !promqlKeywords.has(name)))];
}

/** The PromQL inside a Grafana variable query (`label_values(<expr>, label)`, `query_result(<expr>)`). */
function variableExpr(query: string): string | undefined {
  return /^\s*(?:label_values\((.+),\s*\w+\s*\)|query_result\((.+)\))\s*$/s
    .exec(query)
    ?.slice(1)
    .find((part) => part !== undefined);
}

interface Panel {
  title?: string;
  type: string;
  targets?: { expr?: string; refId?: string }[];
  gridPos?: unknown;
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

const dashboards = readdirSync(dashboardDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, text: readFileSync(`${dashboardDir}/${file}`, 'utf8') }));
const parsed = (text: string) => JSON.parse(text) as Dashboard;
const allPanels = (panels: Panel[] = []): Panel[] =>
  panels.flatMap((panel) => [panel, ...allPanels(panel.panels)]);
const variableQuery = (variable: Variable) =>
  typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');

/** Every PromQL expression of a dashboard, with where it sits. */
function dashboardExprs(file: string, dashboard: Dashboard): { where: string; expr: string }[] {
  const panels = allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({ where: `${file} "${panel.title}" ${t.refId}`, expr: t.expr ?? '' })),
  );
  const variables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({
      where: `${file} variable ${variable.name}`,
      expr: variableExpr(variableQuery(variable)) ?? '',
    }));
  return [...panels, ...variables];
}

interface AdapterRule {
  seriesQuery: string;
  metricsQuery: string;
  name: { as: string };
}
const adapterRules = (parse(readFileSync(adapterRulesFile, 'utf8')) as { rules: { custom: AdapterRule[] } })
  .rules.custom;

/** Every `datasource` object anywhere in the JSON. */
function datasources(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(datasources);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'datasource' ? [value, ...datasources(value)] : datasources(value),
  );
}

describe('metricNames (PromQL)', () => {
  it('keeps metric names and drops functions, labels, strings, durations and variables', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(x_bucket{service="$service", route!~"/health|a b"}[$__rate_interval])))',
      ),
    ).to.deep.equal(['x_bucket']);
    expect(
      metricNames('sum(rate(a_total[5m])) / sum without (pod) (b) * on (pod) group_left (node) c offset 1h'),
    ).to.deep.equal(['a_total', 'b', 'c']);
    expect(
      metricNames('label_replace(up{pod=~"(${service})-.+"}, "deployment", "$1", "pod", "(.+)") > bool 0'),
    ).to.deep.equal(['up']);
    expect(metricNames('sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m]))')).to.deep.equal(
      [],
    );
    expect(metricNames('a and b unless c or d_total > 1e3')).to.deep.equal(['a', 'b', 'c', 'd_total']);
  });
});

describe('Grafana dashboards', () => {
  it('exist for RED, streaming and autoscaling', () => {
    expect(dashboards.map((d) => d.file)).to.include.members([
      'gaia-red.json',
      'gaia-streaming.json',
      'gaia-autoscaling.json',
    ]);
  });

  for (const { file, text } of dashboards) {
    describe(file, () => {
      it('is JSON with a uid, a title and a recent schema', () => {
        const dashboard = parsed(text);
        expect(dashboard.uid)
          .to.be.a('string')
          .and.match(/^[\w-]{1,40}$/);
        expect(dashboard.title).to.be.a('string').and.not.equal('');
        expect(dashboard.schemaVersion).to.be.within(36, 41);
      });

      it('has a Prometheus data source variable and namespace and service variables', () => {
        const variables = parsed(text).templating?.list ?? [];
        expect(variables.find((v) => v.name === 'datasource')).to.include({
          type: 'datasource',
          query: 'prometheus',
        });
        expect(variables.map((v) => v.name)).to.include.members(['namespace', 'service']);
      });

      it('queries only through ${datasource}, never a hard-coded data source', () => {
        const used = datasources(parsed(text));
        expect(used).to.not.be.empty;
        for (const datasource of used)
          expect(datasource).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
      });

      it('has panels with a grid position, and every non-row panel queries something', () => {
        const panels = allPanels(parsed(text).panels);
        expect(panels).to.not.be.empty;
        for (const panel of panels) {
          expect(panel.gridPos, panel.title).to.be.an('object');
          if (panel.type === 'row') continue;
          expect(panel.targets, panel.title).to.be.an('array').that.is.not.empty;
          for (const target of panel.targets!)
            expect(target.expr, panel.title).to.be.a('string').and.not.empty;
        }
      });

      it('references only variables it defines', () => {
        const dashboard = parsed(text);
        const defined = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
        for (const { where, expr } of dashboardExprs(file, dashboard)) {
          for (const [, plain, braced] of expr.matchAll(/\$(?:(\w+)|\{(\w+)[^}]*\})/g)) {
            const name = plain ?? braced!;
            if (/^\d+$/.test(name) || grafanaBuiltins.has(name)) continue;
            expect(defined.has(name), `${where}: $${name}`).to.equal(true);
          }
        }
      });
    });
  }

  it('have distinct uids', () => {
    const uids = dashboards.map(({ text }) => parsed(text).uid);
    expect(new Set(uids).size).to.equal(uids.length);
  });
});

describe('prometheus-adapter rules', () => {
  it('serve gaia_chat_streams_in_flight and gaia_gateway_requests_per_second per pod', () => {
    expect(adapterRules.map((rule) => rule.name.as)).to.have.members([
      'gaia_chat_streams_in_flight',
      'gaia_gateway_requests_per_second',
    ]);
    for (const rule of adapterRules) {
      expect(rule.seriesQuery).to.contain('pod!=""');
      expect(rule.metricsQuery).to.contain('<<.Series>>{<<.LabelMatchers>>');
      expect(rule.metricsQuery).to.contain('by (<<.GroupBy>>)');
    }
  });
});

interface Rendered {
  kind?: string;
  spec?: {
    groups?: { rules?: { expr?: string }[] }[];
    triggers?: { type: string; metadata: { query?: string } }[];
  };
}

/**
 * The PromQL the chart renders for each ci values file with its alerts on: PrometheusRule
 * expressions and KEDA ScaledObject Prometheus queries.
 */
function chartExprs(): { where: string; expr: string }[] {
  return readdirSync('charts/gaia/ci').flatMap((values) => {
    const manifest = execFileSync(
      process.execPath,
      [
        ...['scripts/helm.mjs', 'template', 'gaia', 'charts/gaia', '-n', 'gaia'],
        ...['-f', `charts/gaia/ci/${values}`, '--set', 'prometheusRule.enabled=true'],
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const objects = parseAllDocuments(manifest).map((doc) => doc.toJS() as Rendered | null);
    const alerts = objects
      .filter((object) => object?.kind === 'PrometheusRule')
      .flatMap((rule) => rule!.spec?.groups ?? [])
      .flatMap((group) => group.rules ?? [])
      .map((rule) => ({ where: `PrometheusRule (ci/${values})`, expr: String(rule.expr) }));
    const triggers = objects
      .filter((object) => object?.kind === 'ScaledObject')
      .flatMap((scaledObject) => scaledObject!.spec?.triggers ?? [])
      .filter((trigger) => trigger.type === 'prometheus')
      .map((trigger) => ({ where: `ScaledObject (ci/${values})`, expr: String(trigger.metadata.query) }));
    return [...alerts, ...triggers];
  });
}

/**
 * Starts auth, chat and gateway as their deployments run (real PostgreSQL and NATS, chat on a fake
 * OpenAI), sends the requests that create labelled series, and returns every name in their /metrics.
 */
async function scrapeLiveServices(
  database: TestDatabase,
  upstream: RunningFakeUpstream,
): Promise<Set<string>> {
  const shared = {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_MS: '500',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    INTERNAL_AUTH_SECRET: secret(),
    SUPABASE_JWT_SECRET: secret(),
  };
  const services: RunningService[] = [];
  try {
    const auth = await startAuth(loadAuthConfig({ ...shared, DATABASE_URL: database.url }));
    services.push(auth);
    const chat = await startChat(
      loadChatConfig({
        ...shared,
        DATABASE_URL: database.url,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
      }),
    );
    services.push(chat);
    const gateway = await startGateway(
      loadGatewayConfig({ ...shared, AUTH_SERVICE_URL: auth.url, CHAT_SERVICE_URL: chat.url }),
    );
    services.push(gateway);

    const credentials = { email: `metrics-${Date.now()}@example.com`, password: 'correct horse battery' };
    await post(`${gateway.url}/api/v1/auth/register`, credentials);
    const login = await json(await post(`${gateway.url}/api/v1/auth/login`, credentials));
    const bearer = { authorization: `Bearer ${login.session.access_token}` };
    const key = {
      'x-api-key': (await json(await post(`${gateway.url}/api/v1/auth/keys`, { name: 'm' }, bearer))).key,
    };
    const stream = await post(
      `${gateway.url}/api/v0.2/chat/stream`,
      { message: 'Hi', provider: 'openai' },
      key,
    );
    expect(await stream.text()).to.contain('[DONE]');
    // No asset service is configured: the gateway counts an upstream error (not_deployed).
    expect(
      (await fetch(`${gateway.url}/api/v0.2/assets/pricing/providers`, { headers: key })).status,
    ).to.equal(503);

    const names = new Set<string>();
    for (const service of services) {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      for (const line of text.split('\n'))
        if (line && !line.startsWith('#')) names.add(line.slice(0, line.search(/[{ ]/)));
    }
    return names;
  } finally {
    for (const service of services.reverse()) await service.stop();
  }
}

describe('metrics named by dashboards and autoscaling rules', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let upstream: RunningFakeUpstream;
  let exported: Set<string>;

  before(async () => {
    database = await createTestDatabase();
    upstream = await startFakeUpstream({ openai: { models: ['gpt-4o-mini'] }, tokens: 4 });
    exported = await scrapeLiveServices(database, upstream);
  });
  after(async () => {
    await upstream?.close();
    await database?.drop();
  });

  const unknown = (exprs: { where: string; expr: string }[]) =>
    exprs.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exported.has(name) && !clusterMetrics.has(name))
        .map((name) => `${where}: ${name}`),
    );

  it('the live services export the series the dashboards are built on', () => {
    for (const name of [
      'gaia_http_request_duration_seconds_bucket',
      'gaia_chat_time_to_first_token_seconds_bucket',
      'gaia_chat_provider_circuit_state',
      'gaia_gateway_upstream_errors_total',
    ])
      expect(exported).to.include(name);
  });

  it('dashboards name only metrics Gaia exports or the cluster allow-list', () => {
    const exprs = dashboards.flatMap(({ file, text }) => dashboardExprs(file, parsed(text)));
    expect(exprs.filter(({ expr }) => metricNames(expr).length === 0)).to.deep.equal([]);
    expect(unknown(exprs)).to.deep.equal([]);
  });

  it('prometheus-adapter rules read only metrics Gaia exports', () => {
    const names = adapterRules.flatMap((rule) => [rule.seriesQuery, rule.metricsQuery].flatMap(metricNames));
    expect(names).to.not.be.empty;
    expect(names.filter((name) => !exported.has(name))).to.deep.equal([]);
  });

  it("the chart's alerts and KEDA queries name only metrics Gaia exports or the cluster allow-list", () => {
    const exprs = chartExprs();
    expect(exprs.map((e) => e.where)).to.include.members([
      'PrometheusRule (ci/default-values.yaml)',
      'ScaledObject (ci/keda-values.yaml)',
    ]);
    expect(unknown(exprs)).to.deep.equal([]);
  });
});
