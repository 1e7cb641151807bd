import { Checkbox, ScrollArea, SimpleGrid } from '@mantine/core';
import { useQueues } from '../api/queries';

interface Props {
  label: string;
  description?: string;
  value: string[];
  onChange(value: string[]): void;
  error?: React.ReactNode;
  /** Offer "*" (every queue, including future ones), as API keys allow. */
  withAll?: boolean;
}

/** Queues as a list of checkboxes: every choice visible at once, one click each. */
export function QueueChecklist({ label, description, value, onChange, error, withAll }: Props) {
  const queues = useQueues();
  // Keep slugs that are assigned but no longer listed, so saving does not drop them silently.
  const known = (queues.data ?? []).map((q) => ({ value: q.slug, label: `${q.name} (${q.slug})` }));
  const extra = value
    .filter((v) => v !== '*' && !known.some((k) => k.value === v))
    .map((v) => ({ value: v, label: v }));
  const all = value.includes('*');
  return (
    <Checkbox.Group
      label={label}
      description={description}
      value={value}
      onChange={onChange}
      error={error}
    >
      <ScrollArea.Autosize mah={180} mt={6} type="auto">
        {withAll && <Checkbox value="*" label="All queues (including future ones)" mb={6} />}
        <SimpleGrid cols={2} spacing={6} verticalSpacing={6}>
          {[...known, ...extra].map((q) => (
            <Checkbox key={q.value} value={q.value} label={q.label} disabled={all} />
          ))}
        </SimpleGrid>
      </ScrollArea.Autosize>
    </Checkbox.Group>
  );
}
