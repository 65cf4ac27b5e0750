import type { Locator, Page } from 'playwright-core';
import { faultOf, WebFault } from './faults.js';
import type { Detector, SiteProfile, Step, Target } from './profile.js';

/** Values a profile's templates may name. Secrets among them are never written anywhere. */
export type Vars = Record<string, string | undefined> & { labels?: never };

/** `/…/flags` is a regular expression; anything else is plain text. */
export function matcher(s: string): string | RegExp {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(s);
  return m ? new RegExp(m[1]!, m[2]) : s;
}

/** Replaces `{{name}}` and `{{label.table}}` with their values; an unknown name is a profile error. */
export function expand(template: string, vars: Vars, profile: SiteProfile): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
    if (key.startsWith('label.')) {
      const table = key.slice(6);
      const value = vars[table];
      const label = value === undefined ? undefined : profile.labels[table]?.[value];
      if (label === undefined)
        throw new WebFault('selector-not-found', `the profile has no label for ${table} "${value}"`);
      return label;
    }
    const value = vars[key];
    if (value === undefined)
      throw new WebFault('selector-not-found', `the profile uses {{${key}}}, which is not set here`);
    return value;
  });
}

function expandTarget(t: Target, vars: Vars, profile: SiteProfile): Target {
  const out: Target = { ...t };
  for (const k of ['name', 'label', 'placeholder', 'text', 'testId', 'css', 'hasText'] as const) {
    const v = t[k];
    if (typeof v === 'string') out[k] = expand(v, vars, profile);
  }
  if (t.within) out.within = expandTarget(t.within, vars, profile);
  return out;
}

/** The Playwright locator a target describes (roles and labels first: they outlive CSS redesigns). */
export function locate(page: Page, target: Target, vars: Vars, profile: SiteProfile): Locator {
  const t = expandTarget(target, vars, profile);
  const root: Page | Locator = t.within ? locate(page, t.within, vars, profile) : page;
  let loc: Locator;
  if (t.role)
    loc = root.getByRole(t.role as Parameters<Page['getByRole']>[0], {
      ...(t.name !== undefined ? { name: matcher(t.name) } : {}),
      ...(t.exact !== undefined ? { exact: t.exact } : {}),
    });
  else if (t.label !== undefined) loc = root.getByLabel(matcher(t.label), { exact: t.exact ?? false });
  else if (t.placeholder !== undefined) loc = root.getByPlaceholder(matcher(t.placeholder));
  else if (t.text !== undefined) loc = root.getByText(matcher(t.text), { exact: t.exact ?? false });
  else if (t.testId !== undefined) loc = root.getByTestId(t.testId);
  else loc = root.locator(t.css!);
  if (t.hasText !== undefined) loc = loc.filter({ hasText: matcher(t.hasText) });
  if (t.nth !== undefined) loc = loc.nth(t.nth);
  return loc;
}

/** Describes a target for logs and the audit trail (never a value typed into it). */
export function describeTarget(t: Target): string {
  const what = t.role
    ? `${t.role}${t.name ? ` "${t.name}"` : ''}`
    : t.label
      ? `label "${t.label}"`
      : t.placeholder
        ? `placeholder "${t.placeholder}"`
        : t.text
          ? `text "${t.text}"`
          : t.testId
            ? `test id "${t.testId}"`
            : `css ${t.css}`;
  return t.within ? `${what} in ${describeTarget(t.within)}` : what;
}

/** What the audit trail says a step did, its targets filled in (values of secret fills are left out). */
export function describeStep(step: Step, vars?: Vars, profile?: SiteProfile): string {
  if (vars && profile && 'target' in step && step.target)
    try {
      step = { ...step, target: expandTarget(step.target, vars, profile) } as Step;
    } catch {}
  switch (step.do) {
    case 'goto':
      return `go to ${step.url}`;
    case 'fill':
      return `fill ${describeTarget(step.target)}${step.secret ? ' (secret)' : ''}`;
    case 'press':
      return `press ${step.key}`;
    case 'select':
      return `select ${step.value} in ${describeTarget(step.target)}`;
    default:
      return `${step.do} ${describeTarget(step.target)}`;
  }
}

/** The first fault detector that matches the page now, if any. */
export async function detectFault(
  page: Page,
  profile: SiteProfile,
  vars: Vars,
): Promise<Detector | undefined> {
  for (const d of profile.faults) {
    if (d.url && matcherTest(d.url, page.url())) return d;
    if (d.target) {
      const visible = await locate(page, d.target, vars, profile)
        .first()
        .isVisible()
        .catch(() => false);
      if (visible) return d;
    }
  }
  return undefined;
}

function matcherTest(pattern: string, s: string): boolean {
  const m = matcher(pattern);
  return typeof m === 'string' ? s.includes(m) : m.test(s);
}

export interface RunStepOptions {
  profile: SiteProfile;
  vars: Vars;
  baseUrl: string;
  /** Called before each step: pacing, kill switch. */
  before?(step: Step): Promise<void>;
  /** Called after each step with its outcome, for the audit trail. */
  after?(step: Step, ok: boolean, ms: number, error?: string): void;
  /** Called when a step is tried again and why (a menu opened a second time), for the audit trail. */
  retry?(step: Step, why: string): void;
}

