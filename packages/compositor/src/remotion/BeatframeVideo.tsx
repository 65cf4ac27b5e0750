import type { Caption, TextCard, Timeline, TimelineItem } from '@beatframe/core/schemas';
import { CAPTION_FADE_FRAMES, cardEdgeFrames, flashOpacity, pulseScale } from '@beatframe/timeline/effects';
import { Audio, Video } from '@remotion/media';
import { linearTiming, TransitionSeries } from '@remotion/transitions';
import type React from 'react';
import {
  AbsoluteFill,
  Easing,
  interpolate,
  Sequence,
  staticFile,
  useCurrentFrame,
  useVideoConfig,
} from 'remotion';
import { presentationFor } from './presentations.js';
import { Visualizer } from './Visualizer.js';

/** Media paths: URLs as they are, anything else is a file staged into the bundle's public folder. */
export function mediaUrl(src: string): string {
  return /^(https?|blob|data):/i.test(src) ? src : staticFile(src);
}

const Shot: React.FC<{ item: TimelineItem }> = ({ item }) => {
  const local = useCurrentFrame();
  const { fps } = useVideoConfig();
  const frame = local + item.startFrame;
  const scale = pulseScale(item.effects, frame, fps);
  const flash = flashOpacity(item.effects, frame, fps);
  return (
    <AbsoluteFill style={{ backgroundColor: 'black', overflow: 'hidden' }}>
      <AbsoluteFill style={scale !== 1 ? { transform: `scale(${scale})` } : undefined}>
        <Video
          src={mediaUrl(item.src)}
          trimBefore={Math.round(item.clipStartSec * fps)}
          playbackRate={item.playbackRate}
          loop={item.loop}
          muted
          objectFit={item.fit ?? 'cover'}
          style={{ width: '100%', height: '100%' }}
        />
      </AbsoluteFill>
      {flash > 0 ? <AbsoluteFill style={{ backgroundColor: 'white', opacity: flash }} /> : null}
    </AbsoluteFill>
  );
};

