import { SingleBar } from 'cli-progress';

export interface Progress {
  /** fraction 0…1 of the current step, with a short label. */
  update(fraction: number, label?: string): void;
  log(line: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise a line per 10% step,
 * so logs of CI runs and pipes still show where the work is.
 */
export function createProgress(title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: `${title} [{bar}] {percentage}% {label}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    });
    bar.start(1000, 0, { label: '' });
    return {
      update: (f, label = '') => bar.update(Math.round(Math.max(0, Math.min(1, f)) * 1000), { label }),
      log: (line) => {
        stream.write(`\r\x1b[2K${line}\n`);
        bar.render();
      },
      stop: () => bar.stop(),
    };
  }
  let lastStep = -1;
  let lastLabel = '';
  return {
    update(f, label = '') {
      const step = Math.floor(Math.max(0, Math.min(1, f)) * 10);
      if (step !== lastStep || label !== lastLabel) {
        lastStep = step;
        lastLabel = label;
        stream.write(`${title} ${step * 10}% ${label}\n`);
      }
    },
    log: (line) => stream.write(`${line}\n`),
    stop() {},
  };
}
