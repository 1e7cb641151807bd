import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Navigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { homePath, useSession } from './session';

interface SignInValues {
  email: string;
  password: string;
}

/** The form-level error's key (no input has this name). */
const SIGN_IN_ERROR = 'signIn';

export function LoginPage() {
  const { user, expired, landing, signIn } = useSession();
  const form = useForm<SignInValues>({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
  });

  if (user) return <Navigate to={landing ?? homePath(user)} replace />;

  // A refusal is about the pair, not one field: it shows above the inputs, kept until the next try.
  const error = form.errors[SIGN_IN_ERROR];
  const submit = form.onSubmit(async ({ email, password }) => {
    form.clearErrors();
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      form.setErrors({
        [SIGN_IN_ERROR]:
          e instanceof ApiError && (e.status === 401 || e.status === 400)
            ? 'Wrong email or password.'
            : e instanceof Error
              ? e.message
              : String(e),
      });
    }
  });

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" w={380} radius="md">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <div>
              <Title order={1} size="h2">
                Verdict
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to review AI outputs
              </Text>
            </div>
            {expired && (
              <Alert color="blue" role="status" title="Session expired">
                Sign in again to continue where you left off.
              </Alert>
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              {...form.getInputProps('email')}
            />
            <TextInput
              type="password"
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={form.submitting} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
