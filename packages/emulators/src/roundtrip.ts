import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClipRequest, silentLogger, type VideoProvider } from '@beatframe/core';

export interface RoundtripBench {
  /** For the printed figures and the temp folder. */
  vendor: string;
  /** The running emulator (closed at the end). */
  emulator: { apiKey: string; baseUrl: string; close(): Promise<void> };
  provider: VideoProvider;
  /** The environment that points the provider at the emulator. */
  env: Record<string, string>;
  req: Pick<ClipRequest, 'prompt' | 'seconds' | 'size'> & Partial<ClipRequest>;
  /** Clips to make (default BENCH_CLIPS, else 5). */
  clips?: number;
}

/**
 * Plugin overhead per clip against a local emulator (submit, polls, download + ffprobe verification), printed as
 * medians, so a regression in the plugin's own work shows; the vendors' generation time is not measured here.
 */
export async function benchRoundtrip(b: RoundtripBench): Promise<void> {
  const { vendor, emulator: emu, provider, req } = b;
  const ctx = { logger: silentLogger(), env: b.env };
  const dir = mkdtempSync(join(tmpdir(), `bf-bench-${vendor}-`));
  const n = b.clips ?? Number(process.env.BENCH_CLIPS ?? 5);
  const t: Record<'submit' | 'poll' | 'download', number[]> = { submit: [], poll: [], download: [] };
  const ms = (a: number) => Number(a.toFixed(1));
  const median = (xs: number[]) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)] ?? Number.NaN;
  try {
    for (let i = 0; i < n; i++) {
      let s = performance.now();
      const ref = await provider.submit({ ...req, prompt: `${req.prompt} ${i}` } as ClipRequest, ctx);
      t.submit.push(performance.now() - s);
      for (;;) {
        s = performance.now();
        const st = await provider.poll(ref, ctx);
        t.poll.push(performance.now() - s);
        if (st.state === 'done') break;
        if (st.state === 'failed') throw new Error(st.error?.message);
        await new Promise((r) => setTimeout(r, 100));
      }
      s = performance.now();
      await provider.download(ref, join(dir, `${i}.mp4`), ctx);
      t.download.push(performance.now() - s);
    }
    console.log(`${vendor}: ${n} clips ${req.size} ${req.seconds}s against the local emulator`);
    console.log(`  submit   median ${ms(median(t.submit))} ms (target < 50)`);
    console.log(`  poll     median ${ms(median(t.poll))} ms (target < 30)`);
    console.log(`  download median ${ms(median(t.download))} ms incl. ffprobe check (target < 500)`);
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
