import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compositorCacheDir, startStudio } from '@beatframe/compositor';
import { createLogger, InputError, loadConfig, UsageError } from '@beatframe/core';
import { loadTimeline } from '@beatframe/timeline';
import type { Command } from 'commander';

/** A timeline file, a project folder holding timeline.json, or a project id under the data dir. */
export function resolveTimelinePath(target: string, dataDir: string): string {
  const asPath = resolve(target);
  if (existsSync(asPath) && statSync(asPath).isFile()) return asPath;
  const candidates = [join(asPath, 'timeline.json'), join(dataDir, 'projects', target, 'timeline.json')];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  if (existsSync(asPath) || existsSync(join(dataDir, 'projects', target))) {
    throw new InputError(`${target} has no timeline yet: run the project up to its edit stage first`);
  }
  throw new InputError(`${target} is neither a timeline file, a project folder nor a project id`);
}

/** `beatframe studio PROJECT|timeline.json`: Remotion Studio on a project's edit, props editable. */
export function register(program: Command): void {
  program
    .command('studio')
    .description(
      'open Remotion Studio on a project (folder or id) or a timeline.json, to preview and tweak the edit',
    )
    .argument('<target>', 'project folder, project id or timeline.json')
    .option('--port <port>', 'port to serve Studio on (default: a free one)')
    .option('--open', 'open a browser window on it')
    .action(async (target: string, opts: { port?: string; open?: boolean }) => {
      const config = loadConfig();
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
        throw new UsageError(`--port must be a port number, not ${opts.port}`);
      }
      const file = resolveTimelinePath(target, config.dataDir);
      const timeline = await loadTimeline(file);
      const cacheDir = compositorCacheDir(config);
      const studio = await startStudio(timeline, {
        workDir: join(cacheDir, 'studio', String(process.pid)),
        cacheDir,
        ...(port ? { port } : {}),
        ...(config.browserExecutable ? { browserExecutable: config.browserExecutable } : {}),
        open: Boolean(opts.open),
        logger: createLogger({ level: 'warn' }),
      });
      process.stdout.write(`Remotion Studio on ${file}\n  ${studio.url}\n(ctrl-c to stop)\n`);
      const stop = () => void studio.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await studio.exited;
    });
}
