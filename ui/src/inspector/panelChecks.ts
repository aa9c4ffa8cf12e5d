//! Checks the side panel makes itself, before (and besides) the Rust validation: things that are
//! valid syntax but almost surely not what the analyst meant.
import type { FieldSchema } from "../ipc/bindings/FieldSchema";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";

/** A field's value as the text its control shows. */
export function asText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ");
  return JSON.stringify(value);
}

/** A template field written over several lines (an email body), not a one-value field. */
export function isMultiline(field: FieldSchema): boolean {
  return field.type === "template" && /body|message|text/i.test(field.name);
}

/** The references of a value that holds nothing but two or more references side by side. */
export function gluedReferences(value: string): string[] {
  if (!/^\s*(\{\{[^{}]*\}\}\s*){2,}$/.test(value)) return [];
  return [...value.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((match) => match[1] as string);
}

/**
 * Problems the panel sees before the Rust check does: a one-value field holding two references
 * glued together (`{{ trigger.machineId }}{{ steps.get_alert.machineId }}`).
 */
export function panelProblems(spec: NodeKindSpec, inputs: Record<string, JsonValue>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const field of spec.inputs) {
    if (field.type !== "template" || isMultiline(field)) continue;
    const glued = gluedReferences(asText(inputs[field.name]));
    if (glued.length > 0) {
      problems.push({ field: field.name, message: `${field.label} holds ${glued.length} values glued together (${glued.join(", ")}) where one is expected: keep one.` });
    }
  }
  return problems;
}

