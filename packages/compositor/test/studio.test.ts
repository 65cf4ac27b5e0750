import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@beatframe/core';
import { buildTimeline } from '@beatframe/timeline';
import { makeTestProject } from '@beatframe/timeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio } from '../src/index.js';

let dir: string;

/** Studio's dev server can drop a connection while webpack is still busy on a loaded machine: retry those. */
async function get(url: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bf-studio-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Remotion Studio', () => {
  it('serves Studio on localhost with the timeline as props, then stops', async () => {
    const p = await makeTestProject(dir, {
      durationSec: 3,
      clipCount: 1,
      clipSec: 3,
      width: 160,
      height: 90,
    });
    const timeline = await buildTimeline(
      { ...p, options: { aspect: '16:9', resolution: '720p', fps: 30, captions: true, titleCard: true } },
      { motionAnalysis: false },
    );
    const browser = loadConfig().browserExecutable;
    const studio = await startStudio(timeline, {
      workDir: join(dir, 'studio'),
      cacheDir: join(dir, 'cache'),
      ...(browser ? { browserExecutable: browser } : {}),
    });
    try {
      expect(studio.url).toMatch(/^http:\/\/localhost:\d+$/);
      const html = await (await get(studio.url)).text();
      expect(html).toContain('window.remotion_');
      // The timeline is the composition's input props, and its media are served from the public folder.
      expect(html).toContain('Test Pattern');
      const clip = timeline.items[0]!;
      expect(html).not.toContain(clip.src);
      const staged = /media\/[0-9a-f]{20}\.mp4/.exec(html)?.[0];
      expect(staged).toBeDefined();
      const base = /remotion_staticBase = "([^"]+)"/.exec(html)?.[1];
      expect(base).toMatch(/^\/static-/);
      const media = await get(`${studio.url}${base}/${staged}`);
      expect(media.status).toBe(200);
      expect(media.headers.get('content-type')).toContain('video/mp4');
      const bundle = await get(`${studio.url}/bundle.js`);
      expect(bundle.status).toBe(200);
      expect(await bundle.text()).toContain('beatframe');
    } finally {
      await studio.stop();
    }
    expect(studio.process.exitCode !== null || studio.process.signalCode !== null).toBe(true);
  }, 180_000);
});
