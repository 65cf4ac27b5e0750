import { BeatframeError, userMessage } from '@beatframe/core';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * The CLI's commander program. With `argv`, only the command it names is loaded (see commands/index.ts);
 * without, every command.
 */
export async function buildProgram(
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
  argv?: readonly string[],
): Promise<Command> {
  const program = new Command('beatframe')
    .description('Turn a song into a beat-synced music video.')
    .version('0.1.0')
    .option('--verbose', 'print stack traces and debug logs')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's own errors ("unknown option") become our one-line form below.
      outputError: () => {},
    })
    .exitOverride();
  await registerCommands(program, argv);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 2 bad usage or input, 1 failure. */
export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const verbose = argv.includes('--verbose');
  if (verbose && !process.env.BEATFRAME_LOG_LEVEL) process.env.BEATFRAME_LOG_LEVEL = 'debug';
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      io.stderr.write(`beatframe: ${err.message.replace(/^error:\s*/, '')}\n`);
      return 2;
    }
    io.stderr.write(`beatframe: ${userMessage(err)}\n`);
    if (verbose && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return err instanceof BeatframeError ? err.exitCode : 1;
  }
}