/** Whether a step applies: `when: image` only with a start image, `noImage` only without. */
function applies(step: Step, vars: Vars): boolean {
  if (step.when === 'image') return !!vars.imagePath;
  if (step.when === 'noImage') return !vars.imagePath;
  return true;
}

/**
 * Runs a profile's steps. A step that fails is explained by the page when a fault detector matches (a captcha,
 * a full queue), else classified from the error (a missing element after the timeout: the site changed).
 */
export async function runSteps(page: Page, steps: Step[], opts: RunStepOptions): Promise<void> {
  const { profile, vars } = opts;
  const timeout = profile.timeouts.stepMs;
  let opener: Step | undefined;
  for (const step of steps) {
    if (!applies(step, vars)) continue;
    await opts.before?.(step);
    const t0 = Date.now();
    try {
      await runStepReopening(page, step, opener, opts, timeout);
      opts.after?.(step, true, Date.now() - t0);
      opener = step.do === 'click' ? step : undefined;
    } catch (err) {
      const seen = await detectFault(page, profile, vars).catch(() => undefined);
      const fault = seen
        ? new WebFault(seen.fault, `while trying to ${describeStep(step, vars, profile)}`, { cause: err })
        : faultOf(err, describeStep(step, vars, profile));
      opts.after?.(step, false, Date.now() - t0, fault.code);
      throw fault;
    }
  }
}

const MENU_ITEMS = new Set(['menuitem', 'menuitemradio', 'menuitemcheckbox', 'option']);

/**
 * A menu item that never shows is tried once more after clicking what opens its menu again: a menu that closed
 * on its own, or whose first click landed before the page listened, is a slow page, not a changed site.
 */
async function runStepReopening(
  page: Page,
  step: Step,
  opener: Step | undefined,
  opts: RunStepOptions,
  timeout: number,
): Promise<void> {
  const reopenable = step.do === 'click' && opener?.do === 'click' && MENU_ITEMS.has(step.target.role ?? '');
  if (!reopenable) return runStep(page, step, opts, timeout);
  try {
    await runStep(page, step, opts, Math.ceil(timeout / 2));
  } catch {
    const item = locate(page, step.target, opts.vars, opts.profile);
    // The opener toggles: clicked again only when the menu is shut.
    const shut = !(await item.isVisible().catch(() => false));
    if (shut) {
      const what = describeTarget(expandTarget(step.target, opts.vars, opts.profile));
      opts.retry?.(opener, `clicked again: ${what} did not show`);
      await runStep(page, opener, opts, timeout);
    }
    opts.retry?.(step, shut ? 'tried again after reopening its menu' : 'tried again (its menu was open)');
    await runStep(page, step, opts, timeout);
  }
}

async function runStep(page: Page, step: Step, opts: RunStepOptions, timeout: number): Promise<void> {
  const { profile, vars } = opts;
  const at = (t: Target) => locate(page, t, vars, profile);
  switch (step.do) {
    case 'goto':
      await page.goto(new URL(expand(step.url, vars, profile), opts.baseUrl).href, { timeout });
      return;
    case 'click': {
      const loc = at(step.target);
      if (step.optional && !(await loc.isVisible().catch(() => false))) return;
      await loc.click({ timeout });
      return;
    }
    case 'fill':
      await at(step.target).fill(expand(step.value, vars, profile), { timeout });
      return;
    case 'check':
      await at(step.target).check({ timeout });
      return;
    case 'select':
      await at(step.target).selectOption({ label: expand(step.value, vars, profile) }, { timeout });
      return;
    case 'upload':
      await at(step.target).setInputFiles(expand(step.value, vars, profile), { timeout });
      return;
    case 'press':
      if (step.target) await at(step.target).press(step.key, { timeout });
      else await page.keyboard.press(step.key);
      return;
    case 'wait':
      await waitWatchingFaults(
        page,
        at(step.target)
          .first()
          .waitFor({ state: step.state ?? 'visible', timeout: step.timeoutMs ?? timeout }),
        opts,
      );
      return;
  }
}

/** How often a wait looks for the profile's faults on the page. */
const FAULT_POLL_MS = 200;

/**
 * A wait ends as soon as a fault detector matches (a full queue, a daily limit shown after "Create"), not when
 * its timeout runs out: a banner the site shows at once is read at once.
 */
async function waitWatchingFaults(page: Page, waiting: Promise<void>, opts: RunStepOptions): Promise<void> {
  let done = false;
  const watch = async (): Promise<void> => {
    while (!done) {
      await new Promise((r) => setTimeout(r, FAULT_POLL_MS));
      if (done) return;
      const seen = await detectFault(page, opts.profile, opts.vars).catch(() => undefined);
      if (seen && !done) throw new WebFault(seen.fault, 'shown while waiting');
    }
  };
  try {
    await Promise.race([waiting, watch()]);
  } finally {
    done = true;
    // The wait that lost the race still settles (at its timeout at worst); nobody awaits it.
    waiting.catch(() => undefined);
  }
}
