import { Text } from '@mantine/core';
import { createContext, useContext } from 'react';
import { looksLikeMarkdown, Markdown } from '../common/Markdown';

/** Raw mode shows model text exactly as written instead of rendered markdown (key M). */
export const RawTextContext = createContext(false);

/** Model text: rendered markdown (sanitised) when it uses markdown, else as written. */
export function Prose({ text, label }: { text: string; label: string }) {
  const raw = useContext(RawTextContext);
  if (raw || !looksLikeMarkdown(text))
    return (
      <Text component="div" className="value-text" aria-label={label} data-testid={label}>
        {text}
      </Text>
    );
  return <Markdown text={text} label={label} testId={label} />;
}
