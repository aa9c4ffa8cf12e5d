import { memo } from "react";
import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { NodeKindSpec } from "../../ipc/bindings/NodeKindSpec";
import type { AppNode, NodeProblem } from "../../state/flowDocument";
import { cardSummary, outputHandles } from "../../state/kindSpecs";
import { useKindSpec } from "../../state/kindsStore";
import { useEditorStore } from "../../state/editorStore";
import { NodeIcon } from "../NodeIcon";
import { NodeTitle } from "./NodeTitle";
import { PENDING, useNodeRun, useRunStore, type NodeRun } from "../../runs/runStore";
import { RunStatusMark } from "../../runs/RunStatusMark";
import { useCardDirection } from "./cardDirection";

/** The CSS classes of a kind's colour: its category, and a warning tone when it changes the tenant. */
export function kindClasses(spec: NodeKindSpec | undefined): string {
  return `category-${spec?.category ?? "unknown"}${spec?.changesTenant ? " changes-tenant" : ""}`;
}

/** Where the n-th of `count` output handles sits along the card's edge, in percent. */
function handleOffset(index: number, count: number): string {
  return `${Math.round(((index + 1) / (count + 1)) * 100)}%`;
}

/**
 * The one node card, for every kind, in the editor and in the run view: the kind's icon and
 * colour, the title (renamable in the editor), the configuration summary, the shield of a
 * tenant-changing kind, the problem badge and the run status. Its handles follow the spec: an
 * input unless it is a trigger, and one output per port labelled by `portLabels` (a single output
 * when it has no ports), each with a "+" in the editor that opens the add-a-step menu.
 */
export const NodeCard = memo(function NodeCard({ id, type, data, selected }: NodeProps<AppNode>) {
  const spec = useKindSpec(data.kind);
  const direction = useCardDirection();
  const readOnly = data.readOnly === true;
  const problems = data.problems ?? [];
  const hasErrors = problems.some((problem) => problem.severity === "error");
  const run = useCardRun(id, readOnly);
  const summary = spec ? cardSummary(spec, data.inputs) : `Unknown kind "${data.kind}"`;
  const outputs = outputHandles(spec);
  const vertical = direction === "TB";
  const inputSide = vertical ? Position.Top : Position.Left;
  const outputSide = vertical ? Position.Bottom : Position.Right;
  const placeOutput = (index: number) => (vertical ? { left: handleOffset(index, outputs.length) } : { top: handleOffset(index, outputs.length) });
  return (
    <div
      className={`flow-node ${kindClasses(spec)} direction-${direction}${selected ? " selected" : ""}${problems.length > 0 ? (hasErrors ? " has-errors" : " has-warnings") : ""}`}
      data-testid={readOnly ? `run-view-node-${data.kind}` : `node-${data.kind}`}
      data-node-id={readOnly ? undefined : id}
      data-run-node-id={readOnly ? id : undefined}
      data-role={type}
      data-run-status={run?.status}
    >
      {type !== "trigger" && <Handle type="target" position={inputSide} isConnectable={!readOnly} aria-label="Input" data-testid="handle-in" />}
      {outputs.map((output, index) => (
        <Handle
          key={output.port ?? "out"}
          type="source"
          id={output.port}
          position={outputSide}
          isConnectable={!readOnly}
          className={output.port ? `handle-port handle-port-${output.port}` : undefined}
          style={placeOutput(index)}
          aria-label={output.label ? `${output.label} output` : "Output"}
          data-testid={output.port ? `handle-${output.port}` : "handle-out"}
        />
      ))}
      {outputs.map((output, index) =>
        output.label ? (
          <span
            key={`label-${output.port}`}
            className={`port-label port-label-${output.port}${output.port && data.openPorts?.includes(output.port) ? " port-open" : ""}`}
            style={placeOutput(index)}
            title={output.port && data.openPorts?.includes(output.port) ? `Nothing is connected to ${output.label}: a run that goes this way ends here.` : undefined}
            data-testid={`port-label-${output.port}`}
          >
            {output.label}
            {output.port && data.openPorts?.includes(output.port) && <span className="port-end"> · ends</span>}
          </span>
        ) : null,
      )}
      {!readOnly &&
        outputs.map((output, index) => (
          <button
            key={`add-${output.port ?? "out"}`}
            type="button"
            className="handle-add nodrag nopan"
            style={placeOutput(index)}
            data-testid={output.port ? `add-after-${output.port}` : "add-after"}
            aria-label={`Add a step after ${data.title}${output.label ? ` (${output.label})` : ""}`}
            title={`Add a step after this one${output.label ? ` (${output.label})` : ""}`}
            onClick={(event) => {
              event.stopPropagation();
              const rect = event.currentTarget.getBoundingClientRect();
              useEditorStore.getState().openAddMenu({ source: id, port: output.port, target: null, screen: { x: rect.right, y: rect.bottom } });
            }}
          >
            +
          </button>
        ))}
      {run && <RunStatusMark run={run} />}
      <div className="flow-node-header">
        <NodeIcon icon={spec?.icon} />
        {readOnly ? (
          <span className="flow-node-title" data-testid="node-title">
            {data.title}
          </span>
        ) : (
          <NodeTitle nodeId={id} title={data.title} />
        )}
        {problems.length > 0 && <ProblemBadge problems={problems} hasErrors={hasErrors} />}
        {spec?.changesTenant && (
          <span className="shield" title="Changes the tenant" aria-label="Changes the tenant" role="img">
            ⚠
          </span>
        )}
      </div>
      <div className="flow-node-kind" title={summary} data-testid="node-summary">
        {summary}
      </div>
    </div>
  );
});

/** The node's status: in the editor, in the watched run (if any); in the run view, in the viewed run. */
function useCardRun(nodeId: string, readOnly: boolean): NodeRun | undefined {
  const watched = useNodeRun(nodeId);
  const viewed = useRunStore((state) => (readOnly ? (state.nodes[nodeId] ?? PENDING) : undefined));
  return readOnly ? viewed : watched;
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
