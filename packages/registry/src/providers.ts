import { join } from 'node:path';
import {
  type BeatframeConfig,
  ConfigError,
  type ImageProvider,
  type ImageProviderFactory,
  parsePluginSettings,
  UsageError,
  type VideoProvider,
  type VideoProviderFactory,
} from '@beatframe/core';
import { withImageKeyRing, withKeyRing } from '@beatframe/keyring';
import comfyuiFactory, { ComfyUISettings } from '@beatframe/provider-comfyui';
import falFactory, { FalSettings, image as falImage } from '@beatframe/provider-fal';
import localFactory, { LocalProviderSettings, image as localImage } from '@beatframe/provider-local';
import manualFactory, { ManualProviderSettings } from '@beatframe/provider-manual';
import openaiVideosFactory, {
  OpenAIVideosSettings,
  image as openaiImage,
} from '@beatframe/provider-openai-videos';
import openrouterFactory, { OpenRouterSettings } from '@beatframe/provider-openrouter';
import replicateFactory, { ReplicateSettings } from '@beatframe/provider-replicate';
import runwayFactory, { RunwaySettings } from '@beatframe/provider-runway';
import veoFactory, { VeoSettings, image as veoImage } from '@beatframe/provider-veo';
import webFactory, { WebSettings } from '@beatframe/provider-web';

/** What a config needs to pick and set up providers. */
export type RegistryConfig = Pick<BeatframeConfig, 'dataDir' | 'providers'> & {
  plugins?: string[];
  browserExecutable?: string | undefined;
};

export interface ProviderEntry {
  name: string;
  aliases?: string[];
  /** The npm package the plugin comes from (`@beatframe/provider-*` or a third party's). */
  packageName: string;
  factory: VideoProviderFactory;
  /**
   * The plugin's settings as a zod schema (strict): the config section is checked with it before the factory
   * sees it, so a misspelt or unknown key fails on one line naming the plugin and the key.
   */
  settings?: SettingsSchema;
  /** The vendor's image models (keyframes, references), set up from the same settings, when the plugin has them. */
  image?: ImageProviderFactory;
  /**
   * Only with `--image-provider`: its video runs do not make keyframes with it unasked. For vendors whose
   * video endpoint may be a gateway without their image API (OpenAI Videos), or whose default image model is
   * a different product with its own terms (fal).
   */
  imageOnRequest?: boolean;
  /** Settings derived from the config (e.g. a folder under the data dir); config settings override them. */
  defaults?(config: RegistryConfig): Record<string, unknown>;
  /** The variable holding the plugin's API key; its ring (the name plus S) is then used as well. */
  keyEnv?: string;
}

/** The providers that ship with beatframe. Add a plugin here (name, package, factory) to make it known. */
const PROVIDERS: ProviderEntry[] = [
  {
    name: 'local',
    aliases: ['offline', 'motion-graphics'],
    packageName: '@beatframe/provider-local',
    factory: localFactory,
    settings: LocalProviderSettings,
    image: localImage,
    defaults: (config) => ({ workDir: join(config.dataDir, 'cache', 'provider-local') }),
  },
  {
    name: 'manual',
    aliases: ['folder', 'hand'],
    packageName: '@beatframe/provider-manual',
    factory: manualFactory,
    settings: ManualProviderSettings,
  },
  {
    name: 'openai-videos',
    aliases: ['sora', 'openai'],
    packageName: '@beatframe/provider-openai-videos',
    factory: openaiVideosFactory,
    settings: OpenAIVideosSettings,
    image: openaiImage,
    imageOnRequest: true,
    keyEnv: 'OPENAI_API_KEY',
  },
  {
    name: 'veo',
    aliases: ['google', 'gemini', 'veo3'],
    packageName: '@beatframe/provider-veo',
    factory: veoFactory,
    settings: VeoSettings,
    image: veoImage,
    keyEnv: 'GEMINI_API_KEY',
  },
  {
    name: 'fal',
    aliases: ['fal-ai', 'kling', 'wan', 'seedance', 'hailuo'],
    packageName: '@beatframe/provider-fal',
    factory: falFactory,
    settings: FalSettings,
    image: falImage,
    imageOnRequest: true,
    keyEnv: 'FAL_KEY',
  },
  {
    name: 'runway',
    aliases: ['runwayml', 'gen4'],
    packageName: '@beatframe/provider-runway',
    factory: runwayFactory,
    settings: RunwaySettings,
    keyEnv: 'RUNWAYML_API_SECRET',
  },
  {
    name: 'comfyui',
    aliases: ['comfy', 'gpu', 'ltx', 'ltx-video'],
    packageName: '@beatframe/provider-comfyui',
    factory: comfyuiFactory,
    settings: ComfyUISettings,
  },
  {
    name: 'replicate',
    aliases: ['replicate-com'],
    packageName: '@beatframe/provider-replicate',
    factory: replicateFactory,
    settings: ReplicateSettings,
    // Outputs are copied here as soon as they are ready: Replicate deletes them an hour later.
    defaults: (config) => ({ cacheDir: join(config.dataDir, 'cache', 'provider-replicate') }),
  },
  {
    name: 'openrouter',
    aliases: ['open-router'],
    packageName: '@beatframe/provider-openrouter',
    factory: openrouterFactory,
    settings: OpenRouterSettings,
  },
  {
    name: 'web',
    aliases: ['rpa', 'browser', 'sora-web'],
    packageName: '@beatframe/provider-web',
    factory: webFactory,
    settings: WebSettings,
    // Sessions, screenshots and traces live under the data dir; the browser is the one rendering uses.
    defaults: (config) => ({
      dataDir: join(config.dataDir, 'web'),
      ...(config.browserExecutable ? { browserExecutable: config.browserExecutable } : {}),
    }),
  },
];

