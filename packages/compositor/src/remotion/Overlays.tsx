import type { Timeline } from '@beatframe/core/schemas';
import { flashOpacity } from '@beatframe/timeline/effects';
import type React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { CaptionLine, Card } from './BeatframeVideo.js';

/** Props of the overlay composition: the timeline, and which timeline frame each of its frames shows. */
export interface OverlayProps extends Record<string, unknown> {
  timeline: Timeline;
  frames: number[];
}

/**
 * Only what lies over the shots — beat flashes, cards, captions — on a transparent page, for the hybrid
 * render: frame i draws timeline frame frames[i], so each distinct overlay is drawn once.
 */
export const Overlays: React.FC<OverlayProps> = ({ timeline, frames }) => {
  const frame = frames[useCurrentFrame()] ?? 0;
  const item = timeline.items.find((i) => frame >= i.startFrame && frame < i.startFrame + i.durationFrames);
  const flash = item ? flashOpacity(item.effects, frame, timeline.fps) : 0;
  return (
    <AbsoluteFill>
      {flash > 0 ? <AbsoluteFill style={{ backgroundColor: 'white', opacity: flash }} /> : null}
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
