import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

const source = readFileSync('Dockerfile', 'utf8');
const dockerfile = DockerfileParser.parse(source);
const apps = readdirSync('apps', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const workspaces = ['packages', 'apps']
  .flatMap((root) => readdirSync(root).map((name) => `${root}/${name}`))
  .concat('launcher')
  .filter((dir) => existsSync(`${dir}/package.json`));

interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

const stages: Stage[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    const [base = '', , name = ''] = instruction.getArgumentsContent()?.split(/\s+/) ?? [];
    stages.push({ name, base, instructions: [] });
  } else {
    stages.at(-1)?.instructions.push(instruction);
  }
}
const stage = (name: string) => stages.find((s) => s.name === name);
/** The stage and every stage it builds on, nearest first. */
const chain = (name: string): Stage[] => {
  const found = stage(name);
  return found ? [found, ...chain(found.base)] : [];
};
const args = Object.fromEntries(
  dockerfile.getARGs().map((a) => [a.getProperty()?.getName(), a.getProperty()?.getValue()]),
);
const resolveImage = (image: string) =>
  image.replace(/\$\{(\w+)\}/g, (_, name: string) => String(args[name]));
const run = (s: Stage) =>
  s.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');

describe('Dockerfile', () => {
  it('is valid Dockerfile syntax', () => {
    expect(validate(source).map((problem) => problem.message)).to.deep.equal([]);
  });

  it('has one target per app, built on Node 24 slim or distroless', () => {
    for (const app of apps) {
      const stages = chain(app);
      expect(stages, `target ${app}`).to.not.be.empty;
      const image = resolveImage(stages.at(-1)!.base);
      expect(image, `${app} base image`).to.match(
        /^(node:24[\w.-]*-slim|gcr\.io\/distroless\/nodejs24[\w.-]*)(@sha256:[0-9a-f]{64})?$/,
      );
    }
  });

  it('runs every app, and the dev image, as a numeric non-root user >= 10000', () => {
    for (const app of [...apps, 'dev']) {
      const user = chain(app)
        .flatMap((s) => s.instructions)
        .find((i) => i.getKeyword() === 'USER');
      const [uid, gid] = (user?.getArgumentsContent() ?? '').split(':').map(Number);
      expect(uid, `${app} uid`).to.be.at.least(10000);
      expect(gid, `${app} gid`).to.be.at.least(10000);
    }
  });

  it('starts each app with an exec-form ENTRYPOINT so SIGTERM reaches Node', () => {
    for (const app of apps) {
      const entrypoint = stage(app)!.instructions.find((i) => i.getKeyword() === 'ENTRYPOINT');
      const argv = JSON.parse(entrypoint?.getArgumentsContent() ?? 'null') as string[] | null;
      expect(argv, `${app} ENTRYPOINT`).to.be.an('array');
      expect(argv![0]).to.equal('node');
      const main = argv![1]!.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(main), `${main} exists`).to.equal(true);
    }
  });

  it('ships production dependencies only, installed in a separate stage', () => {
    const runtime = chain(apps[0]!);
    const nodeModules = runtime
      .flatMap((s) => s.instructions)
      .find((i) => i.getKeyword() === 'COPY' && (i.getArgumentsContent() ?? '').includes('node_modules'));
    const from = /--from=(\S+)/.exec(nodeModules?.getTextContent() ?? '')?.[1];
    expect(from, 'node_modules copied from a stage').to.be.a('string');
    expect(run(stage(from!)!).join('\n')).to.match(/npm ci [^\n]*--omit=dev/);
    for (const s of runtime) expect(run(s), `${s.name} installs nothing`).to.deep.equal([]);
  });

  it('copies every workspace manifest so npm ci sees the whole workspace', () => {
    for (const name of ['build', 'deps', 'dev']) {
      const copied = chain(name)
        .flatMap((s) => s.instructions)
        .filter((i) => i.getKeyword() === 'COPY')
        .map((i) => i.getArgumentsContent() ?? '')
        .join('\n');
      for (const workspace of workspaces)
        expect(copied, `${name} stage copies ${workspace}`).to.contain(`${workspace}/package.json`);
    }
  });

  it('copies from the build context only files that exist, and ignores local clutter', () => {
    for (const copy of dockerfile.getCOPYs().filter((c) => !c.getFromFlag())) {
      const paths = (copy.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1);
      for (const path of paths) expect(existsSync(path), `COPY ${path}`).to.equal(true);
    }
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['node_modules', '.data', '.git']) expect(ignored).to.include(entry);
  });
});
