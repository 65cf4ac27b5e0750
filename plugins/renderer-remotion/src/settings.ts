import { z } from 'zod';

/** x264's presets, as Remotion takes them. */
export const X264_PRESET = z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']);

/** Config `renderers.remotion`: speed/quality knobs of the render, checked by the registry (strict). */
export const RemotionSettings = z
  .object({
    /**
     * 'hybrid' (default): ffmpeg composes the shots, Remotion draws each distinct overlay once, the same
     * picture several times faster; 'browser': Chromium draws every frame of the whole composition.
     */
    mode: z.enum(['hybrid', 'browser']).optional(),
    cacheDir: z.string().min(1).optional(),
    browserExecutable: z.string().min(1).optional(),
    /** Normalise clips to the timeline's size and fps first (default: in browser mode only; the hybrid fits clips in its ffmpeg graph). */
    normalize: z.boolean().optional(),
    concurrency: z.number().int().positive().optional(),
    imageFormat: z.enum(['jpeg', 'png']).optional(),
    jpegQuality: z.number().min(0).max(100).optional(),
    x264Preset: X264_PRESET.optional(),
    crf: z.number().min(0).max(51).optional(),
    /** Hybrid: clips per ffmpeg encode run (default 24); a longer timeline is encoded in passes joined by stream copy. */
    maxItemsPerPass: z.number().int().positive().optional(),
  })
  .strict();
