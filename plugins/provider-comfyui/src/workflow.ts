import { readFileSync } from 'node:fs';
import { ConfigError, InputError } from '@beatframe/core';
import { z } from 'zod';

/**
 * Workflows are data: a ComfyUI graph exported "in API format" (`{ "<id>": { class_type, inputs, _meta.title } }`)
 * and a small mapping beside it (`<name>.mapping.json`) that names the nodes to fill by their TITLE. Node ids
 * change whenever a graph is edited in the UI; titles are what the user sees and sets.
 */

/** One node of an API-format workflow. A link is `[sourceNodeId, outputIndex]`. */
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}
export type ApiWorkflow = Record<string, ApiNode>;

const NodeRef = z.union([
  z.string().min(1),
  z.object({ node: z.string().min(1), input: z.string().min(1).optional() }).strict(),
]);
const NodeRefs = z.union([NodeRef, z.array(NodeRef).min(1)]);
type NodeRef = z.infer<typeof NodeRef>;

export const WorkflowMapping = z
  .object({
    description: z.string().optional(),
    /** What the workflow needs to run (GPU memory, model files): shown by `beatframe providers` and the README. */
    hardware: z.string().optional(),
    /** Frames per second the model makes. */
    fps: z.number().positive(),
    /** Frame counts the model takes: `quantum`·k + 1 (LTX-Video 8k+1, Wan 4k+1), between min and max. */
    frames: z
      .object({
        quantum: z.number().int().positive(),
        min: z.number().int().positive(),
        max: z.number().int().positive(),
      })
      .strict(),
    /** Clip lengths offered to the planner, seconds (default: 1 s to the longest the frames allow, in 0.5 s). */
    seconds: z
      .object({ min: z.number().positive(), max: z.number().positive(), step: z.number().positive() })
      .strict()
      .optional(),
    sizes: z.array(z.string().regex(/^\d+x\d+$/, 'sizes look like 768x512')).min(1),
    nodes: z
      .object({
        prompt: NodeRefs,
        negative: NodeRefs.optional(),
        seed: NodeRefs.optional(),
        width: NodeRefs,
        height: NodeRefs,
        frames: NodeRefs,
        fps: NodeRefs.optional(),
        startImage: NodeRef.optional(),
        endImage: NodeRef.optional(),
      })
      .strict(),
    /** Image inputs the workflow runs without: their LoadImage node and its links are dropped when not given. */
    optional: z.array(z.enum(['startImage', 'endImage'])).default([]),
    /** Title of the node that saves the video (default: the graph's only video-saving node). */
    output: z.string().optional(),
    /**
     * How the workflow's text encoder wants its prompt: prose for T5/UMT5 video models (LTX-Video, Wan), comma
     * tags for CLIP-encoded Stable Diffusion checkpoints (AnimateDiff and the like). Default prose.
     */
    promptForm: z.enum(['prose', 'tags']).optional(),
  })
  .strict();
export type WorkflowMapping = z.infer<typeof WorkflowMapping>;
type Field = keyof WorkflowMapping['nodes'];

/** Which input a field fills when the mapping names only the node. */
const DEFAULT_INPUTS: Record<Field, string[]> = {
  prompt: ['text', 'prompt'],
  negative: ['text', 'prompt'],
  seed: ['seed', 'noise_seed'],
  width: ['width'],
  height: ['height'],
  frames: ['length', 'num_frames', 'frame_count', 'video_length'],
  fps: ['fps', 'frame_rate'],
  startImage: ['image'],
  endImage: ['image'],
};

/** Nodes that write a video file the plugin can fetch through /view. */
export const VIDEO_OUTPUT_CLASSES = ['SaveVideo', 'VHS_VideoCombine', 'SaveWEBM'];

