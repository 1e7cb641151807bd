import { Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { Section } from './scope';
import { pct, type QueueAgreement, type ReviewerRow } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/** For leads: throughput, review time and agreement on items several people reviewed. */
export function ReviewersTable({ queue }: { queue: string | null }) {
  const data = useQuery({
    queryKey: queryKeys.analytics.reviewers(queue),
    queryFn: () =>
      get<{ reviewers: ReviewerRow[]; queues: QueueAgreement[] }>(apiPaths.reviewers(queue)),
  });
  return (
    <Section title="Reviewers" label="Reviewer quality">
      <Text size="sm" c="dimmed">
        Throughput per active hour and day; agreement with the other reviewers of the same item, on
        items with two or more verdicts.
      </Text>
      {data.isPending && <Loader aria-label="Loading reviewers" />}
      <ErrorAlert error={data.error} />
      {data.data && (
        <>
          <Table striped fz="sm" aria-label="Reviewers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Reviewer</Table.Th>
                <Table.Th>Reviews</Table.Th>
                <Table.Th>Last 24 h</Table.Th>
                <Table.Th>Per hour</Table.Th>
                <Table.Th>Per day</Table.Th>
                <Table.Th>Median time</Table.Th>
                <Table.Th>Agreement</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.data.reviewers.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{r.name ?? r.email ?? r.id}</Table.Td>
                  <Table.Td>{r.reviews}</Table.Td>
                  <Table.Td>{r.reviewsLast24h}</Table.Td>
                  <Table.Td>{r.throughputPerHour.toFixed(1)}</Table.Td>
                  <Table.Td>{r.throughputPerDay.toFixed(1)}</Table.Td>
                  <Table.Td>
                    {r.medianReviewSeconds === null ? '—' : `${r.medianReviewSeconds.toFixed(0)} s`}
                  </Table.Td>
                  <Table.Td>
                    {pct(r.agreementRate)} {r.comparisons ? `(${r.comparisons})` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Table fz="sm" aria-label="Agreement per queue">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queue</Table.Th>
                <Table.Th>Reviews</Table.Th>
                <Table.Th>Reviewers</Table.Th>
                <Table.Th>Multi-review items</Table.Th>
                <Table.Th>Pairwise agreement</Table.Th>
                <Table.Th>Unanimous items</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.data.queues.map((q) => (
                <Table.Tr key={q.queue}>
                  <Table.Td>{q.queue}</Table.Td>
                  <Table.Td>{q.reviews}</Table.Td>
                  <Table.Td>{q.reviewers}</Table.Td>
                  <Table.Td>{q.multiReviewItems}</Table.Td>
                  <Table.Td>{pct(q.agreementRate)}</Table.Td>
                  <Table.Td>{pct(q.unanimousRate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {data.data.queues.some((q) => q.questions.length > 0) && (
            <div
              className="table-scroll"
              role="region"
              aria-label="Agreement per question"
              tabIndex={0}
            >
              <Table fz="sm" aria-label="Agreement per question">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Queue</Table.Th>
                    <Table.Th>Question</Table.Th>
                    <Table.Th>Items answered by several people</Table.Th>
                    <Table.Th>Same answer</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.data.queues.flatMap((q) =>
                    q.questions.map((question) => (
                      <Table.Tr key={`${q.queue}/${question.key}`}>
                        <Table.Td>{q.queue}</Table.Td>
                        <Table.Td>{question.label}</Table.Td>
                        <Table.Td>{question.multiReviewItems}</Table.Td>
                        <Table.Td>
                          {pct(question.agreementRate)}{' '}
                          {question.pairs ? `(${question.pairs} pairs)` : ''}
                        </Table.Td>
                      </Table.Tr>
                    )),
                  )}
                </Table.Tbody>
              </Table>
            </div>
          )}
        </>
      )}
    </Section>
  );
}
