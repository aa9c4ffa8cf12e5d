import { useRef } from "react";
import type { AppNode } from "../state/flowDocument";

function sameNode(a: AppNode, b: AppNode): boolean {
  return (
    a.type === b.type &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.selected === b.selected &&
    a.ariaLabel === b.ariaLabel &&
    a.measured?.width === b.measured?.width &&
    a.measured?.height === b.measured?.height &&
    JSON.stringify(a.data) === JSON.stringify(b.data)
  );
}

/**
 * Keeps the previous object of every node that did not change, so that while one node is dragged
 * React Flow (which compares node objects) re-renders that node only, not every card.
 */
export function useStableNodes(nodes: AppNode[]): AppNode[] {
  const previous = useRef(new Map<string, AppNode>());
  const stable = nodes.map((node) => {
    const before = previous.current.get(node.id);
    return before && sameNode(before, node) ? before : node;
  });
  previous.current = new Map(stable.map((node) => [node.id, node]));
  return stable;
}
