// Packaging policy over rendered objects, as Polaris, kube-score and Checkov would apply it in a
// cluster's CI. Test names start with the number of the chart checklist point they enforce. Each
// check returns its violations, each naming the object, so a failure says what to fix.
import { expect } from 'chai';
import { DaemonSet, Deployment, ReplicaSet, StatefulSet, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Pod,
  Service,
  ServiceAccount,
  type IContainer,
  type IPodSpec,
  type IService,
} from 'kubernetes-models/v1';
import { VerticalPodAutoscaler } from '@kubernetes-models/autoscaler/autoscaling.k8s.io/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { renderChart, type RenderOptions } from './support/helm.js';
import { objectId, validObjects, type K8sObject } from './support/validate.js';

type Guard<T> = (value: unknown) => value is T;
const ofKind = <T>(objects: K8sObject[], guard: Guard<T>) =>
  objects.filter((o): o is K8sObject & T => guard(o));

const NAME = 'app.kubernetes.io/name';
const INSTANCE = 'app.kubernetes.io/instance';
const COMPONENT = 'app.kubernetes.io/component';
const STANDARD_LABELS = [
  NAME,
  INSTANCE,
  COMPONENT,
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
  'helm.sh/chart',
];
const SELECTOR_LABELS = [NAME, INSTANCE, COMPONENT];
const SECRET_NAME = /SECRET|KEY|PASSWORD|TOKEN|CREDENTIAL/i;

/** Secrets passed at install time (global.secrets.values): they belong in the Secret alone. */
const secretValues: Record<string, string> = {
  INTERNAL_AUTH_SECRET: 'internal-auth-7Qx2mW-0123456789abcdef0123',
  SUPABASE_JWT_SECRET: 'supabase-jwt-4Lp9sR-0123456789abcdef0123',
  POSTGRES_PASSWORD: 'postgres-pw-8Zt1kV',
  OPENAI_API_KEY: 'sk-openai-3Hc6nB',
  ANTHROPIC_API_KEY: 'sk-ant-5Jd8qE',
};

interface PodOwner {
  owner: K8sObject;
  spec: IPodSpec;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** Every pod the render can produce, with the object that makes it: workloads, Jobs, CronJobs, bare Pods. */
function pods(objects: K8sObject[]): PodOwner[] {
  const templated = [
    ...ofKind(objects, Deployment.is),
    ...ofKind(objects, StatefulSet.is),
    ...ofKind(objects, DaemonSet.is),
    ...ofKind(objects, ReplicaSet.is),
    ...ofKind(objects, Job.is),
  ].map((owner) => ({ owner, template: owner.spec?.template }));
  const scheduled = ofKind(objects, CronJob.is).map((owner) => ({
    owner,
    template: owner.spec?.jobTemplate.spec?.template,
  }));
  const fromTemplates = [...templated, ...scheduled].map(({ owner, template }) => ({
    owner,
    spec: template?.spec ?? { containers: [] },
    annotations: template?.metadata?.annotations ?? {},
    labels: template?.metadata?.labels ?? {},
  }));
  const bare = ofKind(objects, Pod.is).map((owner) => ({
    owner,
    spec: owner.spec ?? { containers: [] },
    annotations: owner.metadata.annotations ?? {},
    labels: owner.metadata.labels ?? {},
  }));
  return [...fromTemplates, ...bare];
}

const containers = ({ spec }: PodOwner): IContainer[] => [...(spec.initContainers ?? []), ...spec.containers];

/** Gaia's services: the Deployments' pods. */
const servingPods = (objects: K8sObject[]) => pods(objects).filter(({ owner }) => Deployment.is(owner));

/** Long-running pods: Gaia's services plus the in-chart NATS and PostgreSQL, not hooks. */
const workloadPods = (objects: K8sObject[]) => pods(objects).filter(({ owner }) => !hookOf(owner));

const serviceName = (object: K8sObject) => object.metadata.labels?.[NAME] ?? '';
const hookOf = (object: K8sObject) => object.metadata.annotations?.['helm.sh/hook'] ?? '';

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

/** Replicas a Deployment runs at least: its HPA or ScaledObject minimum (KEDA's default is 0), else spec.replicas. */
function minReplicas(objects: K8sObject[], deployment: IDeployment & K8sObject): number {
  const name = deployment.metadata.name;
  const hpa = ofKind(objects, HorizontalPodAutoscaler.is).find((h) => h.spec?.scaleTargetRef.name === name);
  const scaled = ofKind(objects, ScaledObject.is).find((s) => s.spec?.scaleTargetRef.name === name);
  if (hpa) return hpa.spec?.minReplicas ?? 1;
  if (scaled) return scaled.spec?.minReplicaCount ?? 0;
  return deployment.spec?.replicas ?? 1;
}

// ---- 6, 7: labels, selectors, names ------------------------------------------------------------

function standardLabels(objects: K8sObject[]): string[] {
  return objects.flatMap((o) =>
    STANDARD_LABELS.filter((label) => !o.metadata.labels?.[label]).map(
      (label) => `${objectId(o)} lacks label ${label}`,
    ),
  );
}

function immutableSelectors(objects: K8sObject[]): string[] {
  const selectors: (readonly [K8sObject, Record<string, string> | undefined])[] = [
    ...ofKind(objects, Deployment.is).map((d) => [d, d.spec?.selector.matchLabels] as const),
    ...ofKind(objects, StatefulSet.is).map((s) => [s, s.spec?.selector.matchLabels] as const),
    ...ofKind(objects, Service.is).map((s) => [s, s.spec?.selector] as const),
    ...ofKind(objects, PodDisruptionBudget.is).map((p) => [p, p.spec?.selector?.matchLabels] as const),
    ...ofKind(objects, ServiceMonitor.is).map((m) => [m, m.spec.selector.matchLabels] as const),
    ...ofKind(objects, NetworkPolicy.is).map((n) => [n, n.spec?.podSelector?.matchLabels] as const),
  ];
  return selectors.flatMap(([o, selector]) => {
    const keys = Object.keys(selector ?? {});
    if (!keys.includes(NAME) || !keys.includes(INSTANCE))
      return [`${objectId(o)} selector lacks ${NAME} or ${INSTANCE}: ${JSON.stringify(selector)}`];
    return keys
      .filter((key) => !SELECTOR_LABELS.includes(key))
      .map((key) => `${objectId(o)} selects on mutable label ${key}`);
  });
}

function selectorsMatchOwnPods(objects: K8sObject[]): string[] {
  return [...ofKind(objects, Deployment.is), ...ofKind(objects, StatefulSet.is)]
    .filter((w) => !matches(w.spec?.selector.matchLabels, w.spec?.template.metadata?.labels ?? {}))
    .map((w) => `${objectId(w)} selector does not match its pod labels`);
}

function names(objects: K8sObject[]): string[] {
  return objects.flatMap((o) => [
    ...(o.metadata.name.length > 63 ? [`${objectId(o)} name is longer than 63 characters`] : []),
    ...(o.metadata.name.startsWith('gaia') ? [] : [`${objectId(o)} name does not start with the release`]),
    // dashboards.namespace deliberately ships the dashboards to Grafana's namespace.
    ...(o.metadata.namespace !== 'gaia' && o.metadata.labels?.[COMPONENT] !== 'dashboards'
      ? [`${objectId(o)} is in namespace ${o.metadata.namespace}, not the release's`]
      : []),
  ]);
}

// ---- 8-11: containers ----------------------------------------------------------------------------

function resources(objects: K8sObject[]): string[] {
  return pods(objects).flatMap((pod) =>
    containers(pod).flatMap((c) =>
      (['requests.cpu', 'requests.memory', 'limits.memory'] as const)
        .filter((path) => {
          const [kind, resource] = path.split('.') as ['requests' | 'limits', string];
          return c.resources?.[kind]?.[resource] === undefined;
        })
        .map((path) => `${objectId(pod.owner)} container ${c.name} has no ${path}`),
    ),
  );
}

function probes(objects: K8sObject[]): string[] {
  return servingPods(objects).flatMap((pod) =>
    pod.spec.containers.flatMap((c) => {
      const id = `${objectId(pod.owner)} container ${c.name}`;
      const problems = [];
      if (c.readinessProbe?.httpGet?.path !== '/ready') problems.push(`${id} readiness is not GET /ready`);
      if (!c.livenessProbe) problems.push(`${id} has no livenessProbe`);
      if (JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe))
        problems.push(`${id} liveness is identical to readiness`);
      // The gateway's /health aggregates every service: a liveness probe there restarts the gateway
      // whenever a downstream service is down.
      if (serviceName(pod.owner) === 'gateway' && c.livenessProbe?.httpGet?.path === '/health')
        problems.push(`${id} liveness is on the aggregated /health`);
      if (!c.startupProbe) problems.push(`${id} has no startupProbe`);
      return problems;
    }),
  );
}

