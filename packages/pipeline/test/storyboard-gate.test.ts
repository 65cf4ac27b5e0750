import { describe, expect, it } from 'vitest';
import { type GateInput, storyboardGate, videoRange } from '../src/storyboard-gate.js';

const base: GateInput = {
  projectId: 'p-1',
  provider: 'veo',
  estimateUsd: 4.08,
  estimateMaxUsd: 6.08,
  stillsUsd: 0.08,
  approvedUsd: null,
  keyframes: true,
  stillsMade: false,
  stills: 2,
  stillsSpentUsd: 0,
};

describe('storyboard gate', () => {
  it('--yes (an approval of the whole estimate) never pauses', () => {
    expect(storyboardGate({ ...base, approvedUsd: 6.08 })).toEqual({ kind: 'make-stills' });
    expect(storyboardGate({ ...base, approvedUsd: 6.08, stillsMade: true })).toEqual({ kind: 'go' });
  });

  it('free stills: made first, then one pause with the video to come', () => {
    const free = { ...base, stillsUsd: 0, estimateUsd: 4, estimateMaxUsd: 6 };
    expect(storyboardGate(free)).toEqual({ kind: 'make-stills' });
    const step = storyboardGate({ ...free, stillsMade: true });
    expect(step).toMatchObject({ kind: 'pause', approvalNeededUsd: 6 });
    expect(step.kind === 'pause' && step.reason).toMatch(
      /^awaiting approval: the storyboard is ready \(a keyframe for each of the 2 shots, \$0\.00 spent on stills\); the video still to come costs \$4\.00 for the first cut, up to \$6\.00/,
    );
  });

  it('paid stills and no approval: the stills alone are asked for first', () => {
    const step = storyboardGate(base);
    expect(step).toMatchObject({ kind: 'pause', approvalNeededUsd: 0.08 });
    expect(step.kind === 'pause' && step.reason).toContain('--max-cost 0.08');
    expect(storyboardGate({ ...base, approvedUsd: 0.08 })).toEqual({ kind: 'make-stills' });
  });

  it('no keyframes: the cost approval as before', () => {
    const step = storyboardGate({ ...base, keyframes: false, stillsUsd: 0 });
    expect(step.kind === 'pause' && step.reason).toMatch(/^awaiting approval: the estimate is \$4\.08/);
    expect(storyboardGate({ ...base, keyframes: false, estimateUsd: 0, estimateMaxUsd: 0 })).toEqual({
      kind: 'go',
    });
  });

  it('a free video model needs no storyboard approval', () => {
    const free = { ...base, estimateUsd: 0.08, estimateMaxUsd: 0.08, approvedUsd: 0.08, stillsMade: true };
    expect(videoRange(free).firstCutUsd).toBeCloseTo(0, 9);
    expect(storyboardGate(free)).toEqual({ kind: 'go' });
  });
});
