import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { expect } from 'chai';
import { DockerfileParser, From } from 'dockerfile-ast';
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
/** One stage's instructions after its FROM, by keyword and argument text. */
/** A stage's instructions, after those of the stages it builds on (`FROM build AS dev`). */
const stageInstructions = (name: string): { keyword: string; args: string }[] => {
  let current: string | null = null;
  let base: string | undefined;
  const found: { keyword: string; args: string }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      current = instruction.getBuildStage();
      if (current === name) base = instruction.getImageName() ?? undefined;
    } else if (current === name)
      found.push({ keyword: instruction.getKeyword(), args: instruction.getArgumentsContent() ?? '' });
  }
  return base && base !== name ? [...stageInstructions(base), ...found] : found;
};

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    capabilities?: { drop?: string[] };
  };
}

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    ports?: { name?: string; port: number }[];
    template?: { spec: { securityContext?: { runAsUser?: number }; containers: Container[] } };
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

/** The workloads (Deployments, StatefulSets, Jobs) of a rendered chart, by name. */
const workloads = (objects: Manifest[]): Record<string, Manifest> =>
  Object.fromEntries(
    objects
      .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      .map((o) => [o.metadata.name, o]),
  );
/** The container images of every workload in a rendered chart, by workload name. */
const workloadImages = (objects: Manifest[]): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(workloads(objects)).map(([name, o]) => [
      name,
      o.spec!.template!.spec.containers.map((c) => c.image),
    ]),
  );
