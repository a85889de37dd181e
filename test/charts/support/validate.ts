// Schema checks for rendered manifests, standing in for `kubeconform -strict` (unavailable offline).
// kubernetes-models validate types and required fields but let unknown fields through, so core
// kinds are also walked against @kubernetes/client-node's attribute type maps.
import * as clientNode from '@kubernetes/client-node';
import * as vpaV1 from '@kubernetes-models/autoscaler/autoscaling.k8s.io/v1';
import * as kedaV1alpha1 from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export const objectId = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface Model {
  apiVersion: string;
  kind: string;
  new (data: object): { validate(): void };
}

const modelsByApiVersion: Record<string, object> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'autoscaling/v2': autoscalingV2,
  'monitoring.coreos.com/v1': monitoringV1,
  'keda.sh/v1alpha1': kedaV1alpha1,
  'autoscaling.k8s.io/v1': vpaV1,
};

function findModel(apiVersion: string, kind: string): Model | undefined {
  const candidate = (modelsByApiVersion[apiVersion] as Record<string, Partial<Model>> | undefined)?.[kind];
  // Modules also export nested types (DeploymentSpec, ...), which carry no apiVersion/kind.
  return candidate?.apiVersion === apiVersion && candidate.kind === kind ? (candidate as Model) : undefined;
}

/** `/spec/containers/0/foo` → `spec.containers[0].foo`, the walker's notation. */
const jsonPointerToPath = (pointer: string) =>
  pointer
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .slice(1)
    .replaceAll('/', '.');

function modelErrors(model: Model, object: K8sObject): string[] {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!details) throw error;
    return details.map(
      ({ instancePath, message }) =>
        `${jsonPointerToPath(instancePath) || '(root)'} ${message ?? 'is invalid'}`,
    );
  }
}

/**
 * Attribute name → type, in client-node's notation (`V1PodSpec`, `Array<V1Container>`,
 * `{ [key: string]: string; }`, primitives). There is no HTTPRoute model installed
 * (@kubernetes-models/gateway-api would add one), so its fields are listed here from the v1 API.
 */
const gatewayTypes: Record<string, Record<string, string>> = {
  GatewayV1HTTPRoute: {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'V1ObjectMeta',
    spec: 'GatewayV1HTTPRouteSpec',
  },
  GatewayV1HTTPRouteSpec: {
    parentRefs: 'Array<GatewayV1ParentReference>',
    hostnames: 'Array<string>',
    rules: 'Array<GatewayV1HTTPRouteRule>',
  },
  GatewayV1ParentReference: {
    group: 'string',
    kind: 'string',
    namespace: 'string',
    name: 'string',
    sectionName: 'string',
    port: 'integer',
  },
  GatewayV1HTTPRouteRule: {
    name: 'string',
    matches: 'Array<any>',
    filters: 'Array<any>',
    backendRefs: 'Array<GatewayV1HTTPBackendRef>',
    timeouts: 'GatewayV1HTTPRouteTimeouts',
    retry: 'any',
    sessionPersistence: 'any',
  },
  GatewayV1HTTPBackendRef: {
    group: 'string',
    kind: 'string',
    name: 'string',
    namespace: 'string',
    port: 'integer',
    weight: 'integer',
    filters: 'Array<any>',
  },
  GatewayV1HTTPRouteTimeouts: { request: 'string', backendRequest: 'string' },
};

function attributeTypes(typeName: string): Map<string, string> | undefined {
  const local = gatewayTypes[typeName];
  if (local) return new Map(Object.entries(local));
  const model = (clientNode as Record<string, unknown>)[typeName] as
    { getAttributeTypeMap?: () => { baseName: string; type: string }[] } | undefined;
  return model?.getAttributeTypeMap
    ? new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]))
    : undefined;
}