function podSecurity(objects: K8sObject[]): string[] {
  return pods(objects).flatMap(({ owner, spec }) => {
    const context = spec.securityContext ?? {};
    const id = objectId(owner);
    return [
      ...(context.runAsNonRoot === true ? [] : [`${id} pod does not set runAsNonRoot: true`]),
      ...(['runAsUser', 'runAsGroup', 'fsGroup'] as const)
        .filter((field) => !((context[field] ?? 0) >= 10000))
        .map((field) => `${id} pod ${field} is not a number >= 10000`),
      ...(context.seccompProfile?.type === 'RuntimeDefault'
        ? []
        : [`${id} pod seccompProfile is not RuntimeDefault`]),
    ];
  });
}

function containerSecurity(objects: K8sObject[]): string[] {
  return pods(objects).flatMap((pod) =>
    containers(pod).flatMap((c) => {
      const context = c.securityContext ?? {};
      const id = `${objectId(pod.owner)} container ${c.name}`;
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      const tmpVolume = pod.spec.volumes?.find((v) => v.name === tmp?.name);
      // Gaia's Node processes (services, migrations) write to os.tmpdir(); NATS writes only to its
      // volume and the helm test runs one wget.
      const needsTmp = Deployment.is(pod.owner) || Job.is(pod.owner);
      return [
        ...(context.allowPrivilegeEscalation === false ? [] : [`${id} allows privilege escalation`]),
        ...(context.privileged ? [`${id} is privileged`] : []),
        ...(context.readOnlyRootFilesystem === true ? [] : [`${id} root filesystem is writable`]),
        ...(context.capabilities?.drop?.includes('ALL') ? [] : [`${id} does not drop ALL capabilities`]),
        ...(context.capabilities?.add?.length ? [`${id} adds capabilities`] : []),
        ...(needsTmp && !tmpVolume?.emptyDir ? [`${id} has no emptyDir at /tmp`] : []),
      ];
    }),
  );
}

function images(objects: K8sObject[]): string[] {
  return pods(objects).flatMap((pod) =>
    containers(pod).flatMap((c) => {
      const id = `${objectId(pod.owner)} container ${c.name}`;
      const image = c.image ?? '';
      const [, tag] = /:([^/:@]+)(@|$)/.exec(image) ?? [];
      const problems = [];
      if (!tag && !image.includes('@sha256:')) problems.push(`${id} image ${image} has no tag or digest`);
      if (tag === 'latest') problems.push(`${id} image ${image} uses latest`);
      if (!['IfNotPresent', 'Always'].includes(c.imagePullPolicy ?? ''))
        problems.push(`${id} imagePullPolicy is ${c.imagePullPolicy ?? 'unset'}`);
      return problems;
    }),
  );
}

/** Tags default to the chart's appVersion, which the version label carries. */
function imageTagsFollowAppVersion(objects: K8sObject[]): string[] {
  return servingPods(objects).flatMap((pod) =>
    pod.spec.containers
      .filter((c) => !c.image?.includes('@sha256:'))
      .filter((c) => !c.image?.endsWith(`:${pod.owner.metadata.labels?.['app.kubernetes.io/version']}`))
      .map((c) => `${objectId(pod.owner)} container ${c.name} image ${c.image} is not the appVersion`),
  );
}

