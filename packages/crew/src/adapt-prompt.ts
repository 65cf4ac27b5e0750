import type { PromptPartKind, PromptStyle, StyleBible } from '@beatframe/core';
import { sheetText } from './lookdev.js';

/**
 * The prompt engineer's last step: a shot's prompt, as the crew wrote it, rewritten into the idiom of the model that
 * will make the clip (its catalogue's `promptStyle`): the parts in the order the model weighs them, camera language
 * only where it is followed, what to avoid in the model's own negative field (or inline, or nowhere), the sound a
 * model that makes sound should make, prose or tags, and its length limits, cut on word boundaries. Character sheets
 * are kept verbatim whatever the limit: when one leaves no room, style words go first, and the caller records it.
 */

export interface ShotPromptPart {
  kind: PromptPartKind;
  text: string;
}

/** A shot prompt taken apart: the character sheets it shows (verbatim), its labelled parts, and what to avoid. */
export interface ShotPrompt {
  sheets: string[];
  parts: ShotPromptPart[];
  avoid: string[];
}

export interface AdaptedPrompt {
  prompt: string;
  /** For the request's negative-prompt field, when the model has one and there is something to avoid. */
  negativePrompt?: string;
  /** Parts left out because the model does not follow them (camera terms), or could not take them (length). */
  omitted: PromptPartKind[];
  dropped: PromptPartKind[];
  /** The prompt's own words were cut to fit (the sheets never are, unless a sheet alone overruns the hard limit). */
  cut: boolean;
  /** What a person should know: a sheet that pushed style words out, a sheet longer than the model takes. */
  notes: string[];
}

const LABELS: Array<[RegExp, PromptPartKind | 'avoid']> = [
  [/^(camera|shot|lens|framing|cinematography)\s*:/i, 'camera'],
  [/^(style|look|palette|grade|light|lighting|visual style)\s*:/i, 'style'],
  [/^(mood|tone|atmosphere|energy)\s*:/i, 'mood'],
  [/^(setting|location|place|environment)\s*:/i, 'setting'],
  [/^(recurring motif|motifs?)\s*:/i, 'motif'],
  [/^(audio|sound|sfx)\s*:/i, 'audio'],
  [/^(avoid|negative|do not show)\s*:/i, 'avoid'],
  [/^character\s*:/i, 'subject'],
];

/** An unlabelled sentence that is all camera language ("Slow dolly in on …", "Close-up, 85mm."). */
const CAMERA_SENTENCE =
  /^(slow |fast |quick |gentle |smooth |static |locked-off )?(dolly|pan|tilt|track|tracking|crane|handheld|steadicam|zoom|push[- ]in|pull[- ]back|orbit|arc shot|close-up|extreme close-up|medium shot|medium close-up|wide shot|establishing shot|aerial|drone shot|low[- ]angle|high[- ]angle|over[- ]the[- ]shoulder|pov|\d+ ?mm)\b/i;

/** Where dropping for length starts (lowest first); the subject is never dropped, only cut. */
const DROP_ORDER: Record<PromptPartKind | 'avoid', number> = {
  motif: 1,
  avoid: 2,
  mood: 3,
  style: 4,
  audio: 5,
  setting: 6,
  camera: 7,
  subject: 100,
};

/** Sentences, split where a full stop is followed by a capital (a sheet's "; " clauses stay whole). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=["'(A-Z])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * Takes a crew prompt apart: the sheets of the bible's characters found in it verbatim, then each sentence by its
 * label ("Camera: …", "Style: …", "Avoid: …"), an unlabelled one as the subject (or the camera when it is only
 * camera language). `avoid` adds the style bible's list.
 */
