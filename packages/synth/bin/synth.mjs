#!/usr/bin/env node
// Writes the demo song and/or the benchmark suite (WAV + LRC + truth JSON) into a folder.
// Runs the built package: `pnpm --filter @beatframe/synth build` first.
import { parseArgs } from 'node:util';
import { benchmarkSuite, writeBenchmarkSuite, writeDemoSong } from '../dist/index.js';

const usage = `usage: beatframe-synth <out-dir> [--demo] [--suite] [--only a,b] [--sample-rate 44100] [--list]
  (neither --demo nor --suite: both)`;

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      suite: { type: 'boolean' },
      only: { type: 'string' },
      'sample-rate': { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (values.list) {
    for (const b of benchmarkSuite()) console.log(`${b.name.padEnd(16)} ${b.description}`);
    process.exit(0);
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new Error(usage);
  const sampleRate = values['sample-rate'] ? Number(values['sample-rate']) : 44100;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 192000) {
    throw new Error(`--sample-rate must be a whole number 8000–192000, got ${values['sample-rate']}`);
  }
  const both = !values.demo && !values.suite;
  if (values.demo || both) {
    const r = await writeDemoSong(dir, { sampleRate });
    console.log(`${r.skipped ? 'up to date' : 'wrote'} ${r.wavPath}`);
  }
  if (values.suite || both) {
    const only = values.only?.split(',').map((s) => s.trim());
    const known = new Set(benchmarkSuite().map((b) => b.name));
    for (const name of only ?? []) if (!known.has(name)) throw new Error(`unknown benchmark song "${name}"`);
    for (const r of await writeBenchmarkSuite(dir, { sampleRate, ...(only ? { only } : {}) })) {
      console.log(`${r.skipped ? 'up to date' : 'wrote'} ${r.wavPath}`);
    }
  }
} catch (err) {
  console.error(`beatframe-synth: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(2);
}