function noHostAccess(objects: K8sObject[]): string[] {
  return pods(objects).flatMap((pod) => {
    const id = objectId(pod.owner);
    return [
      ...(['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter((f) => pod.spec[f])
        .map((f) => `${id} sets ${f}`),
      ...(pod.spec.volumes ?? []).filter((v) => v.hostPath).map((v) => `${id} mounts hostPath ${v.name}`),
      ...containers(pod)
        .filter((c) => c.ports?.some((p) => p.hostPort))
        .map((c) => `${id} container ${c.name} uses a hostPort`),
    ];
  });
}

// ---- 13: service accounts and RBAC -----------------------------------------------------------------

function serviceAccounts(objects: K8sObject[]): string[] {
  const accounts = ofKind(objects, ServiceAccount.is);
  const used = new Map<string, string>();
  return servingPods(objects).flatMap(({ owner, spec }) => {
    const id = objectId(owner);
    const name = spec.serviceAccountName ?? 'default';
    const account = accounts.find((a) => a.metadata.name === name);
    const problems = [];
    if (!account) problems.push(`${id} runs as ServiceAccount ${name}, which the chart does not render`);
    if (used.has(name)) problems.push(`${id} shares ServiceAccount ${name} with ${used.get(name)}`);
    used.set(name, id);
    const automount = spec.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true;
    // Only the gateway talks to the Kubernetes API (EndpointSlice discovery, HPA status).
    const wanted = serviceName(owner) === 'gateway';
    if (automount !== wanted)
      problems.push(`${id} automountServiceAccountToken is ${automount}, want ${wanted}`);
    return problems;
  });
}

/** What the gateway may do: discover endpoints and read HPA status, nothing else. */
const GATEWAY_PERMISSIONS = [
  'autoscaling/horizontalpodautoscalers get',
  'autoscaling/horizontalpodautoscalers list',
  'discovery.k8s.io/endpointslices get',
  'discovery.k8s.io/endpointslices list',
  'discovery.k8s.io/endpointslices watch',
];

function gatewayRbac(objects: K8sObject[]): string[] {
  const problems = objects
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')
    .map((o) => `${objectId(o)}: the chart needs no cluster-wide RBAC`);
  const roles = ofKind(objects, Role.is);
  const [role] = roles;
  if (roles.length !== 1 || !role)
    return [...problems, `want exactly one Role (the gateway's), got ${roles.length}`];
  const permissions = (role.rules ?? []).flatMap((rule) =>
    (rule.apiGroups ?? []).flatMap((group) =>
      (rule.resources ?? []).flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource} ${verb}`)),
    ),
  );
  const granted = [...new Set(permissions)].sort();
  if (JSON.stringify(granted) !== JSON.stringify(GATEWAY_PERMISSIONS))
    problems.push(`${objectId(role)} grants ${granted.join(', ')}; want ${GATEWAY_PERMISSIONS.join(', ')}`);
  const gatewayAccount = servingPods(objects).find((p) => serviceName(p.owner) === 'gateway')?.spec
    .serviceAccountName;
  const bound = ofKind(objects, RoleBinding.is).some(
    (b) =>
      b.roleRef.kind === 'Role' &&
      b.roleRef.name === role.metadata.name &&
      b.subjects?.length === 1 &&
      b.subjects[0]?.kind === 'ServiceAccount' &&
      b.subjects[0].name === gatewayAccount,
  );
  if (!bound) problems.push(`${objectId(role)} is not bound to the gateway's ServiceAccount alone`);
  return problems;
}

// ---- 15, 16: config and secrets -----------------------------------------------------------------------

function noSecretsInConfig(objects: K8sObject[]): string[] {
  const secrets = Object.values(secretValues);
  const inConfigMaps = ofKind(objects, ConfigMap.is).flatMap((cm) =>
    Object.entries(cm.data ?? {}).flatMap(([key, value]) => [
      ...(SECRET_NAME.test(key) ? [`${objectId(cm)} key ${key} looks like a secret`] : []),
      ...(value.split('\n').some((line) => SECRET_NAME.test(line.split(/[:=]/)[0] ?? ''))
        ? [`${objectId(cm)} ${key} has a line naming a secret`]
        : []),
      ...secrets.filter((s) => value.includes(s)).map(() => `${objectId(cm)} ${key} contains a secret value`),
    ]),
  );
  const inEnv = pods(objects).flatMap((pod) =>
    containers(pod).flatMap((c) =>
      (c.env ?? [])
        .filter((e) => e.value !== undefined && (SECRET_NAME.test(e.name) || secrets.includes(e.value)))
        .map(
          (e) => `${objectId(pod.owner)} container ${c.name} env ${e.name} is a literal, not a secretKeyRef`,
        ),
    ),
  );
  return [...inConfigMaps, ...inEnv];
}

/** ConfigMaps and Secrets a pod reads that the chart itself renders. */
function renderedConfigOf(objects: K8sObject[], { spec }: PodOwner): string[] {
  const rendered = new Set(
    objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').map((o) => o.metadata.name),
  );
  const referenced = [
    ...(spec.volumes ?? []).flatMap((v) => [v.configMap?.name, v.secret?.secretName]),
    ...spec.containers.flatMap((c) => [
      ...(c.envFrom ?? []).flatMap((e) => [e.configMapRef?.name, e.secretRef?.name]),
      ...(c.env ?? []).flatMap((e) => [e.valueFrom?.configMapKeyRef?.name, e.valueFrom?.secretKeyRef?.name]),
    ]),
  ];
  return [...new Set(referenced)].filter((name): name is string => !!name && rendered.has(name));
}

function checksumAnnotations(objects: K8sObject[]): string[] {
  return servingPods(objects)
    .filter((pod) => renderedConfigOf(objects, pod).length > 0)
    .filter((pod) => !Object.keys(pod.annotations).some((key) => key.startsWith('checksum/')))
    .map(
      (pod) =>
        `${objectId(pod.owner)} reads ${renderedConfigOf(objects, pod).join(', ')} but has no checksum/ pod annotation`,
    );
}

// ---- 17-21: rollout, disruption, spreading, autoscaling -------------------------------------------------

function gracefulShutdown(objects: K8sObject[]): string[] {
  return servingPods(objects).flatMap(({ owner, spec }) => {
    const id = objectId(owner);
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    const problems = spec.containers.flatMap((c) => {
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      if (sleep === undefined) return [`${id} container ${c.name} has no preStop sleep`];
      // After the preStop sleep, SIGTERM gives in-flight requests and streams this long to finish.
      const drain = Number(c.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value ?? 0) / 1000;
      return grace > sleep + drain
        ? []
        : [`${id} terminationGracePeriodSeconds ${grace} <= preStop sleep ${sleep} + drain ${drain}`];
    });
    const strategy = (owner as IDeployment).spec?.strategy;
    if (strategy?.type !== 'RollingUpdate' || strategy.rollingUpdate?.maxUnavailable !== 0)
      problems.push(`${id} strategy is not RollingUpdate with maxUnavailable 0: ${JSON.stringify(strategy)}`);
    return problems;
  });
}

function autoscaledTargets(objects: K8sObject[]): string[] {
  return [
    ...ofKind(objects, HorizontalPodAutoscaler.is).map((h) => h.spec?.scaleTargetRef.name),
    ...ofKind(objects, ScaledObject.is).map((s) => s.spec?.scaleTargetRef.name),
  ].filter((name): name is string => !!name);
}

function replicasOmittedWhenAutoscaled(objects: K8sObject[]): string[] {
  const targets = autoscaledTargets(objects);
  return ofKind(objects, Deployment.is)
    .filter((d) => targets.includes(d.metadata.name) && d.spec?.replicas !== undefined)
    .map((d) => `${objectId(d)} sets replicas although an autoscaler owns them`);
}

function redundantServingTiers(objects: K8sObject[]): string[] {
  return ofKind(objects, Deployment.is)
    .filter((d) => minReplicas(objects, d) < 2)
    .map((d) => `${objectId(d)} runs fewer than 2 replicas`);
}

function disruptionBudgets(objects: K8sObject[]): string[] {
  const pdbs = ofKind(objects, PodDisruptionBudget.is);
  return ofKind(objects, Deployment.is).flatMap((d) => {
    const id = objectId(d);
    const replicas = minReplicas(objects, d);
    const podLabels = d.spec?.template.metadata?.labels ?? {};
    const mine = pdbs.filter((p) => matches(p.spec?.selector?.matchLabels, podLabels));
    if (replicas <= 1)
      return mine.map(
        (p) => `${objectId(p)} covers ${id}, which runs 1 replica: it would block every eviction`,
      );
    if (mine.length !== 1) return [`${id} runs ${replicas} replicas but is covered by ${mine.length} PDBs`];
    const spec = mine[0]!.spec ?? {};
    const pdbId = objectId(mine[0]!);
    if (spec.minAvailable !== undefined)
      return typeof spec.minAvailable === 'number' && spec.minAvailable < replicas
        ? []
        : [`${pdbId} minAvailable ${spec.minAvailable} blocks evictions at ${replicas} replicas`];
    return spec.maxUnavailable === undefined || spec.maxUnavailable === 0 || spec.maxUnavailable === '0%'
      ? [`${pdbId} maxUnavailable ${spec.maxUnavailable} blocks every eviction`]
      : [];
  });
}

function topologySpread(objects: K8sObject[]): string[] {
  return servingPods(objects).flatMap(({ owner, spec, labels }) => {
    const constraints = spec.topologySpreadConstraints ?? [];
    if (!constraints.some((c) => c.topologyKey === 'kubernetes.io/hostname'))
      return [`${objectId(owner)} has no topologySpreadConstraint over kubernetes.io/hostname`];
    return constraints
      .filter((c) => !c.labelSelector?.matchLabels || !matches(c.labelSelector.matchLabels, labels))
      .map((c) => `${objectId(owner)} spread constraint on ${c.topologyKey} does not select its own pods`);
  });
}

function horizontalAutoscalers(objects: K8sObject[]): string[] {
  const deployments = ofKind(objects, Deployment.is);
  return ofKind(objects, HorizontalPodAutoscaler.is).flatMap((hpa) => {
    const id = objectId(hpa);
    const spec = hpa.spec;
    const target = deployments.find(
      (d) =>
        spec.scaleTargetRef.kind === 'Deployment' &&
        spec.scaleTargetRef.apiVersion === 'apps/v1' &&
        d.metadata.name === spec.scaleTargetRef.name,
    );
    const problems = [];
    if (!target)
      problems.push(`${id} targets ${JSON.stringify(spec.scaleTargetRef)}, not a rendered Deployment`);
    if (!((spec.minReplicas ?? 1) < spec.maxReplicas))
      problems.push(`${id} minReplicas is not below maxReplicas`);
    if (!spec.behavior?.scaleUp || !spec.behavior.scaleDown)
      problems.push(`${id} has no explicit scaleUp and scaleDown behavior`);
    if (target && serviceName(target) === 'chat' && !spec.metrics?.some((m) => m.type === 'Pods'))
      problems.push(`${id} scales chat without a Pods metric (active streams)`);
    return problems;
  });
}

/** Resources (cpu, memory) an HPA or KEDA scales a Deployment on. */
function scaledResources(objects: K8sObject[], name: string): string[] {
  const hpaResources = ofKind(objects, HorizontalPodAutoscaler.is)
    .filter((h) => h.spec?.scaleTargetRef.name === name)
    .flatMap((h) => h.spec?.metrics ?? [])
    .flatMap((m) => [m.resource?.name, m.containerResource?.name]);
  const kedaResources = ofKind(objects, ScaledObject.is)
    .filter((s) => s.spec?.scaleTargetRef.name === name)
    .flatMap((s) => s.spec?.triggers ?? [])
    .map((t) => t.type);
  return [...hpaResources, ...kedaResources].filter((r): r is string => r === 'cpu' || r === 'memory');
}

function autoscalerExclusivity(objects: K8sObject[]): string[] {
  const hpaTargets = ofKind(objects, HorizontalPodAutoscaler.is).map((h) => h.spec?.scaleTargetRef.name);
  const both = ofKind(objects, ScaledObject.is)
    .filter((s) => hpaTargets.includes(s.spec?.scaleTargetRef.name))
    .map((s) => `${objectId(s)} and an HPA both scale ${s.spec?.scaleTargetRef.name}`);
  const vpaOverlap = ofKind(objects, VerticalPodAutoscaler.is).flatMap((vpa) => {
    if (vpa.spec.updatePolicy?.updateMode === 'Off') return [];
    const policies = vpa.spec.resourcePolicy?.containerPolicies ?? [{}];
    const controlled = policies.flatMap((p) =>
      p.mode === 'Off' ? [] : (p.controlledResources ?? ['cpu', 'memory']),
    );
    return scaledResources(objects, vpa.spec.targetRef.name)
      .filter((r) => controlled.includes(r))
      .map((r) => `${objectId(vpa)} resizes ${r}, which ${vpa.spec.targetRef.name} is scaled out on`);
  });
  return [...both, ...vpaOverlap];
}

// ---- 23-25: network, services, metrics -------------------------------------------------------------

type IngressRule = NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']>[number];
type Peer = NonNullable<IngressRule['from']>[number];
type PolicyPort = NonNullable<IngressRule['ports']>[number];
type PolicyObject = K8sObject & INetworkPolicy;

/** Addresses outside the cluster, or every pod of every namespace. */
const isAnyone = (peer: Peer) =>
  !!peer.ipBlock ||
  (!!peer.namespaceSelector && !peer.podSelector && !Object.keys(peer.namespaceSelector).length);
const admitsAnyone = (rule: IngressRule) => !rule.from?.length || rule.from.some(isAnyone);
/** The ingress controller lives in another namespace (or arrives as an address). */
const admitsOtherNamespaces = (rule: IngressRule) =>
  !rule.from?.length || rule.from.some((peer) => !!peer.ipBlock || !!peer.namespaceSelector);

/** The API server's default: Ingress, plus Egress when the policy has egress rules. */
const policyTypes = (policy: INetworkPolicy) =>
  policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress?.length ? ['Egress'] : [])];
const hookEvents = (object: K8sObject) => hookOf(object).split(',').filter(Boolean).sort();
const hookWeight = (object: K8sObject) => Number(object.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
/** Helm's default is before-hook-creation. */
const hookDeletePolicy = (object: K8sObject) =>
  (object.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? 'before-hook-creation')
    .split(',')
    .map((policy) => policy.trim())
    .sort()
    .join(',');

const hookTiming = (object: K8sObject) =>
  hookOf(object)
    ? `hook ${hookOf(object)} weight ${hookWeight(object)} delete ${hookDeletePolicy(object)}`
    : 'no hook';

/**
 * Whether `policy` is in the cluster whenever `pod` runs. A release object is there for the release's
 * pods; a hook pod runs before the release's objects exist (pre-install) or change (pre-upgrade), so
 * its policy must be a hook of the same events created before it (lower weight) and deleted with it.
 */
function guardsWhileRunning(policy: PolicyObject, { owner }: PodOwner): boolean {
  if (!hookOf(owner)) return !hookOf(policy);
  return (
    JSON.stringify(hookEvents(policy)) === JSON.stringify(hookEvents(owner)) &&
    hookWeight(policy) < hookWeight(owner) &&
    hookDeletePolicy(policy) === hookDeletePolicy(owner)
  );
}

function networkPolicies(objects: K8sObject[]): string[] {
  const policies = ofKind(objects, NetworkPolicy.is);
  return pods(objects).flatMap((pod) => {
    const { owner, labels } = pod;
    const id = objectId(owner);
    const selecting = policies.filter((p) => matches(p.spec?.podSelector?.matchLabels, labels));
    if (selecting.length === 0) return [`${id} is not selected by any NetworkPolicy`];
    const mine = selecting.filter((p) => guardsWhileRunning(p, pod));
    if (mine.length === 0)
      return selecting.map(
        (p) =>
          `${objectId(p)} selects ${id} but is not there whenever it runs: policy ${hookTiming(p)}, pod ${hookTiming(owner)}`,
      );
    const problems = (['Ingress', 'Egress'] as const)
      .filter((type) => !mine.some((p) => policyTypes(p).includes(type)))
      .map((type) => `${id} has no default-deny ${type} NetworkPolicy`);
    const ingress = mine.flatMap((p) => (p.spec?.ingress ?? []).map((rule) => [objectId(p), rule] as const));
    const egress = mine.flatMap((p) => (p.spec?.egress ?? []).map((rule) => [objectId(p), rule] as const));
    problems.push(
      ...egress
        .filter(([, rule]) => !rule.to?.length && !rule.ports?.length)
        .map(([policy]) => `${policy} lets ${id} reach anything`),
    );
    // Migrations and the helm test call out; nothing calls them.
    if (hookOf(owner))
      return [
        ...problems,
        ...ingress.map(([policy]) => `${policy} admits connections to the hook pod ${id}`),
      ];
    if (serviceName(owner) === 'gateway')
      return ingress.some(([, rule]) => admitsOtherNamespaces(rule))
        ? problems
        : [...problems, `${id} admits no clients from other namespaces (the ingress controller)`];
    // Other workloads may admit named namespaces (Prometheus, KEDA), never everyone.
    return [
      ...problems,
      ...ingress
        .filter(([, rule]) => admitsAnyone(rule))
        .map(([policy]) => `${policy} admits any namespace or address to ${id}`),
    ];
  });
}

/** A connection's far end: a pod of the release (namespace gaia), or an address outside the cluster. */
type Endpoint = { pod: PodOwner } | { outside: true };

const NAMESPACE_LABELS = { 'kubernetes.io/metadata.name': 'gaia' };
/** CoreDNS as kubeadm, kind and most distributions label it. */
const DNS: PodOwner = {
  owner: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'coredns', namespace: 'kube-system' } },
  spec: { containers: [{ name: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
  annotations: {},
  labels: { 'k8s-app': 'kube-dns' },
};
const namespaceLabels = (pod: PodOwner) =>
  pod === DNS ? { 'kubernetes.io/metadata.name': 'kube-system' } : NAMESPACE_LABELS;

function peerMatches(peer: Peer, end: Endpoint): boolean {
  if ('outside' in end) return !!peer.ipBlock;
  if (peer.ipBlock) return false;
  const namespaceMatches = peer.namespaceSelector
    ? matches(peer.namespaceSelector.matchLabels, namespaceLabels(end.pod))
    : namespaceLabels(end.pod) === NAMESPACE_LABELS;
  return namespaceMatches && (!peer.podSelector || matches(peer.podSelector.matchLabels, end.pod.labels));
}

/** Named ports resolve against the destination pod's container ports. */
function portMatches(port: PolicyPort, number: number, protocol: string, destination: Endpoint): boolean {
  if ((port.protocol ?? 'TCP') !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return number >= port.port && number <= (port.endPort ?? port.port);
  if (!('pod' in destination)) return false;
  return containers(destination.pod).some((c) =>
    c.ports?.some((p) => p.name === port.port && p.containerPort === number),
  );
}

/** An ingress rule (peers: from, peer: the source) or an egress rule (peers: to, peer: the destination). */
const ruleAdmits = (
  { peers, ports }: { peers?: Peer[]; ports?: PolicyPort[] },
  peer: Endpoint,
  port: [number, string],
  destination: Endpoint,
) =>
  (!peers?.length || peers.some((p) => peerMatches(p, peer))) &&
  (!ports?.length || ports.some((p) => portMatches(p, ...port, destination)));

/** Why `from` cannot open a connection to `to` on `port`, given every policy of the render (empty: it can). */
function blocked(objects: K8sObject[], from: PodOwner, to: Endpoint, port: [number, string]): string[] {
  const policies = ofKind(objects, NetworkPolicy.is);
  const isolating = (pod: PodOwner, type: string) =>
    policies.filter(
      (p) =>
        matches(p.spec?.podSelector?.matchLabels, pod.labels) &&
        guardsWhileRunning(p, pod) &&
        policyTypes(p).includes(type),
    );
  const target = 'pod' in to ? objectId(to.pod.owner) : 'outside the cluster';
  const what = `${objectId(from.owner)} -> ${target} port ${port.join('/')}`;
  const problems = [];
  const egress = isolating(from, 'Egress');
  if (
    egress.length &&
    !egress.some((p) =>
      (p.spec?.egress ?? []).some((r) => ruleAdmits({ peers: r.to, ports: r.ports }, to, port, to)),
    )
  )
    problems.push(`${what}: no egress rule allows it`);
  const ingress = 'pod' in to && to.pod !== DNS ? isolating(to.pod, 'Ingress') : [];
  if (
    ingress.length &&
    !ingress.some((p) =>
      (p.spec?.ingress ?? []).some((r) =>
        ruleAdmits({ peers: r.from, ports: r.ports }, { pod: from }, port, to),
      ),
    )
  )
    problems.push(`${what}: no ingress rule of the destination admits it`);
  return problems;
}

/** Hook pods are isolated too, so each must still reach what it is for. */
function hookPodsReachTheirPeers(objects: K8sObject[]): string[] {
  const all = pods(objects);
  const named = (name: string) => all.filter(({ owner }) => !hookOf(owner) && serviceName(owner) === name);
  const dns = (pod: PodOwner) => [
    ...blocked(objects, pod, { pod: DNS }, [53, 'UDP']),
    ...blocked(objects, pod, { pod: DNS }, [53, 'TCP']),
  ];
  const httpPort = (pod: PodOwner) =>
    pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === 'http')?.containerPort ?? 0;
  const migrations = all.filter(({ owner }) => Job.is(owner) && hookOf(owner));
  const tests = all.filter(({ owner }) => hookEvents(owner).includes('test'));
  const postgresql = named('postgresql');
  return [
    ...migrations.flatMap((job) => [
      ...dns(job),
      ...(postgresql.length
        ? postgresql.flatMap((db) => blocked(objects, job, { pod: db }, [5432, 'TCP']))
        : blocked(objects, job, { outside: true }, [5432, 'TCP'])),
    ]),
    ...tests.flatMap((test) => [
      ...dns(test),
      ...named('gateway').flatMap((gateway) =>
        blocked(objects, test, { pod: gateway }, [httpPort(gateway), 'TCP']),
      ),
    ]),
  ];
}

function namedServicePorts(objects: K8sObject[]): string[] {
  const podsOf = (service: IService) =>
    workloadPods(objects).filter((p) => service.spec?.selector && matches(service.spec.selector, p.labels));
  return ofKind(objects, Service.is).flatMap((service) => {
    const id = objectId(service);
    const problems = service.spec?.type === 'NodePort' ? [`${id} is a NodePort`] : [];
    const targets = podsOf(service);
    if (targets.length === 0) problems.push(`${id} selects no rendered pods`);
    for (const port of service.spec?.ports ?? []) {
      if (typeof port.targetPort !== 'string')
        problems.push(`${id} port ${port.port} targets a number, not a named port`);
      else if (
        !targets.every((p) =>
          p.spec.containers.some((c) => c.ports?.some((cp) => cp.name === port.targetPort)),
        )
      )
        problems.push(`${id} targetPort ${port.targetPort} is not a container port name`);
    }
    const servesGaia = targets.some(({ owner }) => Deployment.is(owner));
    if (servesGaia && !service.spec?.ports?.some((p) => p.name === 'http'))
      problems.push(`${id} has no port named http`);
    return problems;
  });
}

function serviceMonitors(objects: K8sObject[]): string[] {
  const services = ofKind(objects, Service.is);
  return ofKind(objects, ServiceMonitor.is).flatMap((monitor) => {
    const id = objectId(monitor);
    const selected = services.filter((s) =>
      matches(monitor.spec.selector.matchLabels, s.metadata.labels ?? {}),
    );
    const problems = selected.length === 1 ? [] : [`${id} selects ${selected.length} Services, want 1`];
    const ports = monitor.spec.endpoints?.map((e) => e.port) ?? [];
    if (ports.length === 0 || ports.some((p) => p !== 'http'))
      problems.push(`${id} scrapes ports ${JSON.stringify(ports)}, want http`);
    return problems;
  });
}

// ---- ingress, hooks ---------------------------------------------------------------------------------

/** Long enough for an SSE chat stream. */
const LONG_TIMEOUT_SECONDS = 300;

interface HttpRoute extends K8sObject {
  spec: {
    rules?: { backendRefs?: { name: string; port?: number }[]; timeouts?: { request?: string } }[];
  };
}
const httpRoutes = (objects: K8sObject[]) => objects.filter((o): o is HttpRoute => o.kind === 'HTTPRoute');

/** Gateway API durations ("3600s", "1h30m"); "0s" means no timeout. */
function durationSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...duration.matchAll(/(\d+)(ms|h|m|s)/g)];
  const seconds = parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit!]!, 0);
  return seconds === 0 && parts.length > 0 ? Infinity : seconds;
}

