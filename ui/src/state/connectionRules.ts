//! Which connections the canvas accepts, and why it refuses the others, in words for a person.
//!
//! React Flow asks `isValidConnection` while a connection is dragged; the canvas answers with
//! `connectionProblem(...) === null` and, when the user lets go over a refused target, shows the
//! reason. Fan-out is allowed: one output (even one condition port) may lead to several steps,
//! which run in order. Joins (several edges into one step) are allowed too; the Rust model decides
//! what they mean. The Rust validator stays the authority; these rules only stop obvious mistakes.
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";
import { kindOfNode, specOfNode, titleOfNode, TRIGGER_ID, type FlowDocument } from "./flowDocument";
import { portLabel } from "./kindSpecs";
import { useKindsStore } from "./kindsStore";

/** What React Flow hands over for a proposed connection (its `Connection`, loosened). */
export interface ProposedConnection {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
}

/** True when `to` can already reach `from` through the document's edges. */
export function reaches(doc: FlowDocument, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of doc.edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    for (const to of next.get(id) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return false;
}

const titleOf = titleOfNode;

/**
 * Why this connection must not be made, or null when it may. The port is the source handle
 * (`"true"`/`"false"` on a condition, none elsewhere).
 */
export function connectionProblem(doc: FlowDocument, connection: ProposedConnection, kinds: readonly NodeKindSpec[] = useKindsStore.getState().kinds): string | null {
  const { source, target } = connection;
  if (!source || !target) return "Drop the connection on another node's input.";
  const sourceKind = kindOfNode(doc, source);
  const targetKind = kindOfNode(doc, target);
  if (!sourceKind || !targetKind) return "That node is no longer on the canvas.";
  if (source === target) return "A node cannot connect to itself.";
  if (target === TRIGGER_ID) return "Nothing can lead into the trigger: it is where every run starts.";
  const handle = connection.sourceHandle ?? null;
  // A kind with ports (a condition's Yes and No) connects from one of them, and only then.
  const spec = specOfNode(doc, source, kinds);
  let port: string | undefined;
  if (spec && spec.ports.length > 0) {
    if (handle === null || !spec.ports.includes(handle)) {
      return `Connect from ${titleOf(doc, source)}'s ${spec.ports.map((p) => portLabel(spec, p)).join(" or ")} output.`;
    }
    port = handle;
  }
  const duplicate = doc.edges.some((edge) => edge.from === source && edge.to === target && (edge.port ?? null) === (port ?? null));
  if (duplicate) {
    const from = port ? `${titleOf(doc, source)} (${portLabel(spec, port)})` : titleOf(doc, source);
    return `${from} is already connected to ${titleOf(doc, target)}.`;
  }
  if (reaches(doc, target, source)) {
    return `That would make a loop: ${titleOf(doc, target)} already leads to ${titleOf(doc, source)}.`;
  }
  return null;
}
