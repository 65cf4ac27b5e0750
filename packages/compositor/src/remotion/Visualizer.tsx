import {
  type TimelineVisualizer,
  VISUALIZER_BARS,
  VISUALIZER_GAP,
  VISUALIZER_OPACITY,
  VISUALIZER_PULSE_GROWTH,
  visualizerBox,
} from '@beatframe/core/schemas';
import { useAudioData, visualizeAudio, visualizeAudioWaveform } from '@remotion/media-utils';
import type React from 'react';
import { AbsoluteFill, useCurrentFrame, useVideoConfig } from 'remotion';

/** An amplitude as 0…1 on a 60 dB scale, like ffmpeg's `ascale=log` in the fast renderer. */
const level = (v: number) => Math.min(1, Math.max(0, (20 * Math.log10(v + 1e-9) + 60) / 60));

/** Spectrum bins (linear frequency) gathered into `bars` log-spaced bars, low notes first. */
export function logBars(bins: number[], bars: number): number[] {
  const out: number[] = [];
  const n = bins.length;
  for (let i = 0; i < bars; i++) {
    const from = Math.floor(n ** (i / bars)) - 1;
    const to = Math.max(from + 1, Math.floor(n ** ((i + 1) / bars)) - 1);
    let peak = 0;
    for (let k = from; k < to && k < n; k++) peak = Math.max(peak, bins[k]!);
    out.push(level(peak));
  }
  return out;
}

/**
 * The audio-reactive layer drawn from the song in the browser (`getAudioData` through `useAudioData`,
 * then `visualizeAudio` / `visualizeAudioWaveform`): spectrum bars, the waveform, or a ring swelling with
 * the bass, in the boxes every renderer shares (`visualizerBox`).
 */
export const Visualizer: React.FC<{ spec: TimelineVisualizer; src: string }> = ({ spec, src }) => {
  const frame = useCurrentFrame();
  const { fps, width, height } = useVideoConfig();
  const audioData = useAudioData(src);
  if (!audioData) return null;
  const box = visualizerBox(spec.kind, width, height);
  const at: React.CSSProperties = {
    position: 'absolute',
    left: box.x,
    top: box.y,
    width: box.w,
    height: box.h,
  };
  if (spec.kind === 'bars') {
    const bars = logBars(visualizeAudio({ audioData, frame, fps, numberOfSamples: 256 }), VISUALIZER_BARS);
    const w = box.w / VISUALIZER_BARS;
    return (
      <AbsoluteFill>
        <div style={{ ...at, opacity: VISUALIZER_OPACITY }}>
          {bars.map((v, i) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: a bar is its position.
              key={i}
              style={{
                position: 'absolute',
                left: Math.round(i * w),
                width:
                  Math.round((i + 1) * w) - Math.max(1, Math.round(w * VISUALIZER_GAP)) - Math.round(i * w),
                bottom: 0,
                height: Math.max(1, v * box.h),
                backgroundColor: spec.color,
              }}
            />
          ))}
        </div>
      </AbsoluteFill>
    );
  }
  if (spec.kind === 'wave') {
    const samples = visualizeAudioWaveform({
      audioData,
      frame,
      fps,
      windowInSeconds: 1 / fps,
      numberOfSamples: 256,
    });
    const mid = box.h / 2;
    // A filled outline of the wave's magnitude, mirrored about the middle (ffmpeg's `cline`).
    const mag = samples.map((s) => Math.cbrt(Math.abs(s)) * mid);
    const step = box.w / Math.max(1, mag.length - 1);
    const top = mag.map((m, i) => `${(i * step).toFixed(1)},${(mid - m).toFixed(1)}`);
    const bottom = mag.map((m, i) => `${(i * step).toFixed(1)},${(mid + m).toFixed(1)}`).reverse();
    return (
      <AbsoluteFill>
        <svg style={at} viewBox={`0 0 ${box.w} ${box.h}`} aria-hidden="true">
          <polygon
            points={[...top, ...bottom].join(' ')}
            fill={spec.color}
            fillOpacity={VISUALIZER_OPACITY}
          />
        </svg>
      </AbsoluteFill>
    );
  }
  const bins = visualizeAudio({ audioData, frame, fps, numberOfSamples: 64 });
  const bass = level(Math.max(...bins.slice(0, 3)));
  const scale = (1 + VISUALIZER_PULSE_GROWTH * bass) / (1 + VISUALIZER_PULSE_GROWTH);
  return (
    <AbsoluteFill>
      <div style={{ ...at, transform: `scale(${scale})` }}>
        <div
          style={{
            position: 'absolute',
            inset: box.w * 0.14,
            borderRadius: '50%',
            border: `${Math.max(2, box.w * 0.025)}px solid ${spec.color}`,
            boxShadow: `0 0 ${box.w * 0.05}px ${spec.color}`,
            background: `radial-gradient(circle, ${spec.color}59 0%, transparent 70%)`,
          }}
        />
      </div>
    </AbsoluteFill>
  );
};