function sseStreamsPassThrough(objects: K8sObject[]): string[] {
  const ingresses = ofKind(objects, Ingress.is).flatMap((ingress) => {
    const annotation = (key: string) => ingress.metadata.annotations?.[`nginx.ingress.kubernetes.io/${key}`];
    const id = objectId(ingress);
    return [
      ...(annotation('proxy-buffering') === 'off' ? [] : [`${id} does not turn proxy buffering off`]),
      ...['proxy-read-timeout', 'proxy-send-timeout']
        .filter((key) => !(Number(annotation(key)) >= LONG_TIMEOUT_SECONDS))
        .map((key) => `${id} ${key} is ${annotation(key)}, want >= ${LONG_TIMEOUT_SECONDS}`),
    ];
  });
  const routes = httpRoutes(objects).flatMap((route) =>
    (route.spec.rules ?? [])
      .filter((rule) => !(durationSeconds(rule.timeouts?.request ?? '') >= LONG_TIMEOUT_SECONDS))
      .map((rule) => `${objectId(route)} request timeout ${rule.timeouts?.request} is too short for streams`),
  );
  return [...ingresses, ...routes];
}

/** Ingress and HTTPRoute backends name the gateway's Service and a port it exposes. */
function routesReachTheGateway(objects: K8sObject[]): string[] {
  const gateway = ofKind(objects, Service.is).find((s) => serviceName(s) === 'gateway');
  const exposes = (port: { name?: string; number?: number } | undefined) =>
    gateway?.spec?.ports?.some(
      (p) =>
        (port?.name !== undefined && p.name === port.name) ||
        (port?.number !== undefined && p.port === port.number),
    ) ?? false;
  const backends = [
    ...ofKind(objects, Ingress.is).flatMap((ingress) =>
      (ingress.spec?.rules ?? []).flatMap((rule) =>
        (rule.http?.paths ?? []).map((path) => [ingress, path.backend.service] as const),
      ),
    ),
    ...httpRoutes(objects).flatMap((route) =>
      (route.spec.rules ?? []).flatMap((rule) =>
        (rule.backendRefs ?? []).map(
          (ref) => [route, { name: ref.name, port: { number: ref.port } }] as const,
        ),
      ),
    ),
  ];
  return backends
    .filter(([, backend]) => backend?.name !== gateway?.metadata.name || !exposes(backend?.port))
    .map(
      ([o, backend]) =>
        `${objectId(o)} routes to ${JSON.stringify(backend)}, not a port of the gateway Service`,
    );
}