/** An image reference without its tag. */
const repository = (image: string) => image.replace(/:[^/:]+$/, '');

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
  /** An argument's source text, a variable replaced by what it was assigned. */
  const resolve = (value = '') => (/^\w+$/.test(value) ? (assigned[value] ?? '') : value);

  /** The argument text of every `name(...)` call in text; quotes and nested brackets respected. */
  const calls = (text: string, name: string): string[] =>
    [...text.matchAll(new RegExp(`(?<![\\w.])${name}\\(`, 'g'))].map((match) => {
      const start = match.index + match[0].length;
      let depth = 1;
      let quote = '';
      let end = start;
      for (; end < text.length && depth > 0; end++) {
        const char = text[end]!;
        if (quote) quote = char === quote ? '' : quote;
        else if (char === "'" || char === '"') quote = char;
        else if ('([{'.includes(char)) depth++;
        else if (')]}'.includes(char)) depth--;
      }
      return text.slice(start, end - 1);
    });
  /** Comma-separated items of an argument list (or a list's inside) at the top level, trimmed. */
  const items = (text: string): string[] => {
    const found: string[] = [];
    let depth = 0;
    let quote = '';
    let current = '';
    for (const char of text) {
      if (quote) quote = char === quote ? '' : quote;
      else if (char === "'" || char === '"') quote = char;
      else if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char)) depth--;
      else if (char === ',' && depth === 0) {
        found.push(current.trim());
        current = '';
        continue;
      }
      current += char;
    }
    return [...found, current.trim()].filter((item) => item !== '');
  };
  /** A call's positional arguments and keyword arguments, as source text. */
  const argsOf = (text: string) => {
    const all = items(text);
    const keyword = (item: string) => /^(\w+)\s*=(?!=)\s*([\s\S]*)$/.exec(item);
    return {
      positional: all.filter((item) => !keyword(item)),
      keywords: Object.fromEntries(
        all.map(keyword).flatMap((match) => (match ? [[match[1]!, resolve(match[2])]] : [])),
      ) as Record<string, string | undefined>,
    };
  };
  const stringArg = (args: string, name: string) => strings(argsOf(args).keywords[name] ?? '')[0];
  const listArg = (args: string, name: string) => strings(argsOf(args).keywords[name] ?? '');

  const builds = calls(source, 'docker_build').map((text) => {
    const { positional, keywords } = argsOf(text);
    const liveUpdate = items(/^\[([\s\S]*)\]$/.exec(keywords.live_update ?? '[]')?.[1] ?? '').map((step) => {
      const kind = /^(\w+)\(/.exec(step)?.[1] ?? step;
      return { kind, args: calls(step, kind)[0] ?? '' };
    });
    return {
      ref: strings(positional[0] ?? '')[0]!,
      context: strings(positional[1] ?? keywords.context ?? '')[0]!,
      dockerfile: strings(keywords.dockerfile ?? '')[0] ?? 'Dockerfile',
      target: strings(keywords.target ?? '')[0],
      only: strings(keywords.only ?? ''),
      liveUpdate,
      /** sync(local, container) steps, as [local, container] paths. */
      syncs: liveUpdate
        .filter((step) => step.kind === 'sync')
        .map((step) => argsOf(step.args).positional.map((arg) => strings(resolve(arg))[0]!)),
      fallBackOn: liveUpdate
        .filter((step) => step.kind === 'fall_back_on')
        .flatMap((step) => strings(resolve(argsOf(step.args).positional[0]))),
    };
  });
  const build = (target: string) => builds.find((b) => b.target === target);
  const helmArgs = calls(source, 'helm')[0] ?? '';
  const chart = strings(argsOf(helmArgs).positional[0] ?? '')[0];
  const resources = calls(source, 'k8s_resource').map((args) => ({
    name: strings(argsOf(args).positional[0] ?? '')[0]!,
    portForwards: listArg(args, 'port_forwards'),
    labels: listArg(args, 'labels'),
  }));
  const syncSources = builds.flatMap((b) => b.syncs.map(([local]) => local!));
  /** The chart as Tilt renders it: the Tiltfile's values files and --set pairs. */
  let tiltRender: Manifest[] | undefined;
  const rendered = () => (tiltRender ??= render(listArg(helmArgs, 'values'), listArg(helmArgs, 'set')));

  /** The dev target: its WORKDIR, user, entrypoint and build steps. */
  const devStage = stageInstructions('dev');
  const devWorkdir = devStage.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
  const [devUid, devGid] = (devStage.find((i) => i.keyword === 'USER')?.args ?? '').split(':').map(Number);
  const devEntrypoint = JSON.parse(devStage.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? 'null') as
    string[] | null;
  /** The environment variable the dev entrypoint takes the app's name from: apps/${VAR}/src/main.ts. */
  const serviceVariable = /apps\/\$\{(\w+)[^}]*\}\/src\/main\.ts/.exec(devEntrypoint?.join(' ') ?? '')?.[1];

  it('builds the dev image for the apps and the migration image, each from a real Dockerfile target', () => {
    expect(builds.map((b) => b.target)).to.have.members(['dev', 'migrate']);
    for (const build of builds) {
      expect(build.ref).to.equal(`gaia/${build.target}`);
      expect(targets, `${build.ref} target`).to.include(build.target);
    }
  });

  it('sends the Docker build everything the Dockerfile copies, and names only paths that exist', () => {
    for (const build of builds) {
      const paths = [build.context, build.dockerfile, ...build.only, ...syncSources, ...build.fallBackOn];
      for (const path of paths) expect(existsSync(path), `${build.ref}: ${path}`).to.equal(true);
      for (const copied of copiedFromContext)
        expect(
          build.only.some((entry) => copied === entry || copied.startsWith(`${entry}/`)),
          `${build.ref}: COPY ${copied} is outside only=`,
        ).to.equal(true);
    }
  });

  it('has a dev target that runs the app sources under node --watch, as the uid that owns them', () => {
    expect(targets).to.include('dev');
    expect(devEntrypoint, 'dev ENTRYPOINT in exec form').to.be.an('array');
    const [shell, flag, command = ''] = devEntrypoint!;
    // A shell expands the app's variable; `exec` makes node PID 1, so SIGTERM reaches it.
    expect([shell, flag]).to.deep.equal(['/bin/sh', '-c']);
    expect(command).to.match(/^exec node /);
    for (const option of ['--watch', '--conditions=development', '--import tsx'])
      expect(command, option).to.contain(option);
    expect(serviceVariable, 'apps/${VARIABLE}/src/main.ts in the dev ENTRYPOINT').to.be.a('string');
    for (const app of apps) expect(existsSync(`apps/${app}/src/main.ts`), app).to.equal(true);
    const run = devStage.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(run.join('\n'), 'dev dependencies installed (tsx)').to.match(/npm ci\b(?![^\n]*--omit=dev)/);
    // Prisma Client is generated code (packages/platform/src/db/generated): the image must make it.
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.generate).to.contain('prisma.mjs generate');
    // `npm run generate`, or a script that runs it first (`npm run build`).
    const generating = Object.keys(scripts).filter(
      (name) => name === 'generate' || scripts[name]!.startsWith('npm run generate'),
    );
    expect(run.join('\n'), 'Prisma Client generated').to.match(
      new RegExp(`npm run (${generating.join('|')})\\b`),
    );
    // Tilt's live_update extracts synced files as the container's user, so that uid owns the sources.
    expect(devStage.map((i) => i.args).join('\n'), 'sources chowned to the dev uid').to.match(
      new RegExp(`chown[= ]${devUid}:${devGid}\\b`),
    );
  });

  it("live-updates the dev image: syncs sources that exist into the dev target's WORKDIR", () => {
    const dev = build('dev')!;
    const kinds = dev.liveUpdate.map((step) => step.kind);
    // Tilt's order: fall_back_on steps, then sync, then run.
    expect(`${kinds.join(' ')} `, 'live_update steps').to.match(/^(fall_back_on )*(sync )+(run )*$/);
    expect(devWorkdir, 'dev WORKDIR').to.match(/^\//);
    const devCopies = devStage
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from'))
      .map((i) => i.args.split(/\s+/));
    for (const [local, container] of dev.syncs) {
      expect(existsSync(local!), `sync ${local}`).to.equal(true);
      expect(container, `sync ${local}`).to.satisfy((path: string) => path.startsWith(`${devWorkdir}/`));
      // The image holds the same files at the same place, so a synced file replaces its copy.
      expect(
        devCopies.some(
          (args) => args.slice(0, -1).includes(local!) && posix.join(devWorkdir!, args.at(-1)!) === container,
        ),
        `the dev target copies ${local} to ${container}`,
      ).to.equal(true);
    }
    const synced = (path: string) =>
      dev.syncs.some(([local]) => path === local || path.startsWith(`${local}/`));
    for (const dir of ['apps', 'packages'].flatMap((root) =>
      readdirSync(root).map((name) => `${root}/${name}`),
    ))
      if (existsSync(`${dir}/src`)) expect(synced(`${dir}/src`), `${dir}/src is synced`).to.equal(true);
  });

  it('rebuilds the dev image instead of syncing when dependencies change', () => {
    const dev = build('dev')!;
    const fallsBack = (path: string) =>
      dev.fallBackOn.some((entry) => path === entry || path.startsWith(`${entry}/`));
    const manifests = ['apps', 'packages']
      .flatMap((root) => readdirSync(root).map((name) => `${root}/${name}/package.json`))
      .filter((path) => existsSync(path));
    for (const path of ['package.json', 'package-lock.json', ...manifests])
      expect(fallsBack(path), `fall_back_on ${path}`).to.equal(true);
  });

  it('renders the umbrella chart as release gaia with values files that exist', () => {
    expect(chart).to.equal('charts/gaia');
    expect(existsSync(`${chart}/Chart.yaml`)).to.equal(true);
    expect(stringArg(helmArgs, 'name')).to.equal('gaia');
    expect(stringArg(helmArgs, 'namespace')).to.equal('gaia');
    for (const file of listArg(helmArgs, 'values')) expect(existsSync(file), file).to.equal(true);
  });

  it('runs every app on the dev image and the migrations Job on the migrate image, so Tilt swaps in its builds', () => {
    const running = workloadImages(rendered());
    const expected = { ...Object.fromEntries(apps.map((app) => [app, 'dev'])), migrate: 'migrate' };
    for (const [workload, target] of Object.entries(expected)) {
      const ref = build(target)?.ref;
      expect(ref, `a docker_build for target ${target}`).to.be.a('string');
      expect(running[`gaia-${workload}`]?.map(repository), `gaia-${workload}`).to.include(ref);
    }
  });

  it('runs the apps with a writable root filesystem, as the dev uid and told which app, only in its render', () => {
    const tilt = workloads(rendered());
    for (const app of apps) {
      const pod = tilt[`gaia-${app}`]!.spec!.template!.spec;
      const container = pod.containers.find((c) => repository(c.image) === build('dev')?.ref)!;
      const context = container.securityContext ?? {};
      expect(container.env, `gaia-${app} env`).to.deep.include({ name: serviceVariable, value: app });
      expect(context.readOnlyRootFilesystem, `gaia-${app} readOnlyRootFilesystem`).to.equal(false);
      expect(context.runAsUser ?? pod.securityContext?.runAsUser, `gaia-${app} uid`).to.equal(devUid);
      // Writable, but otherwise as hardened as ever.
      expect(context).to.include({ allowPrivilegeEscalation: false, runAsNonRoot: true });
      expect(context.capabilities?.drop, `gaia-${app} capabilities`).to.include('ALL');
    }
    const readOnly = (objects: Record<string, Manifest>, except: string[]) =>
      Object.entries(objects)
        .filter(([name]) => !except.includes(name))
        .flatMap(([name, o]) =>
          o.spec!.template!.spec.containers.map((c) => [
            `${name}/${c.name}`,
            c.securityContext?.readOnlyRootFilesystem,
          ]),
        );
    const devWorkloads = apps.map((app) => `gaia-${app}`);
    for (const [id, value] of readOnly(tilt, devWorkloads)) expect(value, `Tilt render ${id}`).to.equal(true);
    for (const [id, value] of readOnly(workloads(render([], [])), []))
      expect(value, `default render ${id}`).to.equal(true);
  });

  it('groups each app as a resource named after its Deployment, and forwards the gateway', () => {
    for (const app of apps) {
      const resource = resources.find((r) => r.name === `gaia-${app}`);
      expect(resource, `k8s_resource gaia-${app}`).to.not.equal(undefined);
      expect(resource!.labels).to.deep.equal([app]);
    }
    expect(resources.find((r) => r.name === 'gaia-gateway')!.portForwards).to.include('8666:8666');
    const names = Object.keys(workloads(rendered()));
    for (const resource of resources) expect(names, resource.name).to.include(resource.name);
  });
});
