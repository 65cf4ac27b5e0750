/** Time spent in one step of a stage, as `make --profile` prints it. */
export interface StepTime {
  step: string;
  ms: number;
}

/**
 * The step a progress label names: the words before a colon or a count ("normalise 3/16" and
 * "normalise: clip 3" are both "normalise"), so a stage's steps add up however often they report.
 */
export function stepOf(label: string): string {
  return (
    label
      .replace(/:.*$/, '')
      .replace(/\s*\(?\d+\s*\/\s*\d+.*$/, '')
      .trim() || label.trim()
  );
}

/**
 * Where a stage's time goes: every progress call names the step it is in, and the clock adds the time
 * since the previous call to the step then running. Cheap (no I/O), so it sees every call, not only the
 * throttled ones that become events.
 */
export class StepClock {
  private readonly totals = new Map<string, number>();
  private current = 'start';
  private since: number;

  constructor(private readonly now: () => number = Date.now) {
    this.since = now();
  }

  mark(label: string | undefined): void {
    const t = this.now();
    this.totals.set(this.current, (this.totals.get(this.current) ?? 0) + (t - this.since));
    this.since = t;
    if (label) this.current = stepOf(label);
  }

  /** Steps in the order they began, with the time up to now counted to the last one. */
  steps(): StepTime[] {
    this.mark(undefined);
    return [...this.totals].filter(([, ms]) => ms > 0).map(([step, ms]) => ({ step, ms }));
  }
}
