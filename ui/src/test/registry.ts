//! The real node kind registry, as the Rust model's snapshot test captured `node_kinds()`
//! (src-tauri/crates/model/tests/snapshots/bindings__node_kinds.snap, kept up to date by
//! `cargo insta`): the UI's tests draw every kind the Rust side has, so a kind the UI cannot draw
//! fails here, not in front of a user.
import snapshot from "../../../src-tauri/crates/model/tests/snapshots/bindings__node_kinds.snap?raw";
import type { NodeKindSpec } from "../ipc/bindings/NodeKindSpec";

/** The snapshot's JSON: everything after insta's `---` header. */
function parse(text: string): NodeKindSpec[] {
  const body = text.replace(/^---[\s\S]*?\n---\n/, "");
  return JSON.parse(body) as NodeKindSpec[];
}

export const REGISTRY: readonly NodeKindSpec[] = parse(snapshot);

export function registryKind(kind: string): NodeKindSpec {
  const spec = REGISTRY.find((entry) => entry.kind === kind);
  if (!spec) throw new Error(`the registry has no kind ${kind}`);
  return spec;
}