function helmTest(objects: K8sObject[]): string[] {
  const tests = pods(objects).filter(({ owner }) => hookOf(owner).split(',').includes('test'));
  if (tests.length === 0) return ['no helm test hook'];
  return tests.flatMap(({ owner, spec }) => [
    ...spec.containers
      .filter((c) => !/@sha256:[0-9a-f]{64}$/.test(c.image ?? ''))
      .map((c) => `${objectId(owner)} test image ${c.image} is not pinned by digest`),
    ...(owner.metadata.annotations?.['helm.sh/hook-delete-policy']
      ? []
      : [`${objectId(owner)} has no hook-delete-policy`]),
  ]);
}

function migrationJob(objects: K8sObject[]): string[] {
  const jobs = ofKind(objects, Job.is);
  if (jobs.length === 0) return ['no migrations Job'];
  return jobs.flatMap((job) => {
    const id = objectId(job);
    const hooks = hookOf(job).split(',');
    return [
      // post-install when the chart itself creates the database or its Secret.
      ...((hooks.includes('pre-install') || hooks.includes('post-install')) && hooks.includes('pre-upgrade')
        ? []
        : [`${id} is not a (pre|post)-install,pre-upgrade hook: ${hookOf(job)}`]),
      ...(job.metadata.annotations?.['helm.sh/hook-delete-policy']
        ? []
        : [`${id} has no hook-delete-policy`]),
      ...(job.spec?.backoffLimit === undefined ? [`${id} has no backoffLimit`] : []),
    ];
  });
}

