/**
 * The node classes the ComfyUI emulator "has installed": each one's inputs as GET /object_info describes them
 * (type, or a list of allowed values; min/max for numbers), its outputs, and whether it is an output node.
 * Taken from ComfyUI's core nodes (nodes.py, comfy_extras/nodes_lt.py, nodes_wan.py, nodes_video.py,
 * nodes_custom_sampler.py, nodes_hunyuan.py) for the graphs the bundled video workflows use.
 */
export type InputSpec = [string | string[], { min?: number; max?: number }?];
export interface NodeClass {
  required: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  output: string[];
  outputNode?: boolean;
  /** Sampler nodes: the input holding their step count (they send `progress` messages). */
  steps?: string;
}

/** Model files by loader input. */
export interface ModelFiles {
  checkpoints: string[];
  diffusion_models: string[];
  text_encoders: string[];
  vae: string[];
}

export const DEFAULT_MODEL_FILES: ModelFiles = {
  checkpoints: ['ltxv-2b-0.9.8-distilled.safetensors'],
  diffusion_models: [
    'wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors',
    'wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors',
    'wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors',
    'wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors',
    'wan2.2_ti2v_5B_fp16.safetensors',
  ],
  text_encoders: ['t5xxl_fp16.safetensors', 'umt5_xxl_fp8_e4m3fn_scaled.safetensors'],
  vae: ['wan_2.1_vae.safetensors', 'wan2.2_vae.safetensors'],
};

const SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'uni_pc',
  'uni_pc_bh2',
  'lcm',
];
const SCHEDULERS = ['simple', 'normal', 'karras', 'exponential', 'sgm_uniform', 'beta'];
const INT = (min = 0, max = 2 ** 64): InputSpec => ['INT', { min, max }];
const FLOAT = (min = -1e9, max = 1e9): InputSpec => ['FLOAT', { min, max }];
const SIDE = INT(16, 16384);
const LATENT_VIDEO = { width: SIDE, height: SIDE, length: INT(1, 16384), batch_size: INT(1, 4096) };
const COND = { positive: ['CONDITIONING'] as InputSpec, negative: ['CONDITIONING'] as InputSpec };

