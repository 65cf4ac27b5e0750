import { type Logger, sleep } from '@beatframe/core';
import type { Engine } from './engine.js';

/**
 * A graceful stop (SIGTERM on a redeploy): the worker has already stopped taking jobs; the stages and
 * shots in hand get `graceMs` to finish. Whatever is still running then is aborted at its next
 * checkpoint (a shot's job reference is stored before its first poll, a stage's output only when it is
 * done) and handed back: the project's current stage is queued again, so another worker, or this one
 * after a restart, carries on from the last checkpoint without paying twice. Returns the projects
 * handed back.
 */
export async function stopAndHandBack(
  engine: Pick<Engine, 'activeProjects' | 'abortAll' | 'kick'>,
  jobsDone: Promise<unknown>,
  graceMs: number | undefined,
  logger: Logger,
): Promise<string[]> {
  if (graceMs === undefined) {
    await jobsDone;
    return [];
  }
  const ac = new AbortController();
  const finished = await Promise.race([
    jobsDone.then(() => true),
    sleep(Math.max(0, graceMs), ac.signal).then(() => false),
  ]);
  ac.abort();
  if (finished) return [];
  const projects = engine.activeProjects();
  logger.warn(
    { projects, graceMs },
    'stopping: grace period over; handing unfinished work back to the queue',
  );
  engine.abortAll();
  await jobsDone;
  for (const projectId of projects) {
    await engine.kick(projectId);
    logger.info({ projectId }, 'handed back to the queue');
  }
  return projects;
}
