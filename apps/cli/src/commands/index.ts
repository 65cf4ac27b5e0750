import type { Command } from 'commander';
import * as analyze from './analyze.js';
import * as clip from './clip.js';
import * as decisions from './decisions.js';
import * as doctor from './doctor.js';
import * as evaluate from './evaluate.js';
import * as final from './final.js';
import * as make from './make.js';
import * as providers from './providers.js';
import * as resume from './resume.js';
import * as secrets from './secrets.js';
import * as serve from './serve.js';
import * as status from './status.js';
import * as stills from './stills.js';
import * as studio from './studio.js';
import * as worker from './worker.js';

/** Each command lives in its own file and registers itself; the order is the order in --help. */
export function registerCommands(program: Command): void {
  for (const mod of [
    make,
    analyze,
    clip,
    providers,
    status,
    resume,
    stills,
    final,
    decisions,
    evaluate,
    studio,
    serve,
    worker,
    doctor,
    secrets,
  ]) {
    mod.register(program);
  }
}
