import { Button, Group, Paper, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { KeyHint } from '../common/KeyHint';
import { Markdown } from '../common/Markdown';

const KEY = 'verdict.guidelines.hidden';

/** Shown unless the reviewer hid them; the choice is remembered in this browser. */
export function useGuidelinesVisible(): [boolean, () => void] {
  const [hidden, setHidden] = useState(() => localStorage.getItem(KEY) === '1');
  const toggle = useCallback(() => {
    setHidden((h) => {
      localStorage.setItem(KEY, h ? '0' : '1');
      return !h;
    });
  }, []);
  return [!hidden, toggle];
}

/** The queue's guidelines beside the item, rendered markdown (sanitised); G shows or hides them. */
export function Guidelines({
  text,
  visible,
  onToggle,
}: {
  text: string;
  visible: boolean;
  onToggle(): void;
}) {
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="guidelines-title">
      <Group justify="space-between" gap="xs">
        <Title order={3} size="h5" id="guidelines-title">
          Guidelines
        </Title>
        <Button
          variant="subtle"
          size="compact-xs"
          onClick={onToggle}
          aria-expanded={visible}
          aria-controls="guidelines-body"
          aria-keyshortcuts="g"
        >
          {visible ? 'Hide' : 'Show'} <KeyHint size="xs">G</KeyHint>
        </Button>
      </Group>
      {visible && (
        <div id="guidelines-body" className="guidelines-body">
          <Markdown text={text} testId="guidelines" />
        </div>
      )}
    </Paper>
  );
}
