import type { Flow } from "../ipc/bindings/Flow";
import { documentFromFlow, documentToEdges, documentToNodes, edgeId, emptyDocument, EMPTY_VIEW, flowWithDocument, nodesToDocument } from "./flowDocument";
import { REGISTRY } from "../test/registry";
import { seedDocument } from "./testFlows";

describe("document ↔ React Flow conversion", () => {
  it("round-trips the seed flow, inputs and ports included", () => {
    const doc = seedDocument();
    const back = nodesToDocument(documentToNodes(doc), documentToEdges(doc), doc);
    expect(back).toEqual(doc);
  });

  it("makes a trigger node and one step node per step, each carrying its kind, with positions from the layout", () => {
    const nodes = documentToNodes(seedDocument(), { ...EMPTY_VIEW, kinds: REGISTRY });
    expect(nodes.map((node) => [node.id, node.type, node.data.kind])).toEqual([
      ["trigger", "trigger", "alert_created"],
      ["get_alert", "step", "get_alert"],
      ["condition", "step", "condition"],
      ["isolate_machine", "step", "isolate_machine"],
      ["send_email", "step", "send_email"],
    ]);
    expect(nodes.find((node) => node.id === "isolate_machine")?.position).toEqual({ x: 750, y: -60 });
    // The accessible name is the registry's kind title and the node's title.
    expect(nodes[1]?.ariaLabel).toBe("Get alert: Get alert");
    expect(nodes[0]?.data.inputs).toEqual(seedDocument().trigger?.inputs);
  });

  it("puts a port on the source handle and labels the edge with the kind's port label", () => {
    const edges = documentToEdges(seedDocument(), { ...EMPTY_VIEW, kinds: REGISTRY });
    const yes = edges.find((edge) => edge.target === "isolate_machine");
    const no = edges.find((edge) => edge.source === "condition" && edge.target === "send_email");
    expect(yes).toMatchObject({ sourceHandle: "true", ariaLabel: "Severity is High (Yes) to Isolate machine", id: "condition:true->isolate_machine" });
    expect(no).toMatchObject({ sourceHandle: "false", ariaLabel: "Severity is High (No) to Email the SOC" });
    expect(edges.find((edge) => edge.source === "trigger")?.sourceHandle).toBeNull();
  });

  it("applies the view's selection and measured sizes", () => {
    const doc = seedDocument();
    const nodes = documentToNodes(doc, {
      selectedNodeIds: new Set(["condition"]),
      selectedEdgeIds: new Set([edgeId({ from: "trigger", to: "get_alert" })]),
      measured: { condition: { width: 180, height: 70 } },
    });
    expect(nodes.filter((node) => node.selected).map((node) => node.id)).toEqual(["condition"]);
    expect(nodes.find((node) => node.id === "condition")?.measured).toEqual({ width: 180, height: 70 });
    const edges = documentToEdges(doc, { selectedNodeIds: new Set(), selectedEdgeIds: new Set(["trigger->get_alert"]), measured: {} });
    expect(edges.filter((edge) => edge.selected).map((edge) => edge.id)).toEqual(["trigger->get_alert"]);
  });

  it("keeps the inputs nodes new to the document carry and moves positions into the layout", () => {
    const nodes = documentToNodes(seedDocument()).map((node) => ({ ...node, position: { x: node.position.x + 5, y: 1 } }));
    const back = nodesToDocument(nodes, [], emptyDocument());
    expect(back.steps.map((step) => step.inputs)).toEqual(seedDocument().steps.map((step) => step.inputs));
    expect(back.trigger?.inputs).toEqual(seedDocument().trigger?.inputs);
    expect(back.layout.send_email).toEqual({ x: 1005, y: 1 });
    expect(back.edges).toEqual([]);
  });

  it("converts an empty document to nothing", () => {
    expect(documentToNodes(emptyDocument())).toEqual([]);
    expect(nodesToDocument([], [])).toEqual(emptyDocument());
  });

  it("puts each node's diagnostics on it, leaves document-level ones out, and drops them on the way back", () => {
    const doc = seedDocument();
    const nodes = documentToNodes(doc, {
      ...{ selectedNodeIds: new Set<string>(), selectedEdgeIds: new Set<string>(), measured: {} },
      diagnostics: [
        { nodeId: "condition", field: "expression", code: "missing_required", message: "The condition needs an expression.", severity: "error", sentence: "The condition needs an expression." },
        { nodeId: "condition", field: null, code: "unreachable", message: "Nothing runs when it is false.", severity: "warning", sentence: "Nothing runs when it is false." },
        { nodeId: null, field: null, code: "no_trigger", message: "document level", severity: "error", sentence: "document level" },
      ],
    });
    const condition = nodes.find((node) => node.id === "condition");
    expect(condition?.data.problems?.map((problem) => problem.code)).toEqual(["missing_required", "unreachable"]);
    expect(nodes.find((node) => node.id === "get_alert")?.data.problems).toBeUndefined();
    expect(nodesToDocument(nodes, documentToEdges(doc), doc)).toEqual(doc);
  });

  it("reads the editable part of a Rust flow and puts it back, keeping the rest", () => {
    const flow: Flow = { schema: 1, id: "isolate-high", name: "Isolate on High", description: "", enabled: true, ...seedDocument() };
    const doc = documentFromFlow(flow);
    expect(doc).toEqual(seedDocument());
    const renamed = { ...doc, steps: doc.steps.map((step) => (step.id === "condition" ? { ...step, title: "High?" } : step)) };
    const saved = flowWithDocument(flow, renamed);
    expect(saved).toMatchObject({ schema: 1, id: "isolate-high", name: "Isolate on High", enabled: true });
    expect(saved.steps[1]?.title).toBe("High?");
    expect(flow.steps[1]?.title).toBe("Severity is High");
  });
});
