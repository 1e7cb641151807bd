import { Badge, Box, Paper, Stack, Text } from '@mantine/core';
import { ValueBlock } from '../common/ValueBlock';
import { isPlainObject } from './output-shape';
import { Prose } from './Prose';
import { ToolArgs } from './ToolCallView';

interface Message {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
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

/** Only pictures the browser can show without running anything: data: images and https URLs. */
function safeImageSource(src: unknown): string | null {
  if (typeof src !== 'string') return null;
  if (/^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(src)) return src;
  if (/^https:\/\//i.test(src)) return src;
  return null;
}

/** An image part in any of the common shapes (OpenAI, Anthropic, Vercel AI SDK). */
function imageOf(part: Record<string, unknown>): string | null {
  const url = part.image_url;
  if (part.type === 'image_url' || part.type === 'input_image') {
    return safeImageSource(isPlainObject(url) ? url.url : url);
  }
  if (part.type === 'image') {
    const source = part.source;
    if (isPlainObject(source) && source.type === 'base64')
      return safeImageSource(`data:${String(source.media_type)};base64,${String(source.data)}`);
    if (isPlainObject(source) && source.type === 'url') return safeImageSource(source.url);
    if (typeof part.image === 'string')
      return part.image.startsWith('data:') || part.image.startsWith('https:')
        ? safeImageSource(part.image)
        : safeImageSource(`data:${String(part.mimeType ?? 'image/png')};base64,${part.image}`);
  }
  return null;
}

interface ShownToolCall {
  name: string;
  args: Record<string, unknown> | unknown;
}

/** Assistant tool calls: OpenAI `{function: {name, arguments: "<json>"}}` or `{name, args}`. */
function toolCallsOf(m: Message): ShownToolCall[] {
  const raw = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  return raw.filter(isPlainObject).map((c) => {
    const fn = isPlainObject(c.function) ? c.function : c;
    let args: unknown = fn.arguments ?? fn.args ?? fn.input ?? {};
    if (typeof args === 'string') {
      try {
        args = JSON.parse(args) as unknown;
      } catch {
        // shown as the text the model produced
      }
    }
    return { name: typeof fn.name === 'string' ? fn.name : '(unnamed tool)', args };
  });
}

function Content({ content, label }: { content: unknown; label: string }) {
  if (typeof content === 'string') return <Prose text={content} label={label} />;
  if (Array.isArray(content) && content.every(isPlainObject)) {
    return (
      <Stack gap={4}>
        {content.map((part, i) => {
          if (typeof part.text === 'string')
            return <Prose key={i} text={part.text} label={`${label} part ${i + 1}`} />;
          const src = imageOf(part);
          if (src)
            return (
              <img
                key={i}
                src={src}
                alt={`Image ${i + 1} in ${label}`}
                className="chat-image"
                loading="lazy"
              />
            );
          return <ValueBlock key={i} value={part} label={`${label} part ${i + 1}`} />;
        })}
      </Stack>
    );
  }
  if (content === null || content === undefined) return null;
  return <ValueBlock value={content} label={label} />;
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
        const calls = toolCallsOf(m);
        const label = `${role} message ${i + 1}`;
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
              {role === 'tool' && typeof m.name === 'string' ? `: ${m.name}` : ''}
            </Badge>
            <Content content={m.content} label={label} />
            {calls.map((c, j) => (
              <Paper key={j} withBorder p={6} mt={4} radius="sm" data-testid="message-tool-call">
                <Text size="xs" fw={600} mb={2}>
                  Called tool <span className="mono">{c.name}</span>
                </Text>
                {isPlainObject(c.args) ? (
                  <ToolArgs args={c.args} label={`Arguments of ${c.name}`} />
                ) : (
                  <ValueBlock value={c.args} label={`Arguments of ${c.name}`} />
                )}
              </Paper>
            ))}
            {(m.content === null || m.content === undefined || m.content === '') &&
              calls.length === 0 && (
                <Text size="sm" c="dimmed">
                  (empty)
                </Text>
              )}
          </Box>
        );
      })}
      {extra && Object.keys(extra).length > 0 && (
        <ValueBlock value={extra} label="Other input fields" />
      )}
    </Stack>
  );
}