const checks: [string, (objects: K8sObject[]) => string[]][] = [
  ['6. every object carries the standard labels', standardLabels],
  ['6. selectors use only immutable name/instance/component labels', immutableSelectors],
  ['6. workload selectors match their own pod labels', selectorsMatchOwnPods],
  ['7. names fit 63 characters, start with the release and stay in its namespace', names],
  ['8. every container has cpu+memory requests and a memory limit', resources],
  ['9. serving containers have readiness on /ready, a distinct liveness and a startupProbe', probes],
  ['10. pods run as non-root with numeric ids >= 10000 and RuntimeDefault seccomp', podSecurity],
  [
    '11. containers are unprivileged with a read-only root (and an emptyDir /tmp for Node)',
    containerSecurity,
  ],
  ['12. images are pinned (tag or digest, never latest) with a sensible pull policy', images],
  ['12. image tags default to the appVersion', imageTagsFollowAppVersion],
  ['13. each Deployment has its own ServiceAccount; only the gateway mounts a token', serviceAccounts],
  ['13. the gateway Role allows exactly endpointslices and HPA reads', gatewayRbac],
  ['14. no host network, PID, IPC, paths or ports', noHostAccess],
  ['15. no secrets in ConfigMaps or literal env values', noSecretsInConfig],
  ['16. pods that read rendered config carry a checksum annotation', checksumAnnotations],
  ['17. preStop sleep plus drain fit the grace period; RollingUpdate maxUnavailable 0', gracefulShutdown],
  ['18. serving tiers run at least 2 replicas', redundantServingTiers],
  ['19. PDB exactly when more than one replica, never blocking every eviction', disruptionBudgets],
  ['20. pods spread over hostnames with selectors matching themselves', topologySpread],
  [
    '21. HPAs are autoscaling/v2 on real Deployments with behavior; chat scales on a Pods metric',
    horizontalAutoscalers,
  ],
  ['21. autoscaled Deployments omit replicas', replicasOmittedWhenAutoscaled],
  ['22. no HPA next to KEDA; no VPA resizing what the HPA scales on', autoscalerExclusivity],
  [
    '23. every pod (Deployments, StatefulSets, Jobs, test Pods) is isolated both ways by a NetworkPolicy that exists while it runs; the gateway alone takes outside clients, hook pods none',
    networkPolicies,
  ],
  [
    '23. hook pods still reach DNS and their peers: PostgreSQL (migrations), the gateway (helm test)',
    hookPodsReachTheirPeers,
  ],
  ['24. Services target named container ports and expose http', namedServicePorts],
  ['25. ServiceMonitors select one Service and scrape port http', serviceMonitors],
  ['SSE: Ingress and HTTPRoute leave streams unbuffered with long timeouts', sseStreamsPassThrough],
  ['24. Ingress and HTTPRoute backends are a port of the gateway Service', routesReachTheGateway],
  ['26. the helm test pod image is pinned by digest', helmTest],
  ['the migrations Job is an install/upgrade hook with a backoffLimit', migrationJob],
];

