// The render process: `node worker.js <spec json> <out.mp4> <ffmpeg> <progress file> [preset]`.
// It runs detached from the caller, so a render finishes (and is found later) even if the caller dies.
import { renderScene } from './render.js';

const [specJson, out, ffmpeg, progressFile, preset] = process.argv.slice(2);
if (!specJson || !out) {
  console.error('usage: worker.js <spec json> <out.mp4> [ffmpeg] [progress file] [preset]');
  process.exit(2);
}
try {
  await renderScene(JSON.parse(specJson), out, {
    ...(ffmpeg ? { ffmpeg } : {}),
    ...(progressFile ? { progressFile } : {}),
    ...(preset ? { preset } : {}),
  });
} catch (err) {
  console.error(`scene render failed: ${(err as Error).message}`);
  process.exit(1);
}
