/** How an output is shown and edited: a proposed tool call, an object of fields, or one value. */

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** An agent action (CONTRACT "Agent actions"): `{"toolCall": {"name", "args"}}`. */
export function toolCallOf(output: unknown): ToolCall | null {
  if (!isPlainObject(output) || !isPlainObject(output.toolCall)) return null;
  const { name, args } = output.toolCall;
  if (typeof name !== 'string') return null;
  return {
    name,
    args: isPlainObject(args) ? args : {},
    id: typeof output.toolCall.id === 'string' ? output.toolCall.id : undefined,
  };
}

/** The fields a form edits: a tool call's arguments, or an object output's own fields. */
export function editableFields(output: unknown): Record<string, unknown> | null {
  const call = toolCallOf(output);
  if (call) return call.args;
  return isPlainObject(output) ? output : null;
}

/** Puts edited fields back where they came from (a tool call keeps its name and id). */
export function withFields(output: unknown, fields: Record<string, unknown>): unknown {
  const call = toolCallOf(output);
  if (call && isPlainObject(output))
    return { ...output, toolCall: { ...(output.toolCall as object), args: fields } };
  return fields;
}

/** A value as a person reads it: text as is, anything else as indented JSON. */
export function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value, null, 2);
}

export interface FieldChange {
  /** The field's name, or null when the whole output is one value. */
  field: string | null;
  before: string;
  after: string;
}

/** What changed, field by field, each side as readable text (so a word diff reads naturally). */
export function changesBetween(original: unknown, current: unknown): FieldChange[] {
  const a = editableFields(original);
  const b = editableFields(current);
  const sameShape = a && b && (toolCallOf(original) === null) === (toolCallOf(current) === null);
  if (sameShape) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const changes: FieldChange[] = [];
    for (const key of keys) {
      const before = readable(a[key]);
      const after = readable(b[key]);
      if (before !== after || key in a !== key in b) changes.push({ field: key, before, after });
    }
    const nameA = toolCallOf(original)?.name;
    const nameB = toolCallOf(current)?.name;
    if (nameA !== nameB)
      changes.unshift({ field: 'tool', before: nameA ?? '', after: nameB ?? '' });
    return changes;
  }
  const before = readable(original);
  const after = readable(current);
  return before === after ? [] : [{ field: null, before, after }];
}
