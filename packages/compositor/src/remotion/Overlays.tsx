import type { Timeline } from '@beatframe/core/schemas';
import type React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { CaptionLine, Card } from './BeatframeVideo.js';

/** Props of the overlay composition: the timeline, and which timeline frame each of its frames shows. */
export interface OverlayProps extends Record<string, unknown> {
  timeline: Timeline;
  frames: number[];
}

/**
 * Only what lies over the shots — cards, captions — on a transparent page, for the hybrid render: frame i
 * draws timeline frame frames[i], so each distinct overlay is drawn once. (Beat flashes change every frame:
 * the hybrid's ffmpeg graph draws them on the shots.)
 */
export const Overlays: React.FC<OverlayProps> = ({ timeline, frames }) => {
  const frame = frames[useCurrentFrame()] ?? 0;
  return (
    <AbsoluteFill>
      {timeline.cards.map((card, i) =>
        frame >= card.startFrame && frame < card.endFrame ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: cards have no id.
          <Card key={`card-${i}`} card={card} timeline={timeline} frame={frame - card.startFrame} />
        ) : null,
      )}
      {timeline.captions.map((caption, i) =>
        frame >= caption.startFrame && frame < caption.endFrame ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: captions have no id.
          <CaptionLine key={`caption-${i}`} caption={caption} timeline={timeline} frame={frame} />
        ) : null,
      )}
    </AbsoluteFill>
  );
};
