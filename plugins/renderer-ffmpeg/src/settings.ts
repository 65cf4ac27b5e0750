import { z } from 'zod';

/** Config `renderers.ffmpeg`, checked by the registry (strict: a misspelt key is refused on one line). */
export const FfmpegSettings = z
  .object({
    /** x264 preset; `veryfast` keeps a 720p render well above real time on two cores. */
    preset: z.string().min(1).optional(),
    /** x264 constant rate factor (lower is better quality). */
    crf: z.number().min(0).max(51).optional(),
    /** AAC bitrate for the song. */
    audioBitrate: z.string().min(1).optional(),
    /** Keep the working folder (graph script, ASS file) after the render, for debugging. */
    keepWorkDir: z.boolean().optional(),
    /** Timeline items per ffmpeg pass (default 24). */
    maxItemsPerPass: z.number().int().positive().optional(),
  })
  .strict();
