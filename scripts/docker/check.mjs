#!/usr/bin/env node
/**
 * Lints the Dockerfile without a Docker engine. hadolint is in neither npm nor Debian, so this runs
 * dockerfile-utils' validator (the Dockerfile language server's: syntax, instruction arguments) and the
 * rules below, which cover what hadolint would flag for this file and what the deployment relies on.
 * Exit 1 with one line per problem.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { BUILD_STEPS, FETCH_STEPS, RUNTIME_PACKAGES } from './steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = process.argv[2] ?? join(root, 'Dockerfile');
const text = readFileSync(file, 'utf8');
const problems = [];
const at = (line, msg) => problems.push(`${file}:${line + 1}: ${msg}`);

for (const d of validate(text, { instructionCasing: 1, emptyContinuationLine: 1, deprecatedMaintainer: 1 }))
  at(d.range.start.line, `${d.message} (dockerfile-utils)`);

const df = DockerfileParser.parse(text);
const stages = [];
for (const ins of df.getInstructions()) {
  const kw = ins.getKeyword();
  const line = ins.getRange().start.line;
  const args = ins.getArgumentsContent() ?? '';
  if (kw === 'FROM') {
    const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim());
    stages.push({ image: m?.[1] ?? args, name: m?.[2], line, ins: [] });
    if (
      /:latest$/.test(m?.[1] ?? '') ||
      (!/[:@$]/.test(m?.[1] ?? '') && !stages.some((s) => s.name === m?.[1]))
    )
      at(line, `pin the base image's tag: ${m?.[1]} (DL3006/DL3007)`);
    continue;
  }
  stages.at(-1)?.ins.push({ kw, args, line });
  if (kw === 'ADD' && /https?:\/\//.test(args))
    at(line, 'ADD of a URL: download in a RUN step you can check (DL3020)');
  if (kw === 'ADD' && !/\.(tar|tgz|tar\.gz|tar\.xz)\b/.test(args)) at(line, 'use COPY for files (DL3020)');
  if ((kw === 'ENV' || kw === 'ARG') && /(KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL)S?\b\s*=/i.test(args))
    at(line, `${kw} must not carry a secret; secrets come from the host's variables at run time`);
  if (kw === 'RUN' && /apt-get install/.test(args)) {
    if (!/--no-install-recommends/.test(args))
      at(line, 'apt-get install without --no-install-recommends (DL3015)');
    if (!/-y\b/.test(args)) at(line, 'apt-get install without -y (DL3014)');
    if (!/rm -rf \/var\/lib\/apt\/lists/.test(args))
      at(line, 'remove /var/lib/apt/lists in the same RUN (DL3009)');
    if (!/apt-get update/.test(args)) at(line, 'apt-get update in the same RUN as install (DL3009)');
  }
  if (kw === 'RUN' && /\bsudo\b/.test(args)) at(line, 'do not use sudo (DL3004)');
  if (kw === 'RUN' && /^\s*cd\s/.test(args)) at(line, 'use WORKDIR instead of cd (DL3003)');
  if (kw === 'RUN' && /\bcurl\b.*\|\s*(ba)?sh/.test(args)) at(line, 'do not pipe downloads into a shell');
}

if (stages.length < 2) at(0, 'use a multi-stage build (build tools stay out of the runtime image)');
const runtime = stages.at(-1);
const users = runtime?.ins.filter((i) => i.kw === 'USER') ?? [];
const lastUser = users.at(-1)?.args.trim();
if (!lastUser || lastUser === 'root' || lastUser === '0')
  at(runtime?.line ?? 0, 'the runtime stage must run as a non-root USER (DL3002)');
const entry = runtime?.ins.find((i) => i.kw === 'ENTRYPOINT' || i.kw === 'CMD');
if (entry && !/^\s*\[/.test(entry.args))
  at(entry.line, 'use the JSON (exec) form so signals reach node (DL3025)');
const runtimeRuns =
  runtime?.ins
    .filter((i) => i.kw === 'RUN')
    .map((i) => i.args)
    .join('\n') ?? '';
for (const p of RUNTIME_PACKAGES)
  if (!new RegExp(`\\b${p}\\b`).test(runtimeRuns))
    at(runtime?.line ?? 0, `the runtime stage does not install ${p}`);
if (/pnpm (install|fetch)|turbo/.test(runtimeRuns))
  at(runtime?.line ?? 0, 'the runtime stage must not install or build: copy the pruned /out');

// The build stages say exactly what dry-run.mjs runs outside a container.
const stripMount = (s) =>
  s
    .replace(/--mount=\S+\s+/g, '')
    .replace(/\\\n\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const runsOf = (name) =>
  stages
    .find((s) => s.name === name)
    ?.ins.filter((i) => i.kw === 'RUN')
    .map((i) => stripMount(i.args)) ?? [];
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
if (!same(runsOf('deps'), FETCH_STEPS))
  at(
    0,
    `stage deps runs ${JSON.stringify(runsOf('deps'))}, scripts/docker/steps.mjs says ${JSON.stringify(FETCH_STEPS)}`,
  );
if (!same(runsOf('build'), BUILD_STEPS))
  at(
    0,
    `stage build runs ${JSON.stringify(runsOf('build'))}, scripts/docker/steps.mjs says ${JSON.stringify(BUILD_STEPS)}`,
  );
// Dependency layer before the sources: the lockfile is copied alone first.
const deps = stages.find((s) => s.name === 'deps');
if (!deps?.ins.some((i) => i.kw === 'COPY' && /pnpm-lock\.yaml/.test(i.args) && !/^\.\s/.test(i.args)))
  at(deps?.line ?? 0, 'copy the lockfile alone before the sources, so the dependency layer is cached');

const ignore = readFileSync(join(dirname(file), '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim());
for (const must of ['.env', '.git', '**/node_modules', '.toolchain'])
  if (!ignore.includes(must)) problems.push(`.dockerignore: add ${must}`);

if (problems.length) {
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exit(1);
}
process.stdout.write(
  `Dockerfile ok: ${stages.length} stages, runtime as ${lastUser}, ${df.getInstructions().length} instructions\n`,
);
