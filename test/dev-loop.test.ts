import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DockerfileParser } from 'dockerfile-ast';
import { parse, parseAllDocuments } from 'yaml';

// No skaffold or tilt binary can be had here: both files are checked structurally, and their image
// bindings against what the real chart renders.

const apps = readdirSync('apps', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const dockerfile = DockerfileParser.parse(readFileSync('Dockerfile', 'utf8'));
const targets = dockerfile.getFROMs().map((from) => from.getBuildStage());
/** The build-context paths the Dockerfile copies (COPY without --from). */
const copiedFromContext = dockerfile
  .getCOPYs()
  .filter((copy) => !copy.getFromFlag())
  .flatMap((copy) => (copy.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1))
  .map((path) => path.replace(/\/$/, ''));
/** Every image the Dockerfile can build: one per app, plus the migration Job's. */
const images = [...apps, 'migrate'];
/** The chart's values key for an image: the app's subchart, or the migrations Job. */
const valuesKey = (target: string) => (target === 'migrate' ? 'migrations' : target);

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    ports?: { name?: string; port: number }[];
    template?: { spec: { containers: { image: string }[] } };
  };
}

/** `helm template gaia charts/gaia -n gaia` with the given values files and --set pairs. */
function render(valuesFiles: string[], set: string[]): Manifest[] {
  const args = ['template', 'gaia', 'charts/gaia', '-n', 'gaia'];
  for (const file of valuesFiles) args.push('-f', file);
  for (const pair of set) args.push('--set', pair);
  const manifest = execFileSync(process.execPath, ['scripts/helm.mjs', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((object): object is Manifest => object !== null);
}

/** The container images of every workload in a rendered chart, by workload name. */
const workloadImages = (objects: Manifest[]): Record<string, string[]> =>
  Object.fromEntries(
    objects
      .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      .map((o) => [o.metadata.name, o.spec!.template!.spec.containers.map((c) => c.image)]),
  );

describe('skaffold.yaml', () => {
  interface Artifact {
    image: string;
    docker?: { dockerfile?: string; target?: string };
  }
  interface Release {
    name: string;
    chartPath: string;
    namespace: string;
    valuesFiles?: string[];
    setValueTemplates?: Record<string, string>;
  }
  const config = parse(readFileSync('skaffold.yaml', 'utf8')) as {
    apiVersion: string;
    kind: string;
    build: { artifacts: Artifact[]; local?: { push?: boolean } };
    deploy: { helm: { releases: Release[] } };
    portForward?: { resourceType: string; resourceName: string; namespace?: string; port: number }[];
    profiles?: { name: string }[];
  };
  const artifacts = config.build.artifacts;
  const releases = config.deploy.helm.releases;
  /** Skaffold's template key for an artifact: `-`, `/`, `.` and `:` become `_`. */
  const sanitised = (image: string) => image.replace(/[-/.:]/g, '_');

  it('is a v4beta Config', () => {
    expect(config.apiVersion).to.match(/^skaffold\/v4beta\d+$/);
    expect(config.kind).to.equal('Config');
  });

  it('builds one image per app and the migration image, each from a real Dockerfile target', () => {
    expect(artifacts.map((a) => a.docker?.target)).to.have.members(images);
    for (const { image, docker } of artifacts) {
      expect(existsSync(docker!.dockerfile!), `${image} dockerfile`).to.equal(true);
      expect(targets, `${image} target`).to.include(docker!.target);
    }
  });

  it('builds locally without pushing', () => {
    expect(config.build.local?.push).to.equal(false);
  });

  it('deploys the umbrella chart with values files that exist', () => {
    expect(releases.map((r) => r.chartPath)).to.deep.equal(['charts/gaia']);
    for (const release of releases) {
      expect(existsSync(`${release.chartPath}/Chart.yaml`), release.chartPath).to.equal(true);
      for (const file of release.valuesFiles ?? []) expect(existsSync(file), file).to.equal(true);
    }
  });

  it("binds every artifact's repository and tag into its service's image values", () => {
    const templates = releases[0]!.setValueTemplates ?? {};
    for (const { image, docker } of artifacts) {
      const key = sanitised(image);
      const values = valuesKey(docker!.target!);
      expect(templates[`${values}.image.repository`]).to.equal(`{{.IMAGE_REPO_${key}}}`);
      expect(templates[`${values}.image.tag`]).to.equal(`{{.IMAGE_TAG_${key}}}`);
    }
  });

  it('deploys the images it builds: the rendered chart runs each artifact', () => {
    const release = releases[0]!;
    const set = Object.entries(release.setValueTemplates ?? {}).map(([key, template]) => {
      const [, field, name] = /^\{\{\.IMAGE_(REPO|TAG)_(\w+)\}\}$/.exec(template)!;
      const artifact = artifacts.find((a) => sanitised(a.image) === name)!;
      return `${key}=${field === 'REPO' ? artifact.image : 'skaffold'}`;
    });
    const running = Object.values(workloadImages(render(release.valuesFiles ?? [], set))).flat();
    for (const { image } of artifacts) expect(running, image).to.include(`${image}:skaffold`);
  });

  it('has kind and minikube profiles', () => {
    expect((config.profiles ?? []).map((p) => p.name)).to.include.members(['kind', 'minikube']);
  });

  it("forwards the gateway Service's port 8666, which the chart renders", () => {
    const forward = (config.portForward ?? []).find((p) => p.resourceName === 'gaia-gateway');
    expect(forward).to.include({ resourceType: 'service', namespace: 'gaia', port: 8666 });
    const service = render(releases[0]!.valuesFiles ?? [], []).find(
      (o) => o.kind === 'Service' && o.metadata.name === 'gaia-gateway',
    );
    expect(service?.spec?.ports?.map((p) => p.port)).to.include(8666);
  });
});

describe('Tiltfile', () => {
  const source = readFileSync('Tiltfile', 'utf8').replace(/#.*$/gm, '');
  const strings = (text: string) => [...text.matchAll(/'([^']*)'/g)].map(([, value]) => value!);
  /** Top-level `name = '...'` and `name = [...]` assignments, as source text. */
  const assigned: Record<string, string> = Object.fromEntries(
    [...source.matchAll(/^(\w+)\s*=\s*('[^']*'|\[[^\]]*\])/gm)].map(([, name, value]) => [name!, value!]),
  );
  /** A keyword argument's value as source text, a variable replaced by what it was assigned. */
  const keyword = (args: string, name: string) => {
    const value = new RegExp(`\\b${name}\\s*=\\s*('[^']*'|\\[[^\\]]*\\]|\\w+)`).exec(args)?.[1];
    return value !== undefined && /^\w+$/.test(value) ? assigned[value] : value;
  };
  const stringArg = (args: string, name: string) => strings(keyword(args, name) ?? '')[0];
  const listArg = (args: string, name: string) => strings(keyword(args, name) ?? '');

  const builds = [...source.matchAll(/docker_build\(\s*'([^']+)',\s*'([^']+)'([^)]*)\)/g)].map(
    ([, ref, context, args]) => ({
      ref: ref!,
      context: context!,
      dockerfile: stringArg(args!, 'dockerfile') ?? 'Dockerfile',
      target: stringArg(args!, 'target'),
      only: listArg(args!, 'only'),
    }),
  );
  const helmCall = /helm\(\s*'([^']+)'([\s\S]*?)\)\)/.exec(source);
  const chart = helmCall?.[1];
  const helmArgs = helmCall?.[2] ?? '';
  const resources = [...source.matchAll(/k8s_resource\(\s*'([^']+)'([^)]*)\)/g)].map(([, name, args]) => ({
    name: name!,
    portForwards: listArg(args!, 'port_forwards'),
    labels: listArg(args!, 'labels'),
  }));
  const syncSources = [...source.matchAll(/sync\(\s*'([^']+)'/g)].map(([, path]) => path!);

  it('builds one image per app and the migration image, each from a real Dockerfile target', () => {
    expect(builds.map((b) => b.target)).to.have.members(images);
    for (const build of builds) {
      expect(build.ref).to.equal(`gaia/${build.target}`);
      expect(targets, `${build.ref} target`).to.include(build.target);
    }
  });

  it('sends the Docker build everything the Dockerfile copies, and names only paths that exist', () => {
    for (const build of builds) {
      const paths = [build.context, build.dockerfile, ...build.only, ...syncSources];
      for (const path of paths) expect(existsSync(path), `${build.ref}: ${path}`).to.equal(true);
      for (const copied of copiedFromContext)
        expect(
          build.only.some((entry) => copied === entry || copied.startsWith(`${entry}/`)),
          `${build.ref}: COPY ${copied} is outside only=`,
        ).to.equal(true);
    }
  });

  it('renders the umbrella chart as release gaia with values files that exist', () => {
    expect(chart).to.equal('charts/gaia');
    expect(existsSync(`${chart}/Chart.yaml`)).to.equal(true);
    expect(stringArg(helmArgs, 'name')).to.equal('gaia');
    expect(stringArg(helmArgs, 'namespace')).to.equal('gaia');
    for (const file of listArg(helmArgs, 'values')) expect(existsSync(file), file).to.equal(true);
  });

  it('points each Gaia workload at the image Tilt builds for it, so Tilt swaps in its build', () => {
    const running = workloadImages(render(listArg(helmArgs, 'values'), listArg(helmArgs, 'set')));
    for (const build of builds)
      expect(running[`gaia-${build.target}`], build.ref).to.satisfy((containerImages: string[]) =>
        containerImages.some((image) => image.replace(/:[^/:]+$/, '') === build.ref),
      );
  });

  it('groups each app as a resource named after its Deployment, and forwards the gateway', () => {
    for (const app of apps) {
      const resource = resources.find((r) => r.name === `gaia-${app}`);
      expect(resource, `k8s_resource gaia-${app}`).to.not.equal(undefined);
      expect(resource!.labels).to.deep.equal([app]);
    }
    expect(resources.find((r) => r.name === 'gaia-gateway')!.portForwards).to.include('8666:8666');
    const workloads = Object.keys(
      workloadImages(render(listArg(helmArgs, 'values'), listArg(helmArgs, 'set'))),
    );
    for (const resource of resources) expect(workloads, resource.name).to.include(resource.name);
  });
});
