import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type PromptStyle } from '@beatframe/core';
import type { ComfyUISettings } from './settings.js';
import { durationsOf, type LoadedWorkflow, loadWorkflow } from './workflow.js';

/** The workflows that ship with the plugin (folder `workflows/`, beside `src/` and `dist/`). */
export const BUNDLED_WORKFLOWS: Record<string, { t2v?: string; i2v?: string }> = {
  'ltx-video': { t2v: 'ltx-video-t2v', i2v: 'ltx-video-i2v' },
  'wan-2.2-5b': { t2v: 'wan-2.2-5b-ti2v' },
  'wan-2.2-14b': { t2v: 'wan-2.2-14b-t2v', i2v: 'wan-2.2-14b-i2v' },
};
export const DEFAULT_COMFYUI_MODEL = 'ltx-video';

export const WORKFLOW_DIR = fileURLToPath(new URL('../workflows/', import.meta.url));

/** A model: the workflow for text-to-video and the one for image-to-video (one graph may serve both). */
export interface ComfyModel {
  id: string;
  t2v?: LoadedWorkflow;
  i2v?: LoadedWorkflow;
}

/** The workflow that serves a request with or without a start image, if any. */
export function workflowFor(m: ComfyModel, withImage: boolean): LoadedWorkflow | undefined {
  const takes = (w?: LoadedWorkflow) => !!w?.mapping.nodes.startImage;
  const optional = (w?: LoadedWorkflow) => !!w?.mapping.optional.includes('startImage');
  if (withImage) return [m.i2v, m.t2v].find((w) => takes(w));
  return [m.t2v, m.i2v].find((w) => w && (!takes(w) || optional(w)));
}

/** The mapping that describes the model for capabilities (its text-to-video workflow when it has one). */
export function primaryOf(m: ComfyModel): LoadedWorkflow {
  return (m.t2v ?? m.i2v)!;
}

/**
 * How a workflow's model wants its prompt: LTX-Video's and Wan's guides ask for one detailed paragraph in the order
 * things happen (subject and action, setting, camera, look; up to ~200 words); CLIP-encoded Stable Diffusion
 * workflows want comma tags (`promptForm: 'tags'`, 77 tokens, ~60 words). What to avoid goes to the workflow's
 * negative node when it has one.
 */
export function promptStyleOf(m: ComfyModel): PromptStyle {
  const mapping = primaryOf(m).mapping;
  const tags = mapping.promptForm === 'tags';
  return {
    maxChars: 2000,
    maxWords: tags ? 60 : 200,
    cameraTerms: !tags,
    negative: mapping.nodes.negative ? 'field' : 'none',
    order: tags
      ? ['subject', 'setting', 'style', 'mood', 'motif']
      : ['subject', 'setting', 'camera', 'mood', 'style', 'motif'],
    form: tags ? 'tags' : 'prose',
  };
}

/** A model ends on a given last frame when its image-to-video workflow has an end-image node. */
export function lastFrameOf(m: ComfyModel): boolean {
  return !!workflowFor(m, true)?.mapping.nodes.endImage;
}

export function durationsOfModel(m: ComfyModel): number[] {
  return durationsOf(primaryOf(m).mapping);
}

/**
 * Bundled models plus the user's `workflows` (which may replace a bundled id). Workflows are read lazily, the
 * first time a model is used, so a broken user file only fails the model that names it.
 */
export function catalogueOf(settings: ComfyUISettings, cwd = process.cwd()) {
  const sources = new Map<string, { t2v?: string; i2v?: string }>();
  for (const [id, names] of Object.entries(BUNDLED_WORKFLOWS))
    sources.set(id, {
      ...(names.t2v ? { t2v: resolve(WORKFLOW_DIR, `${names.t2v}.json`) } : {}),
      ...(names.i2v ? { i2v: resolve(WORKFLOW_DIR, `${names.i2v}.json`) } : {}),
    });
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  for (const [id, w] of Object.entries(settings.workflows ?? {}))
    sources.set(
      id,
      typeof w === 'string'
        ? { t2v: abs(w) }
        : { ...(w.t2v ? { t2v: abs(w.t2v) } : {}), ...(w.i2v ? { i2v: abs(w.i2v) } : {}) },
    );
  const loaded = new Map<string, ComfyModel>();
  return {
    ids: [...sources.keys()],
    has: (id: string) => sources.has(id),
    model(id: string): ComfyModel {
      const hit = loaded.get(id);
      if (hit) return hit;
      const src = sources.get(id);
      if (!src) throw new ConfigError(`no ComfyUI workflow for model ${id}`);
      const m: ComfyModel = {
        id,
        ...(src.t2v ? { t2v: loadWorkflow(src.t2v, `${id} (${src.t2v})`) } : {}),
        ...(src.i2v ? { i2v: loadWorkflow(src.i2v, `${id} (${src.i2v})`) } : {}),
      };
      // A single user workflow that takes a required start image is an image-to-video one.
      if (
        m.t2v &&
        !m.i2v &&
        m.t2v.mapping.nodes.startImage &&
        !m.t2v.mapping.optional.includes('startImage')
      ) {
        m.i2v = m.t2v;
        delete m.t2v;
      }
      loaded.set(id, m);
      return m;
    },
  };
}