const renders: [string, RenderOptions][] = [
  ['default values', {}],
  ['ha values', { values: ['charts/gaia/ci/ha-values.yaml'] }],
  ['KEDA values', { values: ['charts/gaia/ci/keda-values.yaml'] }],
  [
    'Gateway API instead of Ingress',
    {
      set: { 'ingress.enabled': 'false', 'httpRoute.enabled': 'true', 'httpRoute.parentRefs[0].name': 'eg' },
    },
  ],
];

for (const [name, options] of renders) {
  describe(`chart policy (${name})`, () => {
    let objects: K8sObject[] = [];
    before(() => {
      objects = validObjects(renderChart(options));
    });
    for (const [title, check] of checks) it(title, () => expect(check(objects)).to.deep.equal([]));
  });
}

describe('chart policy (hook NetworkPolicies)', () => {
  const NO_SERVICES = {
    'auth.enabled': 'false',
    'chat.enabled': 'false',
    'gateway.upstreams.auth.enabled': 'false',
    'gateway.upstreams.chat.enabled': 'false',
  };
  const cases: [string, Record<string, string>][] = [
    ['defaults', {}],
    ['tests off', { 'tests.enabled': 'false' }],
    ['migrations off', { 'migrations.enabled': 'false' }],
    ['no service with a database', NO_SERVICES],
    ['no gateway', { 'gateway.enabled': 'false', 'ingress.enabled': 'false' }],
  ];
  for (const [name, set] of cases)
    it(`23. the migrations and helm test policies render exactly with their pods (${name})`, () => {
      const objects = validObjects(renderChart({ set }));
      const policies = ofKind(objects, NetworkPolicy.is);
      const hookPods = pods(objects).filter(({ owner }) => hookOf(owner));
      const guarded = policies.filter((p) => hookOf(p)).map((p) => p.spec?.podSelector?.matchLabels);
      expect(guarded).to.have.length(hookPods.length);
      for (const { owner, labels } of hookPods)
        expect(
          guarded.some((selector) => matches(selector, labels)),
          objectId(owner),
        ).to.equal(true);
    });
});