export function shotPromptOf(prompt: string, bible?: Pick<StyleBible, 'characters' | 'avoid'>): ShotPrompt {
  let rest = prompt;
  const found: Array<{ at: number; text: string }> = [];
  for (const c of bible?.characters ?? []) {
    if (!c.sheet) continue;
    const text = sheetText(c);
    const at = rest.indexOf(text);
    if (at < 0) continue;
    found.push({ at: prompt.indexOf(text), text });
    rest = `${rest.slice(0, at)} ${rest.slice(at + text.length)}`;
  }
  const avoid = [...(bible?.avoid ?? [])];
  const parts: ShotPromptPart[] = [];
  for (const s of sentences(rest.replace(/\s+/g, ' ').trim())) {
    const label = LABELS.find(([re]) => re.test(s));
    if (label?.[1] === 'avoid') {
      avoid.push(
        ...s
          .replace(label[0], '')
          .replace(/[.]+$/, '')
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean),
      );
      continue;
    }
    // The first plain sentence describes the shot even when it opens with its framing ("Aerial shot of rooftops
    // of the city…"); later plain sentences that open with camera language are camera directions.
    const lead = !label && !parts.some((p) => p.kind === 'subject');
    parts.push({
      kind: (label?.[1] as PromptPartKind) ?? (!lead && CAMERA_SENTENCE.test(s) ? 'camera' : 'subject'),
      text: s,
    });
  }
  const seen = new Set<string>();
  return {
    sheets: found.sort((a, b) => a.at - b.at).map((f) => f.text),
    parts,
    avoid: avoid.filter((w) => {
      const k = w.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}

/** A part as comma tags: no labels, no sentences. */
function asTags(text: string): string {
  return text
    .replace(/^[A-Za-z ]{2,24}:\s*/, '')
    .replace(/\s*[.;:!?]+\s*/g, ', ')
    .replace(/\s*,\s*(,\s*)*/g, ', ')
    .replace(/^,\s*|,\s*$/g, '')
    .toLowerCase();
}

/** A part as a sentence of prose: trimmed, ending in a full stop (parts are joined with spaces). */
function sentence(text: string): string {
  const t = text.trim();
  return !t || /[.!?"')]$/.test(t) ? t : `${t}.`;
}

/** At most `maxChars` characters and `maxWords` words, cut at a word boundary, trailing punctuation trimmed. */
export function cutToFit(text: string, maxChars: number, maxWords = Number.POSITIVE_INFINITY): string {
  let out = text.trim();
  if (words(out) > maxWords) out = out.split(/\s+/).slice(0, Math.max(0, maxWords)).join(' ');
  if (out.length > maxChars) {
    const cut = out.slice(0, Math.max(0, maxChars + 1));
    const space = cut.lastIndexOf(' ');
    out = space > 0 ? cut.slice(0, space) : cut.slice(0, maxChars);
  }
  out = out.replace(/[\s,;:]+$/, '');
  return out.length > maxChars ? out.slice(0, maxChars) : out;
}

/** The shot prompt in the model's idiom (see the file's comment). Deterministic: a resumed job asks the same. */
export function adaptPrompt(shot: ShotPrompt, style: PromptStyle): AdaptedPrompt {
  const omitted: PromptPartKind[] = [];
  const dropped: PromptPartKind[] = [];
  const notes: string[] = [];
  type Part = { kind: PromptPartKind | 'avoid'; text: string };
  let parts: Part[] = [];
  for (const p of shot.parts) {
    if ((p.kind === 'camera' && !style.cameraTerms) || (p.kind === 'audio' && !style.audio)) {
      if (!omitted.includes(p.kind)) omitted.push(p.kind);
      continue;
    }
    // The model's own sound cue replaces the crew's: a music video keeps its song.
    if (p.kind === 'audio') continue;
    parts.push(p);
  }
  if (style.audio) parts.push({ kind: 'audio', text: style.audio.cue });
  const avoid = [...shot.avoid];
  if (style.negative === 'field')
    for (const w of style.audio?.avoid ?? []) if (!avoid.includes(w)) avoid.push(w);
  // Inline in prose only: a tag list has no grammar for "avoid", so its words would be drawn.
  if (style.negative === 'inline' && style.form !== 'tags' && avoid.length)
    parts.push({ kind: 'avoid', text: `Avoid: ${avoid.join(', ')}.` });
  const rank = (k: Part['kind']) => {
    const i = k === 'avoid' ? -1 : style.order.indexOf(k);
    return i < 0 ? style.order.length + (k === 'avoid' ? 1 : 0) : i;
  };
  parts = parts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.kind) - rank(b.p.kind) || a.i - b.i)
    .map((x) => x.p);

  const tags = style.form === 'tags';
  const sheets = shot.sheets.join(' ');
  const render = (ps: Part[]) => {
    const body = ps.map((p) => (tags ? asTags(p.text) : sentence(p.text))).filter(Boolean);
    return [sheets, ...body].filter(Boolean).join(tags ? ', ' : ' ');
  };
  const maxWords = style.maxWords ?? Number.POSITIVE_INFINITY;
  const over = (text: string) => text.length > style.maxChars || words(text) > maxWords;

  while (over(render(parts))) {
    // The subject is cut, not dropped; the sound cue is one short sentence that keeps music and voices out.
    const droppable = parts.filter((p) => p.kind !== 'subject' && p.kind !== 'audio');
    if (!droppable.length) break;
    const victim = droppable.reduce((lo, p) => (DROP_ORDER[p.kind] < DROP_ORDER[lo.kind] ? p : lo));
    parts.splice(parts.lastIndexOf(victim), 1);
    if (victim.kind !== 'avoid' && !dropped.includes(victim.kind)) dropped.push(victim.kind);
  }
  let prompt = render(parts);
  let cut = false;
  if (over(prompt)) {
    // Only the subject is left beside the sheets: cut it to the room the sheets leave (at least a few words of
    // it stay while the hard limit allows: the word limit is advice, the character limit is the API's).
    const glue = tags ? ', ' : ' ';
    const text = (ps: Part[]) => ps.map((p) => (tags ? asTags(p.text) : sentence(p.text))).join(glue);
    const tail = text(parts.filter((p) => p.kind === 'audio'));
    const body = text(parts.filter((p) => p.kind !== 'audio'));
    const fixed = [sheets, tail].filter(Boolean);
    const roomChars = style.maxChars - fixed.join(glue).length - fixed.length * glue.length;
    const roomWords = Math.max(8, maxWords - words(sheets) - words(tail));
    const kept = roomChars > 0 ? cutToFit(body, roomChars, roomWords) : '';
    cut = kept !== body;
    prompt = [sheets, kept ? (tags ? kept : `${kept.replace(/[.!?]$/, '')}.`) : '', tail]
      .filter(Boolean)
      .join(glue);
    if (prompt.length > style.maxChars) prompt = [sheets, kept].filter(Boolean).join(glue);
    if (prompt.length > style.maxChars) {
      prompt = cutToFit(sheets, style.maxChars);
      notes.push(
        `the character sheets (${sheets.length} characters) are longer than the ${style.maxChars} the model takes: cut, not verbatim`,
      );
    }
  }
  if (sheets && (dropped.length || cut) && !notes.length)
    notes.push(
      `kept the character sheet${shot.sheets.length > 1 ? 's' : ''} verbatim within the model's ${style.maxChars} characters${Number.isFinite(maxWords) ? ` / ${maxWords} words` : ''}: dropped ${dropped.length ? dropped.join(', ') : 'no part'}${cut ? ' and cut the description' : ''}`,
    );
  return {
    prompt,
    ...(style.negative === 'field' && avoid.length ? { negativePrompt: avoid.join(', ') } : {}),
    omitted,
    dropped,
    cut,
    notes,
  };
}
