import { Badge, Box, Stack } from '@mantine/core';
import { ValueBlock } from '../common/ValueBlock';

interface Message {
  role?: unknown;
  content?: unknown;
  [key: string]: unknown;
}

/** True when the input looks like a chat: an object with a messages array. */
export function chatMessages(input: unknown): Message[] | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  const messages = (input as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return null;
  if (!messages.every((m) => m && typeof m === 'object' && !Array.isArray(m))) return null;
  return messages as Message[];
}

/** Text parts of OpenAI-style content arrays are joined; anything else is shown as JSON. */
function messageContent(content: unknown): unknown {
  if (
    Array.isArray(content) &&
    content.every((p) => p && typeof p === 'object' && typeof p.text === 'string')
  ) {
    return content.map((p: { text: string }) => p.text).join('\n');
  }
  return content;
}

export function Conversation({
  messages,
  extra,
}: {
  messages: Message[];
  extra?: Record<string, unknown>;
}) {
  return (
    <Stack gap="xs" role="list" aria-label="Conversation">
      {messages.map((m, i) => {
        const role = typeof m.role === 'string' ? m.role : 'message';
        return (
          <Box
            key={i}
            role="listitem"
            className={`chat-message chat-${role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : 'other'}`}
          >
            <Badge
              size="xs"
              variant="light"
              color={role === 'user' ? 'blue' : role === 'assistant' ? 'grape' : 'gray'}
              mb={4}
            >
              {role}
            </Badge>
            <ValueBlock value={messageContent(m.content)} label={`${role} message ${i + 1}`} />
          </Box>
        );
      })}
      {extra && Object.keys(extra).length > 0 && (
        <ValueBlock value={extra} label="Other input fields" />
      )}
    </Stack>
  );
}
