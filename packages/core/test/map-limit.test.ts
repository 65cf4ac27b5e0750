import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/index.js';

describe('mapLimit', () => {
  it('runs at most `limit` at once, takes items in order and returns results in item order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n, i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});