/** A workflow and its mapping, read and checked: every mapped title names exactly one node. */
export interface LoadedWorkflow {
  name: string;
  path: string;
  graph: ApiWorkflow;
  mapping: WorkflowMapping;
  /** The id of the node that saves the video. */
  outputNode: string;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${what} ${path} cannot be read`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${what} ${path} is not JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The mapping file beside a workflow: `x.json` → `x.mapping.json`. */
export function mappingPathOf(workflowPath: string): string {
  return `${workflowPath.replace(/(\.api)?\.json$/i, '')}.mapping.json`;
}

function titleOf(id: string, node: ApiNode): string {
  return node._meta?.title ?? node.class_type ?? id;
}

function refsOf(r: z.infer<typeof NodeRefs> | undefined): NodeRef[] {
  return r === undefined ? [] : Array.isArray(r) ? r : [r];
}

/** The node a title names, or a ConfigError saying which titles there are. */
function nodeByTitle(wf: { name: string; graph: ApiWorkflow }, title: string): string {
  const ids = Object.entries(wf.graph)
    .filter(([id, n]) => titleOf(id, n) === title)
    .map(([id]) => id);
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1)
    throw new ConfigError(
      `workflow ${wf.name} has ${ids.length} nodes titled "${title}" (ids ${ids.join(', ')}): give the one to fill a unique title`,
    );
  const titles = [...new Set(Object.entries(wf.graph).map(([id, n]) => titleOf(id, n)))].join('", "');
  throw new ConfigError(`workflow ${wf.name} has no node titled "${title}"; its titles: "${titles}"`);
}

/** The [nodeId, input] a mapping entry fills, checked against the graph. */
function targetOf(wf: { name: string; graph: ApiWorkflow }, field: Field, ref: NodeRef): [string, string] {
  const title = typeof ref === 'string' ? ref : ref.node;
  const id = nodeByTitle(wf, title);
  const node = wf.graph[id]!;
  const input =
    typeof ref === 'string' || !ref.input
      ? DEFAULT_INPUTS[field].find((i) => i in node.inputs)
      : ref.input in node.inputs
        ? ref.input
        : undefined;
  if (!input)
    throw new ConfigError(
      `workflow ${wf.name}: node "${title}" (${node.class_type}) has no input for ${field} (${typeof ref === 'string' || !ref.input ? DEFAULT_INPUTS[field].join('/') : ref.input}); name it as {"node": "${title}", "input": "…"}`,
    );
  if (Array.isArray(node.inputs[input]) && !['startImage', 'endImage'].includes(field))
    throw new ConfigError(
      `workflow ${wf.name}: ${field} maps to "${title}".${input}, which is wired to another node; map the node that holds the value`,
    );
  return [id, input];
}

/** Reads a workflow (API format) and the mapping beside it (or at `mappingPath`), and checks them together. */
export function loadWorkflow(path: string, name: string, mappingPath = mappingPathOf(path)): LoadedWorkflow {
  const raw = readJson(path, 'ComfyUI workflow');
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`ComfyUI workflow ${path} is not an API-format graph (an object of nodes)`);
  const graph = raw as ApiWorkflow;
  if ('nodes' in graph && 'links' in graph)
    throw new ConfigError(
      `ComfyUI workflow ${path} is in the UI format: export it with "Export (API)" (enable dev mode options in older ComfyUI)`,
    );
  for (const [id, n] of Object.entries(graph))
    if (!n || typeof n !== 'object' || typeof n.class_type !== 'string' || typeof n.inputs !== 'object')
      throw new ConfigError(`ComfyUI workflow ${path}: node ${id} has no class_type and inputs (API format)`);
  const parsed = WorkflowMapping.safeParse(readJson(mappingPath, 'workflow mapping'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `workflow mapping ${mappingPath}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const mapping = parsed.data;
  const wf = { name, graph };
  for (const [field, refs] of Object.entries(mapping.nodes) as Array<[Field, z.infer<typeof NodeRefs>]>)
    for (const r of refsOf(refs)) targetOf(wf, field, r);
  const outputs = mapping.output
    ? [nodeByTitle(wf, mapping.output)]
    : Object.entries(graph)
        .filter(([, n]) => VIDEO_OUTPUT_CLASSES.includes(n.class_type))
        .map(([id]) => id);
  if (outputs.length !== 1)
    throw new ConfigError(
      `workflow ${name} has ${outputs.length} video-saving nodes (${VIDEO_OUTPUT_CLASSES.join(', ')}); name the one to read with "output" in its mapping`,
    );
  const { frames } = mapping;
  if ((frames.min - 1) % frames.quantum || (frames.max - 1) % frames.quantum)
    throw new ConfigError(
      `workflow mapping ${mappingPath}: frames.min and frames.max must be ${frames.quantum}k+1 frame counts`,
    );
  return { name, path, graph, mapping, outputNode: outputs[0]! };
}

