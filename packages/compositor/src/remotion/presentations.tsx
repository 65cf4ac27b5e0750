import type { Transition } from '@beatframe/core/schemas';
import type { TransitionPresentation, TransitionPresentationComponentProps } from '@remotion/transitions';
import { fade } from '@remotion/transitions/fade';
import { slide } from '@remotion/transitions/slide';
import { wipe } from '@remotion/transitions/wipe';
import type React from 'react';
import { AbsoluteFill } from 'remotion';

type NoProps = Record<string, never>;

/** A cut through white: the old shot holds until the middle, the new one appears under a white burst. */
const Flash: React.FC<TransitionPresentationComponentProps<NoProps>> = ({
  children,
  presentationDirection,
  presentationProgress: p,
}) => {
  if (presentationDirection !== 'entering') return <AbsoluteFill>{children}</AbsoluteFill>;
  // The white burst sits on the entering side, which is on top, and shows before the new shot does.
  return (
    <AbsoluteFill>
      <AbsoluteFill style={{ opacity: p >= 0.5 ? 1 : 0 }}>{children}</AbsoluteFill>
      <AbsoluteFill style={{ backgroundColor: 'white', opacity: Math.max(0, 1 - Math.abs(2 * p - 1)) }} />
    </AbsoluteFill>
  );
};

/** The new shot grows into place over the old one while the old one pushes in. */
const Zoom: React.FC<TransitionPresentationComponentProps<NoProps>> = ({
  children,
  presentationDirection,
  presentationProgress: p,
}) => {
  const entering = presentationDirection === 'entering';
  const scale = entering ? 1.25 - 0.25 * p : 1 + 0.25 * p;
  return (
    <AbsoluteFill style={{ transform: `scale(${scale})`, opacity: entering ? p : 1 }}>
      {children}
    </AbsoluteFill>
  );
};

const flash = (): TransitionPresentation<NoProps> => ({ component: Flash, props: {} });
const zoom = (): TransitionPresentation<NoProps> => ({ component: Zoom, props: {} });

const slideDir = { left: 'from-right', right: 'from-left', up: 'from-bottom', down: 'from-top' } as const;

// biome-ignore lint/suspicious/noExplicitAny: presentations have different prop types; TransitionSeries accepts any.
export function presentationFor(t: Transition, width: number, height: number): TransitionPresentation<any> {
  const dir = slideDir[t.direction ?? 'left'];
  switch (t.kind) {
    case 'slide':
      return slide({ direction: dir });
    case 'wipe':
      return wipe({ direction: dir });
    case 'flash':
      return flash();
    case 'zoom':
      return zoom();
    default:
      void width;
      void height;
      return fade();
  }
}
