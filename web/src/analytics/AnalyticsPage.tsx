import { Alert, Stack, Text, Title } from '@mantine/core';

/**
 * Placeholder for the analytics section (issue 5): calibration diagram, drift, reviewer
 * quality and exports. Replace this page; the route (/analytics) and the navigation entry
 * (admin, lead, analyst) are already wired in App.tsx and layout/Shell.tsx.
 */
export function AnalyticsPage() {
  return (
    <Stack>
      <Title order={2}>Analytics</Title>
      <Alert color="blue" role="status">
        <Text size="sm">
          Calibration, drift, reviewer quality and feedback exports will appear here.
        </Text>
      </Alert>
    </Stack>
  );
}