/** `apps/v1` Deployment → V1Deployment (client-node's naming); CRDs have no such type. */
function rootTypeName({ apiVersion, kind }: K8sObject): string {
  const [group, version = ''] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const prefix = group === 'gateway.networking.k8s.io' ? 'Gateway' : '';
  return `${prefix}${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function unknownFieldPaths(value: unknown, typeName: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array?.[1]) {
    const itemType = array[1];
    return Array.isArray(value)
      ? value.flatMap((item, i) => unknownFieldPaths(item, itemType, `${path}[${i}]`))
      : [];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map?.[1]) {
    const valueType = map[1];
    return isRecord(value)
      ? Object.entries(value).flatMap(([key, v]) => unknownFieldPaths(v, valueType, join(path, key)))
      : [];
  }
  const attributes = attributeTypes(typeName);
  // Primitives, IntOrString, Date and `any` end the walk; wrong types are the models' job.
  if (!attributes || !isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childType = attributes.get(key);
    return childType === undefined ? [join(path, key)] : unknownFieldPaths(child, childType, join(path, key));
  });
}

/** What the models cannot say about an HTTPRoute: required fields and their types. */
function httpRouteErrors(route: K8sObject): string[] {
  const spec = isRecord(route.spec) ? route.spec : {};
  const parentRefs = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const errors = parentRefs.length === 0 ? ['spec.parentRefs must be a non-empty array'] : [];
  parentRefs.forEach((ref, i) => {
    if (!isRecord(ref) || typeof ref.name !== 'string')
      errors.push(`spec.parentRefs[${i}].name must be a string`);
  });
  rules.forEach((rule, i) => {
    const backendRefs = isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
    backendRefs.forEach((ref, j) => {
      if (!isRecord(ref) || typeof ref.name !== 'string' || !Number.isInteger(ref.port))
        errors.push(`spec.rules[${i}].backendRefs[${j}] needs a string name and an integer port`);
    });
  });
  return errors;
}

/** Custom resources: their models check types, but client-node has no type maps to walk. */
const CUSTOM_RESOURCE_API_VERSIONS = [
  'monitoring.coreos.com/v1',
  'keda.sh/v1alpha1',
  'autoscaling.k8s.io/v1',
];

function unknownFieldErrors(object: K8sObject): string[] {
  if (CUSTOM_RESOURCE_API_VERSIONS.includes(object.apiVersion)) return [];
  const rootType = rootTypeName(object);
  // Never skip a core kind silently: a missing type map would turn the walk off for it.
  if (!attributeTypes(rootType)) return [`has no type map ${rootType} to check fields against`];
  return unknownFieldPaths(object, rootType, '').map((path) => `${path} is not a field`);
}

function objectErrors(object: K8sObject): string[] {
  if (object.apiVersion === 'gateway.networking.k8s.io/v1' && object.kind === 'HTTPRoute')
    return [...httpRouteErrors(object), ...unknownFieldErrors(object)];
  const model = findModel(object.apiVersion, object.kind);
  if (!model) return [`has no schema for ${object.apiVersion} ${object.kind}`];
  return [...modelErrors(model, object), ...unknownFieldErrors(object)];
}

/** Every problem with one rendered document, each prefixed with `Kind/name`. */
export function validateObject(document: unknown): string[] {
  const { apiVersion, kind, metadata } = isRecord(document) ? document : {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return [`document without apiVersion/kind: ${JSON.stringify(document)?.slice(0, 120)}`];
  const name = isRecord(metadata) ? metadata.name : undefined;
  if (typeof name !== 'string') return [`${kind} without metadata.name`];
  return objectErrors(document as K8sObject).map((error) => `${kind}/${name} ${error}`);
}

/** Narrows parsed documents to objects after checking every one; throws listing all problems. */
export function validObjects(documents: unknown[]): K8sObject[] {
  const errors = documents.flatMap(validateObject);
  if (errors.length > 0) throw new Error(`invalid manifests:\n  ${errors.join('\n  ')}`);
  return documents as K8sObject[];
}