export interface FrameCount {
  frames: number;
  /** The length those frames last at the model's rate: (frames − 1) / fps, as the models count it. */
  seconds: number;
}

/** The frame count nearest to `seconds` that the model takes (quantum·k + 1 within its range). */
export function quantiseFrames(seconds: number, fps: number, f: WorkflowMapping['frames']): FrameCount {
  const k = Math.round((seconds * fps) / f.quantum);
  const kMin = Math.ceil((f.min - 1) / f.quantum);
  const kMax = Math.floor((f.max - 1) / f.quantum);
  const frames = Math.min(kMax, Math.max(kMin, k)) * f.quantum + 1;
  return { frames, seconds: (frames - 1) / fps };
}

/** Clip lengths a workflow offers, ascending. */
export function durationsOf(m: WorkflowMapping): number[] {
  const longest = Math.floor(((m.frames.max - 1) / m.fps) * 2) / 2;
  const { min, max, step } = m.seconds ?? { min: 1, max: longest, step: 0.5 };
  const out: number[] = [];
  for (let s = min; s <= Math.min(max, longest) + 1e-9; s += step) out.push(Number(s.toFixed(3)));
  return out;
}

export interface FillValues {
  prompt: string;
  negative?: string | undefined;
  seed: number;
  width: number;
  height: number;
  frames: number;
  fps: number;
  /** Names of images already uploaded to the server (`subfolder/name`), for the LoadImage nodes. */
  startImage?: string | undefined;
  endImage?: string | undefined;
}

/**
 * The workflow with the request's values written into the mapped nodes: a new graph, the template untouched.
 * An optional image that is not given has its LoadImage node dropped and every link to it removed.
 */
export function fillWorkflow(wf: LoadedWorkflow, v: FillValues): ApiWorkflow {
  const graph = structuredClone(wf.graph);
  const target = { name: wf.name, graph };
  const set = (field: Field, value: unknown) => {
    for (const r of refsOf(wf.mapping.nodes[field])) {
      const [id, input] = targetOf(target, field, r);
      graph[id]!.inputs[input] = value;
    }
  };
  set('prompt', v.prompt);
  if (v.negative !== undefined) set('negative', v.negative);
  set('seed', v.seed);
  set('width', v.width);
  set('height', v.height);
  set('frames', v.frames);
  set('fps', v.fps);
  for (const field of ['startImage', 'endImage'] as const) {
    const ref = wf.mapping.nodes[field];
    if (!ref) continue;
    const [id, input] = targetOf(target, field, ref);
    const image = v[field];
    if (image) {
      graph[id]!.inputs[input] = image;
      continue;
    }
    if (!wf.mapping.optional.includes(field))
      throw new InputError(
        `workflow ${wf.name} needs a ${field === 'startImage' ? 'start' : 'end'} image (its mapping does not list ${field} as optional)`,
      );
    delete graph[id];
    for (const node of Object.values(graph))
      for (const [name, value] of Object.entries(node.inputs))
        if (Array.isArray(value) && String(value[0]) === id) delete node.inputs[name];
  }
  return graph;
}
