import { describe, expect, it } from 'vitest';
import { StepClock, stepOf } from '../src/step-clock.js';

describe('step clock (make --profile)', () => {
  it('names a step by the words before its count or colon', () => {
    expect(stepOf('clips: 3/16')).toBe('clips');
    expect(stepOf('overlays 12/40')).toBe('overlays');
    expect(stepOf('review: s4')).toBe('review');
    expect(stepOf('encode')).toBe('encode');
  });

  it('adds the time between progress calls to the step then running, in the order steps began', () => {
    let t = 1000;
    const clock = new StepClock(() => t);
    t += 50; // before any label: the stage's own start
    clock.mark('bundle');
    t += 2000;
    clock.mark('clips: 1/2');
    t += 300;
    clock.mark('clips: 2/2');
    t += 700;
    clock.mark('encode');
    t += 4000;
    clock.mark(undefined); // a call without a label stays in the running step
    t += 1000;
    expect(clock.steps()).toEqual([
      { step: 'start', ms: 50 },
      { step: 'bundle', ms: 2000 },
      { step: 'clips', ms: 1000 },
      { step: 'encode', ms: 5000 },
    ]);
  });
});
