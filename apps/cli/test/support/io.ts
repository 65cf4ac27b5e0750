import { Writable } from 'node:stream';

/** Captures what a CLI run writes: `main(argv, t.io)`, then read `t.out` and `t.err`. */
export function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (arr: string[]) =>
    new Writable({
      write(c, _e, cb) {
        arr.push(c.toString());
        cb();
      },
    });
  return { out, err, io: { stdout: sink(out), stderr: sink(err) } };
}
