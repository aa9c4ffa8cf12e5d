import { renderHook } from "@testing-library/react";
import { useStableNodes } from "./useStableNodes";
import { documentToNodes } from "../state/flowDocument";
import { seedDocument } from "../state/testFlows";

describe("useStableNodes", () => {
  it("reuses unchanged node objects and replaces the moved one", () => {
    const doc = seedDocument();
    const { result, rerender } = renderHook(({ nodes }) => useStableNodes(nodes), { initialProps: { nodes: documentToNodes(doc) } });
    const first = result.current;
    const moved = { ...doc, layout: { ...doc.layout, condition: { x: 510, y: 0 } } };
    rerender({ nodes: documentToNodes(moved) });
    const second = result.current;
    expect(second.map((node, index) => node === first[index])).toEqual([true, true, false, true, true]);
    expect(second[2]?.position).toEqual({ x: 510, y: 0 });
  });
});
