import { useEffect, useRef } from 'react';

const TYPING_INPUTS = new Set([
  'text',
  'search',
  'email',
  'password',
  'number',
  'url',
  'tel',
  'date',
  'time',
]);

/** True when a key press belongs to a text field, not to the workspace. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TYPING_INPUTS.has(target.type);
  return false;
}

/**
 * Single-key shortcuts (a, r, c, …) for the page, active while `enabled`. Keys typed into
 * text fields, keys with modifiers, auto-repeats and keys pressed while a dialog is open
 * are left alone.
 */
export function useShortcuts(bindings: Record<string, () => void>, enabled: boolean): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
      const action = ref.current[e.key.toLowerCase()] ?? ref.current[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
