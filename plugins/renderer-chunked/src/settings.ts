import { z } from 'zod';

/** Config `renderers.chunked`, checked by the registry (strict: a misspelt key is refused on one line). */
export const ChunkedSettings = z
  .object({
    cacheDir: z.string().min(1).optional(),
    browserExecutable: z.string().min(1).optional(),
    normalize: z.boolean().optional(),
    /** Number of chunks (default: 2 × jobs). */
    chunks: z.number().int().positive().optional(),
    /** Chunks rendered at once in this process (default 2). */
    jobs: z.number().int().positive().optional(),
    /** Browser tabs per chunk (default 1). */
    concurrencyPerChunk: z.number().int().positive().optional(),
    imageFormat: z.enum(['jpeg', 'png']).optional(),
    jpegQuality: z.number().min(0).max(100).optional(),
    x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).optional(),
    crf: z.number().min(0).max(51).optional(),
  })
  .strict();
