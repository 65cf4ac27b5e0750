import type { Command } from 'commander';

interface CommandModule {
  register(program: Command): void;
}

/**
 * Each command lives in its own file and registers itself; the order is the order in --help. They are
 * loaded on demand: the pipeline, the API and the provider registry take ~2 s to import, and
 * `beatframe analyze` (or `--version`) should not wait for modules it never uses.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['make', () => import('./make.js')],
  ['analyze', () => import('./analyze.js')],
  ['clip', () => import('./clip.js')],
  ['providers', () => import('./providers.js')],
  ['status', () => import('./status.js')],
  ['resume', () => import('./resume.js')],
  ['stills', () => import('./stills.js')],
  ['final', () => import('./final.js')],
  ['decisions', () => import('./decisions.js')],
  ['evaluate', () => import('./evaluate.js')],
  ['studio', () => import('./studio.js')],
  ['serve', () => import('./serve.js')],
  ['worker', () => import('./worker.js')],
  ['doctor', () => import('./doctor.js')],
  ['secrets', () => import('./secrets.js')],
];

/** The command `argv` names, if any: the first word that is not an option (global options take no value). */
export function commandNamed(argv: readonly string[]): string | undefined {
  const word = argv.find((a) => !a.startsWith('-'));
  return COMMANDS.some(([name]) => name === word) ? word : undefined;
}

/**
 * Registers the command `argv` names, or every command when it names none (top-level help, `help`, an
 * unknown command and its suggestions need them all); with no `argv`, every command.
 */
export async function registerCommands(program: Command, argv?: readonly string[]): Promise<void> {
  const named = argv ? commandNamed(argv) : undefined;
  // `--version` alone needs no command at all.
  const versionOnly = !named && argv?.some((a) => a === '-V' || a === '--version');
  const chosen = named ? COMMANDS.filter(([name]) => name === named) : versionOnly ? [] : COMMANDS;
  const modules = await Promise.all(chosen.map(([, load]) => load()));
  for (const mod of modules) mod.register(program);
}
