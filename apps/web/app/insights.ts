import { type Decision, get, type ProjectDetail } from './api.js';
import { fill, h, STAGE_LABELS, usd } from './dom.js';

/** The evaluation in plain words, the plot at its natural size, the numbers one click away. */
export function renderEvaluation(box: HTMLElement, p: ProjectDetail): void {
  const e = p.evaluation;
  if (!e) {
    fill(
      box,
      h(
        'p',
        { class: 'muted' },
        'Measured after the render: do the cuts land on beats, does the motion follow the music?',
      ),
    );
    return;
  }
  const score = Math.round(e.score * 100);
  const verdict = e.passed
    ? `The picture follows the music well: ${score} out of 100.`
    : `The picture follows the music only partly: ${score} out of 100, below what the check asks for.`;
  fill(
    box,
    h('p', { class: `verdict ${e.passed ? 'good' : 'weak'}` }, h('strong', {}, verdict)),
    e.issues.length
      ? h(
          'ul',
          { class: 'issues' },
          ...e.issues.map((i) => h('li', { class: `issue-${i.severity}` }, i.message)),
        )
      : null,
    e.plotUrl
      ? h(
          'figure',
          {
            class: 'plot-box',
            tabindex: 0,
            'aria-label': 'Evaluation plot (scrolls sideways on small screens)',
          },
          h('img', {
            class: 'plot',
            src: `${e.plotUrl}?v=${encodeURIComponent(p.updatedAt)}`,
            alt: 'Plot over the song’s time: the music’s energy against the picture’s motion, with the cuts and the beats marked',
          }),
          h('figcaption', { class: 'small muted' }, 'Time runs left to right; see the legend on the plot.'),
        )
      : null,
    h(
      'details',
      {},
      h('summary', {}, 'The numbers behind it'),
      e.components
        ? h(
            'ul',
            { class: 'components' },
            ...Object.entries(e.components).map(([k, v]) =>
              h('li', {}, h('span', {}, k), h('strong', {}, v.toFixed(2))),
            ),
          )
        : null,
      h('pre', { class: 'summary' }, e.summary),
    ),
  );
}

const ROLES: Record<string, string> = {
  person: 'you',
  planner: 'storyboard planner',
  prompter: 'prompt writer',
  editor: 'editor',
  evaluator: 'evaluation',
  pipeline: 'pipeline',
  budget: 'budget',
  keyring: 'API keys',
  'audio-analysis': 'beat finder',
};
/** Who decided, in plain words: plugins by what they are. */
function roleLabel(role: string): string {
  const m = /^(provider|renderer)-(.+)$/.exec(role);
  if (m) return `${m[1] === 'provider' ? 'video model' : 'renderer'} (${m[2]})`;
  return ROLES[role] ?? role;
}

/** The decision log, newest first, a page at a time; live refreshes fetch only the first page. */
export function createDecisionLog(base: string) {
  const root = h('div', {
    class: 'decisions',
    id: 'decisions',
    tabindex: 0,
    role: 'region',
    'aria-label': 'Decision log entries',
  });
  const more = h('button', { type: 'button', class: 'small-button hidden' }, 'Show older decisions');
  let total = -1;
  let next: number | undefined;
  const rows: Decision[] = [];
  const row = (d: Decision) =>
    h(
      'tr',
      {},
      h('td', {}, d.stage ? (STAGE_LABELS[d.stage] ?? d.stage) : ''),
      h('td', {}, roleLabel(d.role)),
      h(
        'td',
        {},
        // Colour codes mean nothing to a person reading the log.
        d.summary
          .replace(/(?:#|0x)[0-9a-f]{6}\b/gi, '')
          .replace(/palette\s*(,|$)/, 'colours chosen$1')
          .replace(/\s{2,}/g, ' '),
        d.costUsd ? h('span', { class: 'muted' }, ` (${usd(d.costUsd)})`) : null,
      ),
    );
  const draw = () =>
    fill(
      root,
      rows.length
        ? h(
            'table',
            {},
            h('caption', { class: 'small muted' }, `${rows.length} of ${total}, newest first`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'step'),
                h('th', { scope: 'col' }, 'who'),
                h('th', { scope: 'col' }, 'decision'),
              ),
            ),
            h('tbody', {}, ...rows.map(row)),
          )
        : h('p', { class: 'muted' }, 'No decisions yet.'),
      more,
    );
  const load = async (older: boolean) => {
    const page = await get<{ total: number; decisions: Decision[]; next?: number }>(
      `${base}/decisions/page?limit=40${older && next ? `&before=${next}` : ''}`,
    );
    if (!older && page.total === total) return;
    if (!older) rows.length = 0;
    total = page.total;
    rows.push(...page.decisions);
    next = page.next;
    more.classList.toggle('hidden', next === undefined || rows.length >= total);
    draw();
  };
  more.addEventListener('click', () => void load(true));
  return { root, update: () => load(false).catch(() => {}) };
}
