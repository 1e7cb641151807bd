import { Kbd } from '@mantine/core';

/**
 * The visible shortcut on a control. Hidden from the accessible name (the control carries
 * aria-keyshortcuts instead), so "Approve" is announced as Approve, not "Approve A".
 */
export function KeyHint({ children, size }: { children: string; size?: 'xs' | 'sm' }) {
  return (
    <Kbd ml={6} size={size} aria-hidden="true">
      {children}
    </Kbd>
  );
}
