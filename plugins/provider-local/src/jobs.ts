import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Files of one job, all beside each other in the work folder. */
export function jobFiles(workDir: string, jobId: string) {
  const base = join(workDir, jobId);
  return {
    final: `${base}.mp4`,
    /** Each render attempt writes its own partial file, so two attempts never write into one file. */
    partial: () => `${base}.${randomBytes(4).toString('hex')}.partial.mp4`,
    /** What a render's command line contains. */
    base,
    pid: `${base}.pid`,
    progress: `${base}.progress`,
    status: `${base}.status`,
    log: `${base}.log`,
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is `pid` still our render of this job? Pid files outlive reboots, and pids get reused, so where /proc
 * exists the process's command line must name the job's output.
 */
export function rendering(pid: number, jobBase: string): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${jobBase}.`);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
}

export function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export async function removePartials(workDir: string, jobId: string): Promise<void> {
  const names = await readdir(workDir).catch(() => [] as string[]);
  for (const n of names)
    if (n.startsWith(`${jobId}.`) && n.endsWith('.partial.mp4')) await rm(join(workDir, n), { force: true });
}