/** Adds (or replaces, by name) a provider at run time: how extra plugin packages join. */
export function registerProvider(entry: ProviderEntry): void {
  const at = PROVIDERS.findIndex((p) => p.name === entry.name);
  if (at >= 0) PROVIDERS[at] = entry;
  else PROVIDERS.push(entry);
}

export function providerEntries(): readonly ProviderEntry[] {
  return PROVIDERS;
}

/** Every provider name, in registry order. */
export function providerNames(): string[] {
  return PROVIDERS.map((p) => p.name);
}

function describeKnown(): string {
  return PROVIDERS.map((p) => (p.aliases?.length ? `${p.name} (${p.aliases.join(', ')})` : p.name)).join(
    ', ',
  );
}

export function findProviderEntry(name: string): ProviderEntry | undefined {
  const n = name.trim().toLowerCase();
  return PROVIDERS.find((p) => p.name === n) ?? PROVIDERS.find((p) => p.aliases?.includes(n));
}

type SettingsSchema = Parameters<typeof parsePluginSettings>[0];

/** The plugin's settings: its defaults under the config's section, checked with its schema when it has one. */
function settingsOf(entry: ProviderEntry, config: RegistryConfig): Record<string, unknown> {
  const settings = { ...(entry.defaults?.(config) ?? {}), ...(config.providers?.[entry.name] ?? {}) };
  if (entry.settings) parsePluginSettings(entry.settings, settings, `providers.${entry.name}`);
  return settings;
}

function instantiate(entry: ProviderEntry, config: RegistryConfig): VideoProvider {
  const settings = settingsOf(entry, config);
  const provider = entry.factory(settings);
  const keyEnv = typeof settings.apiKeyEnv === 'string' ? settings.apiKeyEnv : entry.keyEnv;
  // Several keys per provider (FAL_KEYS beside FAL_KEY): failover without the plugin knowing.
  return keyEnv ? withKeyRing(provider, { keyEnv }) : provider;
}

/** The provider called `name` (or one of its aliases), set up from the config. */
export function getProvider(name: string, config: RegistryConfig): VideoProvider {
  const entry = findProviderEntry(name);
  if (!entry) throw new UsageError(`unknown provider "${name}"; known: ${describeKnown()}`);
  return instantiate(entry, config);
}

/** The image provider of plugin `name` (or an alias), set up from the same config section as its videos. */
export function getImageProvider(name: string, config: RegistryConfig): ImageProvider {
  const entry = findProviderEntry(name);
  if (!entry) throw new UsageError(`unknown provider "${name}"; known: ${describeKnown()}`);
  if (!entry.image) {
    const have = PROVIDERS.filter((p) => p.image).map((p) => p.name);
    throw new UsageError(
      `provider ${entry.name} has no image model; image models come from: ${have.join(', ')}`,
    );
  }
  const settings = settingsOf(entry, config);
  const image = entry.image(settings);
  const keyEnv = typeof settings.apiKeyEnv === 'string' ? settings.apiKeyEnv : entry.keyEnv;
  // The same key ring as the plugin's videos (OPENAI_API_KEYS beside OPENAI_API_KEY), sharing what is refused.
  return keyEnv ? withImageKeyRing(image, { keyEnv }) : image;
}

/** Names of the plugins that offer image models. */
export function imageProviderNames(): string[] {
  return PROVIDERS.filter((p) => p.image).map((p) => p.name);
}

/** Every known provider, set up from the config. */
export function listProviders(config: RegistryConfig): VideoProvider[] {
  return PROVIDERS.map((e) => instantiate(e, config));
}

/**
 * Loads extra provider plugin packages named in config `plugins` (package names or paths). Each must
 * default-export a VideoProviderFactory; its provider's name and aliases are what users type.
 */
export async function loadProviderPlugins(config: RegistryConfig): Promise<string[]> {
  const loaded: string[] = [];
  for (const spec of config.plugins ?? []) {
    let mod: { default?: unknown };
    try {
      mod = (await import(/^[./]/.test(spec) ? new URL(spec, `file://${process.cwd()}/`).href : spec)) as {
        default?: unknown;
      };
    } catch (err) {
      throw new ConfigError(`plugin ${spec} could not be loaded: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof mod.default !== 'function') {
      throw new ConfigError(
        `plugin ${spec} must default-export a provider factory (settings) => VideoProvider`,
      );
    }
    const factory = mod.default as VideoProviderFactory;
    const sample = factory({});
    if (!sample?.name || typeof sample.submit !== 'function') {
      throw new ConfigError(`plugin ${spec}'s factory did not return a video provider`);
    }
    // A plugin that exports `settingsSchema` (zod) has its config section checked like the shipped ones.
    const settings = (mod as { settingsSchema?: SettingsSchema }).settingsSchema;
    registerProvider({
      name: sample.name,
      aliases: sample.aliases ?? [],
      packageName: spec,
      factory,
      ...(settings ? { settings } : {}),
    });
    loaded.push(sample.name);
  }
  return loaded;
}
