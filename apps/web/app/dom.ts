/** A tiny element builder: no framework, text is always set as text (never parsed as HTML). */

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === false || c === null || c === undefined) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}

export function seconds(n: number): string {
  const m = Math.floor(n / 60);
  const s = n - m * 60;
  return m ? `${m}:${s.toFixed(1).padStart(4, '0')}` : `${s.toFixed(1)} s`;
}

export function ago(iso: string): string {
  const sec = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (sec < 60) return 'just now';
  if (sec < 3600) return `${Math.floor(sec / 60)} min ago`;
  if (sec < 86400) return `${Math.floor(sec / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, status);
}

/** Calls fn at most once per `ms` (trailing), for refreshes triggered by bursts of events. */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

/** Replaces an element's children (skipping empty ones). */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** What a person calls the state: a cancelled project is not a failure. */
export function statusOf(p: { status: string; error?: string }): string {
  return p.status === 'failed' && /^cancelled/.test(p.error ?? '') ? 'cancelled' : p.status;
}

/** Stage names in plain words. */
export const STAGE_LABELS: Record<string, string> = {
  ingest: 'Reading the song',
  analyze: 'Finding beats and sections',
  plan: 'Planning the storyboard',
  prompt: 'Writing shot prompts',
  generate: 'Making the clips',
  review: 'Checking the clips',
  edit: 'Cutting to the beat',
  render: 'Rendering the video',
  evaluate: 'Scoring the fit',
  deliver: 'Delivering',
};

/** "1 min 05 s", "42 s". */
export function duration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** Runs fn and shows its error next to where the person is (never at the top of the page). */
export async function guarded(out: HTMLElement, fn: () => Promise<unknown>): Promise<boolean> {
  out.textContent = '';
  try {
    await fn();
    return true;
  } catch (err) {
    out.textContent = (err as Error).message;
    return false;
  }
}
