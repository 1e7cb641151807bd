import { Group, NumberInput, Select } from '@mantine/core';
import { UNITS, type Duration, type Unit } from './duration';

interface Props {
  label: string;
  description?: string;
  value: Duration;
  onChange(value: Duration): void;
  error?: React.ReactNode;
  optional?: boolean;
}

/** A number and its unit (minutes, hours, days…); stored as seconds by the form. */
export function DurationInput({ label, description, value, onChange, error, optional }: Props) {
  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <NumberInput
        label={label}
        description={description}
        placeholder={optional ? 'no limit' : undefined}
        value={value.amount}
        onChange={(amount) => onChange({ ...value, amount })}
        min={0}
        decimalScale={3}
        clampBehavior="none"
        error={error}
        style={{ flex: 1, minWidth: 0 }}
      />
      <Select
        label={`${label} unit`}
        aria-label={`${label} unit`}
        styles={{ label: { visibility: 'hidden' } }}
        description={description ? '\u00a0' : undefined}
        data={UNITS.map((u) => ({ value: u.value, label: u.label }))}
        value={value.unit}
        onChange={(unit) => unit && onChange({ ...value, unit: unit as Unit })}
        allowDeselect={false}
        w={110}
      />
    </Group>
  );
}
