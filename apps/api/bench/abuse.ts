/**
 * The scripted abuse run: prints every case it tried and what came back, then whether anything broke.
 * `pnpm --filter @beatframe/api abuse` (ABUSE_CONCURRENCY, default 200). Exits 1 when something broke.
 */
import { runAbuse } from './abuse-cases.js';
import { startTarget } from './target.js';

const concurrency = Number(process.env.ABUSE_CONCURRENCY ?? 200);
const target = await startTarget();
try {
  const rss0 = process.memoryUsage().rss;
  const results = await runAbuse(target, { concurrency, print: (l) => console.log(l) });
  const broken = results.filter((r) => !r.ok);
  console.log(
    `\n${results.length} cases, ${broken.length} broken; rss ${Math.round(rss0 / 1e6)} → ${Math.round(process.memoryUsage().rss / 1e6)} MB (server and client in one process)`,
  );
  if (broken.length) process.exitCode = 1;
} finally {
  await target.close();
}
