import type { ReactNode } from "react";
import type { NodeProblem } from "../../state/flowDocument";
import { findNodeKind, type NodeKindId } from "../nodeKinds";
import { NodeIcon } from "../NodeIcon";
import { NodeTitle } from "./NodeTitle";
import { useNodeRun } from "../../runs/runStore";
import { RunStatusMark } from "../../runs/RunStatusMark";

interface NodeCardProps {
  nodeId: string;
  kind: string;
  title: string;
  /** The grey line under the title. */
  summary: string;
  selected: boolean;
  /** Validation problems from the last check, shown as a badge with the count. */
  problems?: NodeProblem[] | undefined;
  /** The node's handles. */
  children: ReactNode;
}

/** The body every node type shares: kind colour and icon, renamable title, summary, shield mark. */
export function NodeCard({ nodeId, kind, title, summary, selected, problems = [], children }: NodeCardProps) {
  const info = findNodeKind(kind);
  const hasErrors = problems.some((problem) => problem.severity === "error");
  // The node's status in the watched run (runs/runStore.ts), if any.
  const run = useNodeRun(nodeId);
  return (
    <div
      className={`flow-node category-${info?.category ?? "unknown"}${selected ? " selected" : ""}${problems.length > 0 ? (hasErrors ? " has-errors" : " has-warnings") : ""}`}
      data-testid={`node-${kind}`}
      data-node-id={nodeId}
      data-run-status={run?.status}
    >
      {children}
      {run && <RunStatusMark run={run} />}
      <div className="flow-node-header">
        {info && <NodeIcon kind={info.kind as NodeKindId} />}
        <NodeTitle nodeId={nodeId} title={title} />
        {problems.length > 0 && <ProblemBadge problems={problems} hasErrors={hasErrors} />}
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

function ProblemBadge({ problems, hasErrors }: { problems: NodeProblem[]; hasErrors: boolean }) {
  const count = problems.length;
  const summary = `${count} ${count === 1 ? "problem" : "problems"}: ${problems.map((problem) => problem.message).join(" ")}`;
  return (
    <span
      className={`problem-badge ${hasErrors ? "problem-error" : "problem-warning"}`}
      role="img"
      aria-label={summary}
      title={problems.map((problem) => `• ${problem.message}`).join("\n")}
      data-testid="node-problems"
    >
      {count}
    </span>
  );
}
