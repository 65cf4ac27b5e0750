/** The LLM crew on @openai/agents. Over 400 lines because it is the five roles' instructions and the one builder whose agents share the model, the runner and the decision sink. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClipReview,
  type ContinuityVerdict,
  type Crew,
  type Decision,
  digestOf,
  InputError,
  type PluginContext,
  type RefusalInput,
  type ReviewInput,
  type Revision,
  type RevisionInput,
  type Shot,
  type Storyboard,
  StyleBible,
  silentLogger,
} from '@beatframe/core';
import {
  Agent,
  type AgentInputItem,
  getDefaultModelSettings,
  type Model,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  setTracingDisabled,
  setTracingExportApiKey,
  user,
} from '@openai/agents';
import OpenAI from 'openai';
import type { z } from 'zod';
import { imageDataUrl, measureClip, sampleFrames } from '../clipCheck.js';
import { type CrewRole, recordDecision, recordRevisions } from '../decisions.js';
import { heuristicCrew, planDigestInput, refusalLimit, reviewDigestInput } from '../heuristic/crew.js';
import { clipProblems } from '../heuristic/editor.js';
import { minShotSecFor, planSlots } from '../heuristic/planner.js';
import { ensureCharacterSheets, withSheets } from '../lookdev.js';
import {
  assignReferences,
  carriesStyle,
  clipSecondsFor,
  fitPrompt,
  styleLine,
  stylePart,
} from '../prompting.js';
import type { LlmCrewOptions } from './llmCrew.js';
import {
  ContinuityAnswer,
  EditorAnswer,
  PlannerAnswer,
  PrompterAnswer,
  RevisionsAnswer,
  RewriteAnswer,
} from './schemas.js';
import { costUsd, type LlmSettings } from './settings.js';
import { runStructured, type StructuredOutcome, type Tokens } from './structured.js';

const PLANNER_INSTRUCTIONS = `You are the planner of a music-video crew. From a song's analysis (sections with times and energy, tempo, key), its title, style tags, lyrics and the user's theme, you write a creative brief, a style bible and the storyboard.
The scene and shot slots are fixed (they sit on the song's bar lines): describe every scene id and every shot id you are given, no more, no fewer.
Give the video a visual arc across the song: an establishing intro, verses in one recurring place, choruses that escalate each time, a bridge that contrasts, an outro that resolves.
The style bible keeps every shot consistent: the look, a palette of 3-5 colour words, characters and places with concrete visual descriptions, lens, camera language, recurring motifs, and things to avoid.
Shots in loud sections move more and cut faster; quiet ones are calm. Describe only what a camera can see. Answer with JSON only.`;

const PROMPTER_INSTRUCTIONS = `You are the prompt engineer of a music-video crew. Write one text-to-video prompt per shot for the named video model.
Each prompt: subject and action first, then setting, camera move and lens, lighting, and the style bible's look and palette words (every prompt must carry them so the clips match).
Respect the model's prompt length limit and its prompting guide. Describe one continuous shot of the given length; no cuts, no on-screen text, no sound.
Answer with JSON only: one entry per shot id you were given.`;

const EDITOR_INSTRUCTIONS = `You are the editor of a music-video crew. You review one generated clip (sampled frames are attached, in order) against the shot's intent and the style bible, together with measured facts (duration, size, black and frozen frames, motion against the music's energy).
Accept clips that serve the shot even if imperfect. Ask to regenerate (with a revised prompt that fixes what is wrong) when the clip misses the intent or the style, is broken, or its motion contradicts the music. Ask to remix (same clip, revised prompt) only when remix is available and the clip is close.
Answer with JSON only.`;

const CONTINUITY_INSTRUCTIONS = `You are the editor of a music-video crew, checking continuity. The first image is the keyframe a clip was generated from; the next images (when there are any before the clip's frames) are the reference stills of the characters; the last images are frames sampled from the clip, in order.
Judge whether the clip keeps its keyframe: the same subject (face, hair, build), the same wardrobe and its colours, the same place, light and look. Motion, a camera move and small changes of pose are expected and fine. Say it does not hold only when a viewer would see another person, other clothes, another place or another look.
Answer with JSON only.`;

const REVISER_INSTRUCTIONS = `You are the editor of a music-video crew. An evaluation of the rendered video scored how well picture and music fit. Propose the fewest changes that would raise the score: regenerate specific shots (with revised prompts), recut (move cuts onto beats), or add transitions at section changes. Answer with JSON only.`;

const REWRITER_INSTRUCTIONS = `You are the prompt engineer of a music-video crew. The video model refused a prompt under its content policy. Rewrite it so it passes: keep the shot's subject, action, camera and the style words, replace anything violent, sexual, drug-related, hateful, or naming real people or brands with a visual equivalent that is plainly safe. Stay within the character limit. Answer with JSON only.`;

function strip<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** The LLM crew on the OpenAI Agents SDK, built once the SDK is loaded (see llmCrew). */
export function buildLlmCrew(opts: LlmCrewOptions, settings: LlmSettings): Required<Crew> {
  const env = opts.env ?? process.env;
  const log = (opts.logger ?? silentLogger()).child({ component: 'crew' });
  const fallback = heuristicCrew();

  // Traces are the user's data: nothing leaves the machine unless tracing is switched on.
  // Traces go to OpenAI's platform: never send another vendor's key there.
  const onOpenAI = !settings.baseURL || /(^|\.)openai\.com$/.test(new URL(settings.baseURL).hostname);
  const traceKey = env.OPENAI_TRACING_API_KEY || (onOpenAI ? settings.apiKey : undefined);
  if (settings.tracing && traceKey) setTracingExportApiKey(traceKey);
  else {
    if (settings.tracing)
      log.warn(
        'crew tracing is on but the endpoint is not OpenAI: set OPENAI_TRACING_API_KEY to export traces',
      );
    setTracingDisabled(true);
  }
  const client =
    opts.client ??
    new OpenAI({
      apiKey: settings.apiKey,
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
      maxRetries: settings.maxRetries,
      timeout: settings.timeoutMs,
    });
  const runner = new Runner({
    tracingDisabled: !(settings.tracing && traceKey),
    traceIncludeSensitiveData: false,
    workflowName: 'beatframe crew',
  });
  const modelFor = (role: CrewRole): Model =>
    settings.api === 'chat'
      ? new OpenAIChatCompletionsModel(client, settings.models[role])
      : new OpenAIResponsesModel(client, settings.models[role]);
  function agent<T>(role: CrewRole, name: string, instructions: string, outputType: z.ZodType<T>) {
    return new Agent<unknown, z.ZodType<T>>({
      name,
      instructions,
      model: modelFor(role),
      // store:false keeps the user's song and plans out of the provider's stored responses.
      modelSettings: { ...getDefaultModelSettings(settings.models[role]), store: false },
      outputType: outputType as never,
    });
  }
  const planner = agent('planner', 'Planner', PLANNER_INSTRUCTIONS, PlannerAnswer);
  const prompter = agent('prompter', 'Prompt engineer', PROMPTER_INSTRUCTIONS, PrompterAnswer);
  const editor = agent('editor', 'Editor', EDITOR_INSTRUCTIONS, EditorAnswer);
  const reviser = agent('editor', 'Editor (revisions)', REVISER_INSTRUCTIONS, RevisionsAnswer);
  const rewriter = agent('prompter', 'Prompt engineer (refusals)', REWRITER_INSTRUCTIONS, RewriteAnswer);
  const continuityJudge = agent('editor', 'Editor (continuity)', CONTINUITY_INSTRUCTIONS, ContinuityAnswer);

  async function call<T>(
    role: CrewRole,
    a: Agent<unknown, z.ZodType<T>>,
    schema: z.ZodType<T>,
    input: string | AgentInputItem[],
    ctx: PluginContext,
    check?: (v: T) => string | undefined,
  ): Promise<StructuredOutcome<T> & { ms: number; cost: number | undefined }> {
    const t0 = performance.now();
    const out = await runStructured({
      runner,
      agent: a,
      schema,
      input,
      retries: settings.validationRetries,
      ...(check ? { check } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
    });
    return {
      ...out,
      ms: performance.now() - t0,
      cost: costUsd(settings.models[role], out.tokens, settings.prices),
    };
  }

  /** Logs a failed LLM step as a decision of its own, then lets the heuristic crew do the step. */
  async function fellBack(
    role: CrewRole,
    out: {
      error: string;
      kind: string;
      attempts: number;
      tokens: Tokens;
      ms: number;
      cost: number | undefined;
      feedback: string[];
    },
    input: unknown,
    ctx: PluginContext,
    shotId?: string,
    stage?: Decision['stage'],
  ): Promise<void> {
    log.warn(
      { role, kind: out.kind, attempts: out.attempts },
      `LLM ${role} failed (${out.error}); using the heuristic ${role}`,
    );
    await recordDecision(ctx, {
      role,
      ...(stage ? { stage } : {}),
      ...(shotId ? { shotId } : {}),
      summary: `LLM ${role} failed after ${out.attempts} attempt(s) (${out.kind}: ${out.error}); falling back to the heuristic ${role}`,
      input,
      output: { fallback: 'heuristic', kind: out.kind, error: out.error, validationErrors: out.feedback },
      model: settings.models[role],
      tokens: out.tokens,
      ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
      ms: out.ms,
    });
  }

  return {
    name: 'llm',

    async plan(input, ctx) {
      const slots = planSlots(input.analysis, input.provider.capabilities.durations, {
        minShotSec: minShotSecFor(input.provider),
      });
      const digestInput = planDigestInput(input);
      const lyrics = (input.song.lyrics?.lines ?? [])
        .map((l) => (l.section ? `${l.section} ${l.text}` : l.text))
        .join('\n');
      const brief = {
        song: {
          title: input.song.title,
          artist: input.song.artist,
          styleTags: input.song.styleTags,
          lyrics: lyrics.slice(0, 4000),
        },
        theme: input.options.theme,
        music: {
          bpm: input.analysis.bpm,
          key: input.analysis.key,
          meter: input.analysis.meter,
          durationSec: input.analysis.durationSec,
          barSec: slots.barSec,
        },
        scenes: slots.scenes.map((s) => ({
          id: s.id,
          label: s.label,
          start: s.start,
          end: s.end,
          energy: s.energy,
          // Timed lyrics sung in this scene, so the pictures can follow the words.
          lyrics: (input.song.lyrics?.lines ?? [])
            .filter((l) => l.start !== undefined && l.start >= s.start && l.start < s.end)
            .map((l) => l.text),
        })),
        shots: slots.shots.map((s) => ({
          id: s.id,
          sceneId: s.sceneId,
          start: s.start,
          end: s.end,
          seconds: +(s.end - s.start).toFixed(2),
          energy: s.energy,
        })),
        videoModel: {
          name: input.provider.name,
          aspect: input.options.aspect,
          guide: input.provider.capabilities.promptGuide ?? null,
        },
      };
      const sceneIds = new Set(slots.scenes.map((s) => s.id));
      const shotIds = new Set(slots.shots.map((s) => s.id));
      const out = await call('planner', planner, PlannerAnswer, JSON.stringify(brief), ctx, (v) => {
        const missingScenes = [...sceneIds].filter((id) => !v.scenes.some((s) => s.id === id));
        const missingShots = [...shotIds].filter((id) => !v.shots.some((s) => s.id === id));
        const unknown = [
          ...v.scenes.map((s) => s.id).filter((id) => !sceneIds.has(id)),
          ...v.shots.map((s) => s.id).filter((id) => !shotIds.has(id)),
        ];
        if (missingScenes.length) return `scenes missing: ${missingScenes.join(', ')}`;
        if (missingShots.length) return `shots missing: ${missingShots.join(', ')}`;
        if (unknown.length) return `unknown ids (use only the given ones): ${unknown.join(', ')}`;
        if (!v.styleBible.palette.length) return 'styleBible.palette is empty; give 3-5 colour words';
        if (!v.styleBible.look.trim()) return 'styleBible.look is empty';
        return undefined;
      });
      if (!out.ok) {
        await fellBack('planner', out, digestInput, ctx);
        return fallback.plan(input, ctx);
      }
      const v = out.value;
      const storyboard: Storyboard = {
        brief: v.brief,
        // Schema-valid is not enough: each person's sheet is checked, repaired or replaced (look development).
        styleBible: await ensureCharacterSheets(
          StyleBible.parse({
            ...v.styleBible,
            characters: v.styleBible.characters.map((c) => ({
              name: c.name,
              description: c.description,
              ...(c.sheet ? { sheet: c.sheet } : {}),
            })),
          }),
          ctx,
          digestOf(digestInput),
        ),
        scenes: slots.scenes.map((s) => {
          const a = v.scenes.find((x) => x.id === s.id);
          return { ...s, description: a?.description ?? s.label, mood: a?.mood ?? '' };
        }),
        shots: slots.shots.map((s) => {
          const a = v.shots.find((x) => x.id === s.id);
          return {
            ...s,
            description: a?.description ?? '',
            mood: a?.mood ?? '',
            camera: a?.camera ?? v.styleBible.camera,
          };
        }),
      };
      await recordDecision(ctx, {
        role: 'planner',
        summary:
          `storyboard: ${storyboard.scenes.length} scenes, ${storyboard.shots.length} shots; ${storyboard.brief.concept}`.slice(
            0,
            300,
          ),
        input: digestInput,
        output: storyboard,
        model: settings.models.planner,
        tokens: out.tokens,
        ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
        ms: out.ms,
      });
      return storyboard;
    },

    async writePrompts(storyboard, input, ctx) {
      const caps = input.provider.capabilities;
      const shotsIn = storyboard.shots.map((s) => ({
        id: s.id,
        scene: storyboard.scenes.find((x) => x.id === s.sceneId)?.label,
        seconds: clipSecondsFor(s.end - s.start, caps.durations),
        energy: s.energy,
        description: s.description,
        mood: s.mood,
        camera: s.camera ?? null,
      }));
      const request = {
        videoModel: {
          name: input.provider.name,
          model: input.options.model ?? caps.models[0] ?? null,
          maxPromptChars: caps.maxPromptChars,
          aspect: input.options.aspect,
          guide: caps.promptGuide ?? null,
          imageToVideo: caps.imageToVideo,
        },
        brief: storyboard.brief,
        styleBible: storyboard.styleBible,
        styleLine: styleLine(storyboard.styleBible),
        shots: shotsIn,
      };
      const digestInput = {
        storyboard,
        provider: input.provider.name,
        capabilities: { ...caps, usdFor: undefined },
      };
      const ids = new Set(storyboard.shots.map((s) => s.id));
      const out = await call('prompter', prompter, PrompterAnswer, JSON.stringify(request), ctx, (v) => {
        const missing = [...ids].filter((id) => !v.prompts.some((p) => p.shotId === id && p.prompt.trim()));
        const unknown = v.prompts.map((p) => p.shotId).filter((id) => !ids.has(id));
        if (missing.length) return `prompts missing or empty for shots: ${missing.join(', ')}`;
        if (unknown.length) return `unknown shot ids: ${unknown.join(', ')}`;
        const long = v.prompts.filter((p) => p.prompt.length > caps.maxPromptChars * 1.5);
        if (long.length)
          return `prompts too long (limit ${caps.maxPromptChars} characters): ${long.map((p) => `${p.shotId} has ${p.prompt.length}`).join(', ')}`;
        return undefined;
      });
      if (!out.ok) {
        await fellBack('prompter', out, digestInput, ctx);
        return fallback.writePrompts(storyboard, input, ctx);
      }
      let fitted = 0;
      const shots: Shot[] = storyboard.shots.map((s) => {
        let prompt = (out.value.prompts.find((p) => p.shotId === s.id)?.prompt ?? s.description).trim();
        // The style bible rides in every prompt; what the model left out or overran is fixed here.
        if (!carriesStyle(prompt, storyboard.styleBible) || prompt.length > caps.maxPromptChars) {
          fitted++;
          prompt = fitPrompt(
            [
              { text: prompt, priority: 50 },
              carriesStyle(prompt, storyboard.styleBible)
                ? { text: '', priority: 0 }
                : stylePart(storyboard.styleBible),
            ],
            caps.maxPromptChars,
          );
        }
        // Each character the shot shows rides in it as its sheet, verbatim and identical from shot to shot.
        const withSheet = withSheets(
          prompt,
          `${s.description} ${prompt}`,
          storyboard.styleBible,
          caps.maxPromptChars,
          (t, m) => fitPrompt([{ text: t, priority: 50 }], m),
        );
        if (withSheet !== prompt) fitted++;
        return { ...s, prompt: withSheet, clipSeconds: clipSecondsFor(s.end - s.start, caps.durations) };
      });
      const result = caps.imageToVideo ? assignReferences(storyboard, shots) : shots;
      await recordDecision(ctx, {
        role: 'prompter',
        summary: `${result.length} prompts for ${input.provider.name}${fitted ? ` (${fitted} fitted to the style bible or length)` : ''}`,
        input: digestInput,
        output: result.map((s) => ({
          id: s.id,
          prompt: s.prompt,
          clipSeconds: s.clipSeconds,
          referenceShotId: s.referenceShotId,
        })),
        model: settings.models.prompter,
        tokens: out.tokens,
        ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
        ms: out.ms,
      });
      return result;
    },

    async review(input, ctx) {
      const t0 = performance.now();
      const maxAttempts = input.maxAttempts ?? 2;
      const metrics = await measureClip(input.clip.path, ctx.signal ? { signal: ctx.signal } : {}).catch(
        (err) => {
          if (err instanceof InputError) return undefined;
          throw err;
        },
      );
      // An unreadable file needs no model to judge it.
      if (!metrics) return fallback.review(input, ctx);
      const facts = {
        shot: input.shot,
        storyboard: input.storyboard,
        metrics,
        attempt: input.attempt,
        maxAttempts,
        ...(input.expected ? { expected: input.expected } : {}),
        ...(input.canRemix !== undefined ? { canRemix: input.canRemix } : {}),
        ...(input.expected?.maxPromptChars ? { maxPromptChars: input.expected.maxPromptChars } : {}),
      };
      const problems = clipProblems(facts);
      // Broken files and the last allowed take need no model: the measurements decide, for free.
      if (problems.some((p) => p.fatal) || input.attempt >= maxAttempts) return fallback.review(input, ctx);

      const dir = await mkdtemp(join(tmpdir(), 'beatframe-review-'));
      try {
        const frames = await framesFor(input, dir, ctx.signal);
        const images = await Promise.all(frames.map(imageDataUrl));
        const text = JSON.stringify({
          shot: {
            id: input.shot.id,
            description: input.shot.description,
            mood: input.shot.mood,
            energy: input.shot.energy,
            camera: input.shot.camera,
            prompt: input.shot.prompt,
          },
          styleBible: input.storyboard.styleBible,
          measured: strip(metrics),
          expected: input.expected ?? null,
          attempt: input.attempt,
          maxAttempts,
          remixAvailable: input.canRemix ?? false,
          maxPromptChars: input.expected?.maxPromptChars ?? null,
        });
        const message = user([
          { type: 'input_text', text },
          ...images.map((image) => ({ type: 'input_image' as const, image, detail: 'low' })),
        ]);
        const out = await call('editor', editor, EditorAnswer, [message], ctx, (v) =>
          v.action !== 'accept' && !v.prompt?.trim()
            ? `action "${v.action}" needs a revised prompt`
            : undefined,
        );
        const digestInput = reviewDigestInput(input);
        if (!out.ok) {
          await fellBack('editor', out, digestInput, ctx, input.shot.id);
          return fallback.review(input, ctx);
        }
        const v = out.value;
        const action = v.action === 'remix' && !input.canRemix ? 'regenerate' : v.action;
        const limit = input.expected?.maxPromptChars;
        const prompt = v.prompt && limit ? fitPrompt([{ text: v.prompt, priority: 1 }], limit) : v.prompt;
        const review: ClipReview = {
          action,
          reasons: v.reasons.length ? v.reasons : [action],
          ...(action !== 'accept' && prompt ? { prompt } : {}),
          score: Math.min(1, Math.max(0, v.score)),
        };
        await recordDecision(ctx, {
          role: 'editor',
          shotId: input.shot.id,
          summary: `${review.action}: ${review.reasons.join('; ')}`.slice(0, 300),
          input: digestInput,
          output: { ...review, frames: frames.length, metrics: strip(metrics) },
          model: settings.models.editor,
          tokens: out.tokens,
          ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
          ms: performance.now() - t0,
        });
        return review;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async judgeContinuity(input, ctx): Promise<ContinuityVerdict | undefined> {
      const t0 = performance.now();
      const dir = await mkdtemp(join(tmpdir(), 'beatframe-continuity-'));
      try {
        const refs = input.referenceImagePaths.slice(0, 3);
        const frames = await sampleFrames(input.clipPath, dir, {
          count: 3,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        if (!frames.length) return undefined;
        const images = await Promise.all([input.keyframePath, ...refs, ...frames].map(imageDataUrl));
        const characters = input.storyboard.styleBible.characters
          .filter((c) => c.sheet)
          .map((c) => ({ name: c.name, sheet: c.sheet }));
        const text = JSON.stringify({
          shot: { id: input.shot.id, description: input.shot.description, prompt: input.shot.prompt },
          characters,
          look: input.storyboard.styleBible.look,
          images: { keyframe: 1, references: refs.length, clipFrames: frames.length },
        });
        const message = user([
          { type: 'input_text', text },
          ...images.map((image) => ({ type: 'input_image' as const, image, detail: 'low' })),
        ]);
        const out = await call('editor', continuityJudge, ContinuityAnswer, [message], ctx);
        const digestInput = { shotId: input.shot.id, clip: input.clipPath, keyframe: input.keyframePath };
        if (!out.ok) {
          await fellBack('editor', out, digestInput, ctx, input.shot.id);
          return undefined;
        }
        const verdict: ContinuityVerdict = {
          holds: out.value.holds,
          reasons: out.value.reasons.length ? out.value.reasons : [out.value.holds ? 'holds' : 'drifted'],
          score: Math.min(1, Math.max(0, out.value.score)),
          by: settings.models.editor,
        };
        await recordDecision(ctx, {
          role: 'editor',
          shotId: input.shot.id,
          summary:
            `continuity judged by eye: ${verdict.holds ? 'holds' : 'drifted'}: ${verdict.reasons.join('; ')}`.slice(
              0,
              300,
            ),
          input: digestInput,
          output: {
            ...verdict,
            images: images.length,
            ...(input.measured ? { measured: input.measured } : {}),
          },
          model: settings.models.editor,
          tokens: out.tokens,
          ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
          ms: performance.now() - t0,
        });
        return verdict;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async revisePromptAfterRefusal(input: RefusalInput, ctx: PluginContext): Promise<string> {
      const limit = refusalLimit(input);
      const request = {
        refusedPrompt: input.prompt,
        providerError: input.error,
        maxPromptChars: limit,
        shot: {
          description: input.shot.description,
          mood: input.shot.mood,
          camera: input.shot.camera ?? null,
        },
        styleLine: input.storyboard ? styleLine(input.storyboard.styleBible) : null,
      };
      const digestInput = { shot: input.shot.id, prompt: input.prompt, error: input.error };
      const out = await call('prompter', rewriter, RewriteAnswer, JSON.stringify(request), ctx, (v) =>
        !v.prompt.trim()
          ? 'the prompt is empty'
          : v.prompt.length > limit
            ? `the prompt has ${v.prompt.length} characters; the limit is ${limit}`
            : v.prompt.trim() === input.prompt.trim()
              ? 'the prompt is unchanged; it was refused as it is'
              : undefined,
      );
      if (!out.ok) {
        await fellBack('prompter', out, digestInput, ctx, input.shot.id, 'generate');
        return fallback.revisePromptAfterRefusal(input, ctx);
      }
      await recordDecision(ctx, {
        role: 'prompter',
        stage: 'generate',
        shotId: input.shot.id,
        summary: `rewrote the refused prompt: ${input.error}`.slice(0, 300),
        input: digestInput,
        output: { prompt: out.value.prompt },
        model: settings.models.prompter,
        tokens: out.tokens,
        ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
        ms: out.ms,
      });
      return out.value.prompt.trim();
    },

    async proposeRevisions(input: RevisionInput, ctx: PluginContext): Promise<Revision[]> {
      const ids = new Set(input.shots.map((s) => s.id));
      const request = {
        report: {
          score: input.report.score,
          passed: input.report.passed,
          metrics: input.report.metrics,
          issues: input.report.issues,
          summary: input.report.summary,
        },
        styleBible: input.storyboard.styleBible,
        shots: input.shots.map((s) => ({
          id: s.id,
          start: s.start,
          end: s.end,
          energy: s.energy,
          prompt: s.prompt ?? s.description,
        })),
      };
      const out = await call('editor', reviser, RevisionsAnswer, JSON.stringify(request), ctx, (v) => {
        const bad = v.revisions.filter(
          (r) => r.kind === 'regenerate' && (!r.shotId || !ids.has(r.shotId) || !r.prompt),
        );
        return bad.length ? 'every regenerate revision needs a known shotId and a prompt' : undefined;
      });
      if (!out.ok) {
        await fellBack('editor', out, input, ctx, undefined, 'evaluate');
        return fallback.proposeRevisions(input, ctx);
      }
      // The shots to take again; the model's recut and transition notes name no timeline item, and the
      // timeline's revisions come from the evaluation's own planner (@beatframe/evaluate), so they are not kept.
      const revisions: Revision[] = out.value.revisions.flatMap((r) =>
        r.kind === 'regenerate' && r.shotId && r.prompt
          ? [
              {
                kind: 'regenerate' as const,
                shotId: r.shotId,
                prompt: r.prompt,
                reason: r.reason,
                estimatedUsd: 0,
              },
            ]
          : [],
      );
      await recordRevisions(ctx, input, revisions, {
        model: settings.models.editor,
        tokens: out.tokens,
        ...(out.cost !== undefined ? { costUsd: out.cost } : {}),
        ms: out.ms,
      });
      return revisions;
    },
  };
}

/** 3–6 stills for the vision model: the caller's frames, else the thumbnail plus frames we sample. */
async function framesFor(input: ReviewInput, dir: string, signal?: AbortSignal): Promise<string[]> {
  if (input.framePaths.length >= 3) {
    const n = Math.min(6, input.framePaths.length);
    return Array.from(
      { length: n },
      (_, i) => input.framePaths[Math.floor((i * input.framePaths.length) / n)] as string,
    );
  }
  // The provider's thumbnail (or spritesheet) first: it is what the provider thinks the clip shows.
  const thumb = input.clip.thumbnailPath ? [input.clip.thumbnailPath] : [];
  const sampled = await sampleFrames(input.clip.path, dir, { count: 4, ...(signal ? { signal } : {}) });
  return [...thumb, ...input.framePaths, ...sampled].slice(0, 6);
}
