import { Button, Kbd, Modal, Table } from '@mantine/core';

const KEYS: [string, string][] = [
  ['A', 'Approve'],
  ['R', 'Reject (needs a label, or a reason when the queue has no labels)'],
  ['C', 'Correct: opens the editor'],
  ['E', 'Escalate to a lead'],
  ['S', 'Skip: back to the queue; you see everything else waiting before it returns'],
  ['1–9', 'Toggle labels (when no question is focused)'],
  ['Q', 'Go to the first question'],
  [
    '1–9, 0 (in a question)',
    'Rating: that number; choices: the n-th option; then the next question',
  ],
  ['Y / N (in a yes/no question)', 'Yes / No'],
  ['Backspace (in a question)', 'Clear the answer'],
  ['G', 'Show or hide the guidelines'],
  ['M', 'Show model text raw or with markdown rendered'],
  ['/', 'Type a reason'],
  ['Ctrl+Enter', 'Save the correction, from any field'],
  ['Esc', 'Leave a text field; cancel the correction'],
  ['N', 'Claim the next item (when none is open)'],
  ['?', 'This list'],
];

export function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="lg">
      <Table aria-label="Keyboard shortcuts" data-testid="shortcut-help">
        <Table.Tbody>
          {KEYS.map(([key, what]) => (
            <Table.Tr key={key}>
              <Table.Th scope="row" w="40%">
                <Kbd>{key}</Kbd>
              </Table.Th>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}

export function ShortcutHelpButton({ onClick }: { onClick(): void }) {
  return (
    <Button variant="subtle" size="compact-sm" onClick={onClick} aria-keyshortcuts="?">
      Shortcuts{' '}
      <Kbd ml={6} size="xs" aria-hidden="true">
        ?
      </Kbd>
    </Button>
  );
}
