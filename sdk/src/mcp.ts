#!/usr/bin/env node
/**
 * verdict-mcp: a stdio MCP server that lets an agent (or its host) put an output or a tool call
 * in front of people through Verdict. Configured by VERDICT_URL and VERDICT_API_KEY.
 *
 *   { "mcpServers": { "verdict": { "command": "npx", "args": ["verdict-mcp"],
 *       "env": { "VERDICT_URL": "https://verdict.example.com", "VERDICT_API_KEY": "vk_…" } } } }
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { VerdictClient } from './client';
import { VerdictError } from './errors';
import { gateToolCall, toolCallDecision } from './gate';

const json = z.unknown();

function answer(value: unknown) {
  return {
    content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }],
    structuredContent: value as Record<string, unknown>,
  };
}

function failure(err: unknown) {
  const detail =
    err instanceof VerdictError
      ? { status: err.status, message: err.message, fields: err.fields, requestId: err.requestId }
      : { message: (err as Error)?.message ?? String(err) };
  return { isError: true, content: [{ type: 'text' as const, text: JSON.stringify(detail) }] };
}

export function createVerdictMcpServer(client: VerdictClient, version = '0.1.0'): McpServer {
  const server = new McpServer({ name: 'verdict', version });

  server.registerTool(
    'submit',
    {
      description:
        'Submit an AI output or a proposed tool call to a Verdict review queue. Verdict routes it at ' +
        'once (approved, flagged, or blocked until a person decides). For a tool call, the answer ' +
        'says whether to run it (approved / edited, with the args to use), not to run it (rejected, ' +
        'with the reason) or to wait (pending, with the item id for wait_for_decision).',
      inputSchema: {
        queue: z.string().describe('the queue slug'),
        confidence: z.number().min(0).max(1).describe("the model's confidence, 0..1"),
        output: json.optional().describe('the output to review (any JSON); or give toolCall'),
        toolCall: z
          .object({
            name: z.string(),
            args: z.record(z.string(), json),
            id: z.string().optional(),
          })
          .optional()
          .describe('a proposed tool call to approve'),
        model: z.object({ name: z.string(), version: z.string().optional() }).optional(),
        input: json.optional().describe('what led to the output, e.g. the conversation'),
        metadata: z.record(z.string(), json).optional(),
        externalId: z.string().max(200).optional().describe('idempotency key'),
        waitSeconds: z
          .number()
          .int()
          .min(0)
          .max(3600)
          .optional()
          .describe('how long to wait for a person when held (default 0)'),
      },
    },
    async (args) => {
      try {
        const waitSeconds = args.waitSeconds ?? 0;
        if (args.toolCall) {
          const result = await gateToolCall(
            client,
            args.queue,
            {
              ...args.toolCall,
              confidence: args.confidence,
              model: args.model,
              input: args.input,
              metadata: args.metadata,
              externalId: args.externalId,
            },
            { timeoutSeconds: waitSeconds },
          );
          return answer({
            decision: result.decision,
            args: result.args,
            reason: result.reason,
            itemId: result.item.id,
            item: result.item,
          });
        }
        if (args.output === undefined) throw new Error('give output or toolCall');
        let item = await client.submit(args.queue, {
          model: args.model ?? { name: 'agent' },
          output: args.output,
          confidence: args.confidence,
          ...(args.input !== undefined ? { input: args.input } : {}),
          ...(args.metadata ? { metadata: args.metadata } : {}),
          ...(args.externalId ? { externalId: args.externalId } : {}),
        });
        if (waitSeconds > 0 && !item.usable) {
          item = await client.waitForDecision(item.id, { timeoutSeconds: waitSeconds });
        }
        return answer({ itemId: item.id, status: item.status, usable: item.usable, item });
      } catch (err) {
        return failure(err);
      }
    },
  );

  server.registerTool(
    'wait_for_decision',
    {
      description:
        'Wait (up to timeoutSeconds) until a Verdict item is decided; returns the final item or ' +
        'its latest state. For a tool call, also the decision and the args to use.',
      inputSchema: {
        id: z.string().describe('the item id'),
        timeoutSeconds: z.number().int().min(0).max(3600).optional().describe('default 60'),
      },
    },
    async ({ id, timeoutSeconds }) => {
      try {
        const item = await client.waitForDecision(id, { timeoutSeconds: timeoutSeconds ?? 60 });
        const isToolCall = !!(item.output as { toolCall?: unknown } | null)?.toolCall;
        const decision = isToolCall ? toolCallDecision(item) : undefined;
        return answer({
          itemId: item.id,
          status: item.status,
          usable: item.usable,
          ...(decision
            ? { decision: decision.decision, args: decision.args, reason: decision.reason }
            : {}),
          item,
        });
      } catch (err) {
        return failure(err);
      }
    },
  );

  server.registerTool(
    'report',
    {
      description: 'Report that an output turned out wrong; the item goes back to human review.',
      inputSchema: {
        id: z.string(),
        reason: z.string().min(1),
        labels: z.array(z.string()).optional(),
      },
    },
    async ({ id, reason, labels }) => {
      try {
        return answer({ reported: await client.report(id, { reason, labels }) });
      } catch (err) {
        return failure(err);
      }
    },
  );
  return server;
}

/** Starts the stdio server from the environment (the `verdict-mcp` bin). */
export async function main() {
  const baseUrl = process.env.VERDICT_URL;
  const apiKey = process.env.VERDICT_API_KEY;
  if (!baseUrl || !apiKey) {
    process.stderr.write('verdict-mcp: set VERDICT_URL and VERDICT_API_KEY\n');
    process.exit(1);
  }
  const server = createVerdictMcpServer(new VerdictClient({ baseUrl, apiKey }));
  await server.connect(new StdioServerTransport());
}

/** The `verdict-mcp` bin: serves until stdin closes; a failure to start exits 1 with one line. */
export function run(): void {
  main().catch((err: unknown) => {
    process.stderr.write(`verdict-mcp: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
