import { useFlowSession } from "../state/flowSession";
import { edgeId, isPort, type FlowEdge } from "../state/flowDocument";
import { useEditorStore } from "../state/editorStore";
import { useRunStore, type NodeRun } from "./runStore";

const RAN = new Set(["running", "succeeded", "failed", "cancelled"]);

/**
 * The edges a run went along: from a node that succeeded to one that ran, and for a condition only
 * its branch that was taken (its recorded output's `result`).
 */
export function takenEdges(edges: readonly FlowEdge[], nodes: Readonly<Record<string, NodeRun>>, branches: ReadonlyMap<string, boolean>): string[] {
  return edges
    .filter((edge) => {
      const from = nodes[edge.from]?.status;
      if (from !== "succeeded" || !RAN.has(nodes[edge.to]?.status ?? "")) return false;
      if (!isPort(edge.port)) return true;
      const branch = branches.get(edge.from);
      return branch !== undefined && String(branch) === edge.port;
    })
    .map(edgeId);
}

/**
 * Highlights the taken edges on the canvas with a style sheet (the canvas's edges carry their id
 * in `data-id`), on the editor's canvas or on the read-only view of an older version.
 */
export function TakenEdgesStyle() {
  const openFlowId = useFlowSession((state) => state.flow?.id ?? null);
  const editorEdges = useEditorStore((state) => state.doc.edges);
  const runId = useRunStore((state) => state.runId);
  const flowId = useRunStore((state) => state.flowId);
  const nodes = useRunStore((state) => state.nodes);
  const detail = useRunStore((state) => state.detail);
  const otherVersion = useRunStore((state) => state.otherVersion);
  const viewingFlow = useRunStore((state) => state.viewingFlow);
  if (!runId) return null;
  const scope = viewingFlow ? ".run-flow-view" : !otherVersion && flowId === openFlowId ? ".canvas > .react-flow" : null;
  if (!scope) return null;
  const branches = new Map<string, boolean>();
  for (const step of detail?.steps ?? []) {
    const result = (step.output as { result?: unknown } | null)?.result;
    if (typeof result === "boolean") branches.set(step.stepId, result);
  }
  const ids = takenEdges(viewingFlow ? viewingFlow.edges : editorEdges, nodes, branches);
  if (ids.length === 0) return null;
  const selector = ids.map((id) => `${scope} .react-flow__edge[data-id=${JSON.stringify(id)}] .react-flow__edge-path`).join(",\n");
  return <style data-testid="taken-edges">{`${selector} { stroke: var(--mail); stroke-width: 3; }`}</style>;
}