/** A card at `frame` frames after it starts. */
export const Card: React.FC<{ card: TextCard; timeline: Timeline; frame: number }> = ({
  card,
  timeline,
  frame,
}) => {
  const { fps, height } = useVideoConfig();
  const len = card.endFrame - card.startFrame;
  const edge = cardEdgeFrames(card, fps);
  const opacity = interpolate(frame, [0, edge, len - edge, len], [0, 1, 1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
  const rise = interpolate(frame, [0, edge * 2], [height * 0.02, 0], {
    extrapolateRight: 'clamp',
    easing: Easing.out(Easing.cubic),
  });
  const title = card.kind === 'title';
  return (
    <AbsoluteFill
      style={{
        justifyContent: title ? 'center' : 'flex-start',
        alignItems: title ? 'center' : 'flex-start',
        padding: title ? 0 : height * 0.05,
        opacity,
        fontFamily: timeline.style.fontFamily,
        color: 'white',
        textShadow: '0 2px 12px rgba(0,0,0,0.8)',
      }}
    >
      <div
        style={{ transform: `translateY(${rise}px)`, textAlign: title ? 'center' : 'left', maxWidth: '86%' }}
      >
        <div style={{ fontSize: height * (title ? 0.09 : 0.05), fontWeight: 700, lineHeight: 1.1 }}>
          {card.text}
        </div>
        {card.subtitle ? (
          <div style={{ fontSize: height * 0.045, marginTop: height * 0.015, color: timeline.style.accent }}>
            {card.subtitle}
          </div>
        ) : null}
      </div>
    </AbsoluteFill>
  );
};

/** Size of a lyric video's lines, as a share of the frame's short side (the ffmpeg renderer's too). */
export const LYRIC_SIZE = 0.1;
/** Words not sung yet: readable at 60 % over any backdrop (with the line's shadow), the sung ones at full. */
export const UNSUNG_OPACITY = 0.6;

/** A lyric line at timeline frame `frame`, the sung word highlighted. */
export const CaptionLine: React.FC<{ caption: Caption; timeline: Timeline; frame: number }> = ({
  caption,
  timeline,
  frame,
}) => {
  const { height, width } = useVideoConfig();
  const local = frame - caption.startFrame;
  const opacity = interpolate(local, [0, CAPTION_FADE_FRAMES], [0, 1], { extrapolateRight: 'clamp' });
  const { accent, captionColor, fontFamily } = timeline.style;
  // A lyric video's lines: large, in the middle, on a shadow instead of a box.
  const lyric = timeline.style.captionLayout === 'lyric';
  return (
    <AbsoluteFill
      style={{
        justifyContent: lyric ? 'center' : 'flex-end',
        alignItems: 'center',
        paddingBottom: lyric ? 0 : height * 0.07,
      }}
    >
      <div
        style={{
          opacity,
          maxWidth: width * 0.86,
          textAlign: 'center',
          fontFamily,
          fontWeight: 700,
          fontSize: Math.round(Math.min(width, height) * (lyric ? LYRIC_SIZE : 0.055)),
          lineHeight: 1.25,
          color: captionColor,
          ...(lyric
            ? { textShadow: '0 3px 14px rgba(0,0,0,0.9), 0 0 4px rgba(0,0,0,0.8)' }
            : {
                backgroundColor: 'rgba(0,0,0,0.45)',
                borderRadius: height * 0.012,
                padding: `${height * 0.008}px ${height * 0.02}px`,
                textShadow: '0 2px 6px rgba(0,0,0,0.7)',
              }),
        }}
      >
        {caption.words
          ? caption.words.map((w, i) => {
              const current = frame >= w.startFrame && frame < w.endFrame;
              const opacity = frame < w.startFrame ? UNSUNG_OPACITY : 1;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: words repeat; their order is their identity.
                <span key={i} style={{ color: current ? accent : captionColor, opacity }}>
                  {i > 0 ? ' ' : ''}
                  {w.text}
                </span>
              );
            })
          : caption.text}
      </div>
    </AbsoluteFill>
  );
};

const CardNow: React.FC<{ card: TextCard; timeline: Timeline }> = (p) => (
  <Card {...p} frame={useCurrentFrame()} />
);
const CaptionNow: React.FC<{ caption: Caption; timeline: Timeline }> = (p) => (
  <CaptionLine {...p} frame={useCurrentFrame() + p.caption.startFrame} />
);

/** The whole video: shots with their transitions, beat effects, cards and captions, and the song. */
export const BeatframeVideo: React.FC<Timeline> = (timeline) => {
  const { width, height } = timeline;
  return (
    <AbsoluteFill style={{ backgroundColor: 'black' }}>
      <TransitionSeries>
        {timeline.items.flatMap((item) => {
          const parts = [];
          if (item.transitionIn && item.transitionIn.kind !== 'cut' && item.transitionIn.durationFrames > 0) {
            parts.push(
              <TransitionSeries.Transition
                key={`${item.id}-in`}
                presentation={presentationFor(item.transitionIn, width, height)}
                timing={linearTiming({ durationInFrames: item.transitionIn.durationFrames })}
              />,
            );
          }
          parts.push(
            <TransitionSeries.Sequence key={item.id} durationInFrames={item.durationFrames}>
              <Shot item={item} />
            </TransitionSeries.Sequence>,
          );
          return parts;
        })}
      </TransitionSeries>
      {timeline.visualizer && timeline.audio.src ? (
        <Visualizer spec={timeline.visualizer} src={mediaUrl(timeline.audio.src)} />
      ) : null}
      {timeline.cards.map((card, i) => (
        <Sequence
          // biome-ignore lint/suspicious/noArrayIndexKey: cards have no id.
          key={`card-${i}`}
          from={card.startFrame}
          durationInFrames={Math.max(1, card.endFrame - card.startFrame)}
          layout="none"
        >
          <CardNow card={card} timeline={timeline} />
        </Sequence>
      ))}
      {timeline.captions.map((caption, i) => (
        <Sequence
          // biome-ignore lint/suspicious/noArrayIndexKey: captions have no id.
          key={`caption-${i}`}
          from={caption.startFrame}
          durationInFrames={Math.max(1, caption.endFrame - caption.startFrame)}
          layout="none"
        >
          <CaptionNow caption={caption} timeline={timeline} />
        </Sequence>
      ))}
      {timeline.audio.src ? <Audio src={mediaUrl(timeline.audio.src)} /> : null}
    </AbsoluteFill>
  );
};
