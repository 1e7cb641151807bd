import { Badge, Group, List, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { Policy, Question } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

export interface PolicyVersionView {
  version: number;
  current: boolean;
  policy: Policy;
  outputSchema: unknown;
  guidelines?: string | null;
  questions?: Question[];
  createdBy: string | null;
  createdAt: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What changed from one version to the next, in words. */
export function changesBetween(prev: PolicyVersionView, next: PolicyVersionView): string[] {
  const out: string[] = [];
  const threshold = (name: keyof Policy, label: string) => {
    if (!same(prev.policy[name], next.policy[name]))
      out.push(`${label}: ${String(prev.policy[name])} → ${String(next.policy[name])}`);
  };
  threshold('autoApproveAt', 'Auto-approve at');
  threshold('blockBelow', 'Block below');
  threshold('auditSampleRate', 'Audit sample rate');
  const before = new Map((prev.policy.rules ?? []).map((r) => [r.name, r]));
  const after = new Map((next.policy.rules ?? []).map((r) => [r.name, r]));
  for (const [name, rule] of after) {
    const old = before.get(name);
    if (!old) out.push(`Rule “${name}” added (${rule.route})`);
    else if (!same(old, rule))
      out.push(
        old.route !== rule.route
          ? `Rule “${name}” now routes ${rule.route} (was ${old.route})`
          : `Rule “${name}” condition changed`,
      );
  }
  for (const name of before.keys()) if (!after.has(name)) out.push(`Rule “${name}” removed`);
  if (!same(prev.outputSchema, next.outputSchema))
    out.push(
      next.outputSchema === null
        ? 'Output schema removed'
        : prev.outputSchema === null
          ? 'Output schema added'
          : 'Output schema changed',
    );
  if ((prev.guidelines ?? '') !== (next.guidelines ?? ''))
    out.push(
      !next.guidelines
        ? 'Guidelines removed'
        : !prev.guidelines
          ? 'Guidelines added'
          : 'Guidelines edited',
    );
  const qBefore = new Map((prev.questions ?? []).map((q) => [q.key, q]));
  const qAfter = new Map((next.questions ?? []).map((q) => [q.key, q]));
  for (const [key, q] of qAfter) {
    if (!qBefore.has(key)) out.push(`Question “${q.label}” added`);
    else if (!same(qBefore.get(key), q)) out.push(`Question “${q.label}” changed`);
  }
  for (const [key, q] of qBefore) if (!qAfter.has(key)) out.push(`Question “${q.label}” removed`);
  return out.length ? out : ['No change to routing or reviewer guidance'];
}

/** Every policy version of the queue, newest first, with what it changed. */
export function PolicyHistory({ slug }: { slug: string }) {
  const history = useQuery({
    queryKey: queryKeys.queues.policyHistory(slug),
    queryFn: () => get<PolicyVersionView[]>(apiPaths.queuePolicyHistory(slug)),
  });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="history-title">
      <Title order={3} size="h4" id="history-title" mb="sm">
        Policy history
      </Title>
      {history.isPending && <Loader size="sm" aria-label="Loading the policy history" />}
      {history.error && <ErrorAlert error={history.error} />}
      {history.data && (
        <Stack gap="sm" data-testid="policy-history">
          {[...history.data].reverse().map((v) => {
            const prev = history.data.find((p) => p.version === v.version - 1);
            return (
              <div key={v.version} data-testid={`policy-version-${v.version}`}>
                <Group gap="xs">
                  <Text fw={600}>Version {v.version}</Text>
                  {v.current && (
                    <Badge size="sm" variant="light" color="teal">
                      in force
                    </Badge>
                  )}
                  <Text size="sm" c="dimmed">
                    {formatDateTime(v.createdAt)}
                  </Text>
                </Group>
                <List size="sm" spacing={0}>
                  {(prev
                    ? changesBetween(prev, v)
                    : [
                        `Created: auto-approve at ${v.policy.autoApproveAt}, block below ${v.policy.blockBelow}, ${v.policy.rules?.length ?? 0} rule(s)`,
                      ]
                  ).map((c) => (
                    <List.Item key={c}>{c}</List.Item>
                  ))}
                </List>
              </div>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}