/** The catalogue, with the loaders' file lists from `files` and LoadImage's from the uploaded inputs. */
export function nodeClasses(files: ModelFiles, inputs: () => string[]): Record<string, NodeClass> {
  return {
    CheckpointLoaderSimple: {
      required: { ckpt_name: [files.checkpoints] },
      output: ['MODEL', 'CLIP', 'VAE'],
    },
    UNETLoader: {
      required: {
        unet_name: [files.diffusion_models],
        weight_dtype: [['default', 'fp8_e4m3fn', 'fp8_e4m3fn_fast', 'fp8_e5m2']],
      },
      output: ['MODEL'],
    },
    CLIPLoader: {
      required: {
        clip_name: [files.text_encoders],
        type: [
          [
            'stable_diffusion',
            'stable_cascade',
            'sd3',
            'stable_audio',
            'mochi',
            'ltxv',
            'pixart',
            'wan',
            'hunyuan_video',
          ],
        ],
      },
      optional: { device: [['default', 'cpu']] },
      output: ['CLIP'],
    },
    VAELoader: { required: { vae_name: [files.vae] }, output: ['VAE'] },
    LoadImage: { required: { image: [inputs()] }, output: ['IMAGE', 'MASK'] },
    CLIPTextEncode: { required: { text: ['STRING'], clip: ['CLIP'] }, output: ['CONDITIONING'] },
    ModelSamplingSD3: { required: { model: ['MODEL'], shift: FLOAT(0, 100) }, output: ['MODEL'] },
    LTXVConditioning: {
      required: { ...COND, frame_rate: FLOAT(0, 1000) },
      output: ['CONDITIONING', 'CONDITIONING'],
    },
    EmptyLTXVLatentVideo: {
      required: { ...LATENT_VIDEO, width: INT(64, 16384), height: INT(64, 16384) },
      output: ['LATENT'],
    },
    LTXVImgToVideo: {
      required: {
        ...COND,
        vae: ['VAE'],
        image: ['IMAGE'],
        ...LATENT_VIDEO,
        width: INT(64, 16384),
        height: INT(64, 16384),
        strength: FLOAT(0, 1),
      },
      output: ['CONDITIONING', 'CONDITIONING', 'LATENT'],
    },
    LTXVScheduler: {
      required: {
        steps: INT(1, 10000),
        max_shift: FLOAT(0, 100),
        base_shift: FLOAT(0, 100),
        stretch: ['BOOLEAN'],
        terminal: FLOAT(0, 0.99),
      },
      optional: { latent: ['LATENT'] },
      output: ['SIGMAS'],
    },
    KSamplerSelect: { required: { sampler_name: [SAMPLERS] }, output: ['SAMPLER'] },
    RandomNoise: { required: { noise_seed: INT() }, output: ['NOISE'] },
    CFGGuider: { required: { model: ['MODEL'], ...COND, cfg: FLOAT(0, 100) }, output: ['GUIDER'] },
    SamplerCustomAdvanced: {
      required: {
        noise: ['NOISE'],
        guider: ['GUIDER'],
        sampler: ['SAMPLER'],
        sigmas: ['SIGMAS'],
        latent_image: ['LATENT'],
      },
      output: ['LATENT', 'LATENT'],
      steps: 'sigmas',
    },
    EmptyHunyuanLatentVideo: { required: LATENT_VIDEO, output: ['LATENT'] },
    WanImageToVideo: {
      required: { ...COND, vae: ['VAE'], ...LATENT_VIDEO },
      optional: { clip_vision_output: ['CLIP_VISION_OUTPUT'], start_image: ['IMAGE'] },
      output: ['CONDITIONING', 'CONDITIONING', 'LATENT'],
    },
    WanFirstLastFrameToVideo: {
      required: { ...COND, vae: ['VAE'], ...LATENT_VIDEO },
      optional: {
        clip_vision_start_image: ['CLIP_VISION_OUTPUT'],
        clip_vision_end_image: ['CLIP_VISION_OUTPUT'],
        start_image: ['IMAGE'],
        end_image: ['IMAGE'],
      },
      output: ['CONDITIONING', 'CONDITIONING', 'LATENT'],
    },
    Wan22ImageToVideoLatent: {
      required: { vae: ['VAE'], ...LATENT_VIDEO, width: INT(32, 16384), height: INT(32, 16384) },
      optional: { start_image: ['IMAGE'] },
      output: ['LATENT'],
    },
    KSampler: {
      required: {
        model: ['MODEL'],
        seed: INT(),
        steps: INT(1, 10000),
        cfg: FLOAT(0, 100),
        sampler_name: [SAMPLERS],
        scheduler: [SCHEDULERS],
        ...COND,
        latent_image: ['LATENT'],
        denoise: FLOAT(0, 1),
      },
      output: ['LATENT'],
      steps: 'steps',
    },
    KSamplerAdvanced: {
      required: {
        model: ['MODEL'],
        add_noise: [['enable', 'disable']],
        noise_seed: INT(),
        steps: INT(1, 10000),
        cfg: FLOAT(0, 100),
        sampler_name: [SAMPLERS],
        scheduler: [SCHEDULERS],
        ...COND,
        latent_image: ['LATENT'],
        start_at_step: INT(0, 10000),
        end_at_step: INT(0, 10000),
        return_with_leftover_noise: [['disable', 'enable']],
      },
      output: ['LATENT'],
      steps: 'steps',
    },
    VAEDecode: { required: { samples: ['LATENT'], vae: ['VAE'] }, output: ['IMAGE'] },
    CreateVideo: {
      required: { images: ['IMAGE'], fps: FLOAT(1, 120) },
      optional: { audio: ['AUDIO'] },
      output: ['VIDEO'],
    },
    SaveVideo: {
      required: {
        video: ['VIDEO'],
        filename_prefix: ['STRING'],
        format: [['auto', 'mp4']],
        codec: [['auto', 'h264']],
      },
      output: [],
      outputNode: true,
    },
  };
}

/** How a latent node's length becomes frames: the VAE compresses time by 8 (LTX) or 4 (Wan, Hunyuan). */
export const TIME_COMPRESSION: Record<string, number> = {
  EmptyLTXVLatentVideo: 8,
  LTXVImgToVideo: 8,
  EmptyHunyuanLatentVideo: 4,
  WanImageToVideo: 4,
  WanFirstLastFrameToVideo: 4,
  Wan22ImageToVideoLatent: 4,
};
