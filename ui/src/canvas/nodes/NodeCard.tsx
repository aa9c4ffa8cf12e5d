import type { ReactNode } from "react";
import { findNodeKind, type NodeKindId } from "../nodeKinds";
import { NodeIcon } from "../NodeIcon";
import { NodeTitle } from "./NodeTitle";

interface NodeCardProps {
  nodeId: string;
  kind: string;
  title: string;
  /** The grey line under the title. */
  summary: string;
  selected: boolean;
  /** The node's handles. */
  children: ReactNode;
}

/** The body every node type shares: kind colour and icon, renamable title, summary, shield mark. */
export function NodeCard({ nodeId, kind, title, summary, selected, children }: NodeCardProps) {
  const info = findNodeKind(kind);
  return (
    <div className={`flow-node category-${info?.category ?? "unknown"}${selected ? " selected" : ""}`} data-testid={`node-${kind}`} data-node-id={nodeId}>
      {children}
      <div className="flow-node-header">
        {info && <NodeIcon kind={info.kind as NodeKindId} />}
        <NodeTitle nodeId={nodeId} title={title} />
        {info?.changesTenant && (
          <span className="shield" title="Changes the tenant" aria-label="Changes the tenant" role="img">
            ⚠
          </span>
        )}
      </div>
      <div className="flow-node-kind">{summary}</div>
    </div>
  );
}

/** The summary line: the kind's description while the title is the default, else the kind's name. */
export function kindSummary(kind: string, title: string): string {
  const info = findNodeKind(kind);
  if (!info) return `Unknown kind "${kind}"`;
  return title === info.title ? info.description : info.title;
}