describe('chart policy (config changes)', () => {
  it("16. changing a service's config changes its checksum annotation, so its pods roll", () => {
    const checksums = (set: Record<string, string>) =>
      Object.fromEntries(
        servingPods(validObjects(renderChart({ set }))).map(({ owner, annotations }) => [
          owner.metadata.name,
          Object.entries(annotations).filter(([key]) => key.startsWith('checksum/')),
        ]),
      );
    const before = checksums({});
    const after = checksums({ 'chat.config.LOG_LEVEL': 'debug' });
    expect(after['gaia-chat']).to.not.deep.equal(before['gaia-chat']);
    expect(after['gaia-auth']).to.deep.equal(before['gaia-auth']);
  });
});

describe('chart policy (autoscaling defaults)', () => {
  const everyService = (setting: string, value: string) =>
    Object.fromEntries(
      ['gateway', 'auth', 'chat'].map((service) => [`${service}.autoscaling.${setting}`, value]),
    );

  it('22. a VPA only recommends (updateMode Off) unless told otherwise', () => {
    const vpas = ofKind(
      validObjects(renderChart({ set: everyService('vpa.enabled', 'true') })),
      VerticalPodAutoscaler.is,
    );
    expect(vpas).to.have.length(3);
    expect(vpas.filter((v) => v.spec.updatePolicy?.updateMode !== 'Off').map(objectId)).to.deep.equal([]);
  });

  it('22. a resizing VPA on a resource the HPA scales on is refused', () => {
    const set = { ...everyService('vpa.enabled', 'true'), ...everyService('vpa.updateMode', 'Recreate') };
    expect(() => renderChart({ set })).to.throw(/vpa\.updateMode "Recreate" would resize cpu/);
  });

  it('22. a resizing VPA renders when it stays off the resources the HPA scales on', () => {
    const set = {
      ...everyService('vpa.enabled', 'true'),
      ...everyService('vpa.updateMode', 'Recreate'),
      ...everyService('vpa.controlledResources', '{memory}'),
      ...everyService('hpa.targetMemoryUtilizationPercentage', '0'),
    };
    const objects = validObjects(renderChart({ set }));
    expect(ofKind(objects, VerticalPodAutoscaler.is)).to.have.length(3);
    expect(autoscalerExclusivity(objects)).to.deep.equal([]);
  });
});

describe('chart policy (secrets passed at install)', () => {
  it('15. secret values reach the Secret and nothing else', () => {
    const set = {
      'global.secrets.create': 'true',
      ...Object.fromEntries(
        Object.entries(secretValues).map(([key, value]) => [`global.secrets.values.${key}`, value]),
      ),
    };
    const objects = validObjects(renderChart({ set }));
    const secrets = objects.filter((o) => o.kind === 'Secret');
    expect(secrets.map(objectId)).to.deep.equal(['Secret/gaia-secrets']);
    for (const value of Object.values(secretValues)) expect(JSON.stringify(secrets)).to.include(value);
    const elsewhere = objects.filter(
      (o) => o.kind !== 'Secret' && Object.values(secretValues).some((v) => JSON.stringify(o).includes(v)),
    );
    expect(elsewhere.map(objectId)).to.deep.equal([]);
    expect(noSecretsInConfig(objects)).to.deep.equal([]);
  });
});
