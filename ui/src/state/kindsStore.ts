//! The node kind specs from the Rust model (`node_kinds`), fetched once and shared: the inspector
//! builds its forms from them and new nodes start with their defaults.
import { create } from "zustand";
import { ipc, type NodeKindSpec } from "../ipc/client";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";

interface KindsState {
  kinds: readonly NodeKindSpec[];
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
  /** Fetches the specs unless they are loaded or loading. */
  load(): Promise<void>;
  setKinds(kinds: readonly NodeKindSpec[]): void;
}

export const useKindsStore = create<KindsState>()((set, get) => ({
  kinds: [],
  status: "idle",
  error: null,
  async load() {
    if (get().status === "loading" || get().status === "ready") return;
    set({ status: "loading" });
    try {
      set({ kinds: await ipc.nodeKinds(), status: "ready", error: null });
    } catch (error) {
      set({ status: "error", error: String(error) });
    }
  },
  setKinds(kinds) {
    set({ kinds, status: "ready", error: null });
  },
}));

export function findKindSpec(kind: string): NodeKindSpec | undefined {
  return useKindsStore.getState().kinds.find((spec) => spec.kind === kind);
}

/** The spec of a kind, re-rendering when the specs arrive; undefined for a kind not (yet) known. */
export function useKindSpec(kind: string): NodeKindSpec | undefined {
  return useKindsStore((state) => state.kinds.find((spec) => spec.kind === kind));
}

/** The inputs a new node of this kind starts with: every field's default that is not null. */
export function defaultInputs(kind: string): Record<string, JsonValue> {
  const spec = findKindSpec(kind);
  if (!spec) return {};
  const inputs: Record<string, JsonValue> = {};
  for (const field of spec.inputs) {
    if (field.default !== null && field.default !== undefined) inputs[field.name] = structuredClone(field.default);
  }
  return inputs;
}
