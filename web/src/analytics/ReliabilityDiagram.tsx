import { Table, Text } from '@mantine/core';
import { pct, type CalibrationBin } from './types';

const SIZE = 320;
const PAD = 40;
const PLOT = SIZE - PAD - 12;
const x = (v: number) => PAD + v * PLOT;
const y = (v: number) => 12 + (1 - v) * PLOT;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * Confidence (x) against the share people approved (y), one bar per bin; the dashed diagonal
 * is perfect calibration. Bars above it: the model is under-confident; below: over-confident.
 * The same numbers follow as a table, for screen readers and for copying.
 */
export function ReliabilityDiagram({ bins }: { bins: CalibrationBin[] }) {
  return (
    <div>
      <svg
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        width="100%"
        style={{ maxWidth: 420 }}
        role="img"
        aria-label="Reliability diagram: model confidence against human approve rate"
        data-testid="reliability-diagram"
      >
        <rect x={PAD} y={12} width={PLOT} height={PLOT} fill="var(--mantine-color-gray-0)" />
        {TICKS.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(0) + 4} stroke="currentColor" />
            <text x={x(t)} y={y(0) + 16} fontSize="10" textAnchor="middle" fill="currentColor">
              {t}
            </text>
            <line x1={PAD - 4} x2={PAD} y1={y(t)} y2={y(t)} stroke="currentColor" />
            <text x={PAD - 6} y={y(t) + 3} fontSize="10" textAnchor="end" fill="currentColor">
              {t}
            </text>
          </g>
        ))}
        {bins.map((b) =>
          b.count > 0 && b.humanApproveRate !== null ? (
            <rect
              key={b.lo}
              data-testid="reliability-bar"
              x={x(b.lo) + 1}
              width={Math.max(1, x(b.hi) - x(b.lo) - 2)}
              y={y(b.humanApproveRate)}
              height={y(0) - y(b.humanApproveRate)}
              fill="var(--mantine-color-indigo-4)"
            >
              <title>{`${b.lo.toFixed(2)}–${b.hi.toFixed(2)}: ${pct(b.humanApproveRate)} approved of ${b.count}`}</title>
            </rect>
          ) : null,
        )}
        <line
          x1={x(0)}
          y1={y(0)}
          x2={x(1)}
          y2={y(1)}
          stroke="var(--mantine-color-red-6)"
          strokeDasharray="4 3"
        />
        {bins.map((b) =>
          b.meanConfidence !== null && b.humanApproveRate !== null ? (
            <circle
              key={`p${b.lo}`}
              cx={x(b.meanConfidence)}
              cy={y(b.humanApproveRate)}
              r={3}
              fill="var(--mantine-color-indigo-9)"
            />
          ) : null,
        )}
        <text x={PAD + PLOT / 2} y={SIZE - 4} fontSize="11" textAnchor="middle" fill="currentColor">
          model confidence
        </text>
        <text
          transform={`translate(11 ${12 + PLOT / 2}) rotate(-90)`}
          fontSize="11"
          textAnchor="middle"
          fill="currentColor"
        >
          approved by people
        </text>
      </svg>
      <Table fz="xs" mt="xs" striped aria-label="Calibration bins" data-testid="calibration-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Confidence</Table.Th>
            <Table.Th>Reviewed</Table.Th>
            <Table.Th>Mean confidence</Table.Th>
            <Table.Th>Approved by people</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bins.map((b) => (
            <Table.Tr key={b.lo}>
              <Table.Td>
                {b.lo.toFixed(2)}–{b.hi.toFixed(2)}
              </Table.Td>
              <Table.Td>{b.count}</Table.Td>
              <Table.Td>{b.meanConfidence === null ? '—' : b.meanConfidence.toFixed(3)}</Table.Td>
              <Table.Td>{pct(b.humanApproveRate)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {bins.every((b) => b.count === 0) && (
        <Text size="sm" c="dimmed">
          No human decisions yet for this selection.
        </Text>
      )}
    </div>
  );
}
