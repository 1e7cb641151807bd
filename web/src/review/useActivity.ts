import { useEffect, useRef } from 'react';

/**
 * When the reviewer last did something (key, click, scroll, typing, real mouse movement).
 * Chrome sends synthetic mousemoves when the page changes under a still cursor; those are
 * ignored by comparing coordinates, so an idle reviewer stays idle.
 */
export function useLastActivity(): React.RefObject<number> {
  const last = useRef(0);
  useEffect(() => {
    let x = -1;
    let y = -1;
    const mark = () => {
      if (document.visibilityState === 'visible') last.current = Date.now();
    };
    const onPointer = (e: PointerEvent | MouseEvent) => {
      const moved = e.screenX !== x || e.screenY !== y;
      const wasUnknown = x === -1;
      x = e.screenX;
      y = e.screenY;
      if (e.type !== 'mousemove' || (moved && !wasUnknown)) mark();
    };
    const options = { capture: true, passive: true };
    window.addEventListener('keydown', mark, options);
    window.addEventListener('input', mark, options);
    window.addEventListener('wheel', mark, options);
    window.addEventListener('touchstart', mark, options);
    window.addEventListener('pointerdown', onPointer, options);
    window.addEventListener('mousemove', onPointer, options);
    return () => {
      window.removeEventListener('keydown', mark, options);
      window.removeEventListener('input', mark, options);
      window.removeEventListener('wheel', mark, options);
      window.removeEventListener('touchstart', mark, options);
      window.removeEventListener('pointerdown', onPointer, options);
      window.removeEventListener('mousemove', onPointer, options);
    };
  }, []);
  return last;
}
