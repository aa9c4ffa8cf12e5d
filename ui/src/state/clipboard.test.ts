import { copySelection, freshStepId, pasteClipboard, remapReferences } from "./clipboard";
import { seedDocument } from "./testFlows";

describe("copy and paste", () => {
  it("copies the selected nodes and only the edges between them", () => {
    const clip = copySelection(seedDocument(), new Set(["condition", "isolate_machine"]));
    expect(clip?.steps.map((step) => step.id)).toEqual(["condition", "isolate_machine"]);
    expect(clip?.edges).toEqual([{ from: "condition", to: "isolate_machine", port: "true" }]);
    expect(clip?.trigger).toBeNull();
    expect(copySelection(seedDocument(), new Set())).toBeNull();
  });

  it("pastes with new ids, remapped edges, offset positions and copied inputs", () => {
    const doc = seedDocument();
    const clip = copySelection(doc, new Set(["condition", "isolate_machine"]));
    if (!clip) throw new Error("nothing copied");
    const { doc: pasted, pastedIds } = pasteClipboard(doc, clip, { x: 40, y: 40 });
    expect(pastedIds).toEqual(["condition_2", "isolate_machine_2"]);
    expect(pasted.steps).toHaveLength(6);
    expect(pasted.steps.find((step) => step.id === "isolate_machine_2")).toEqual({
      id: "isolate_machine_2",
      kind: "isolate_machine",
      title: "Isolate machine",
      inputs: { isolationType: "Full" },
    });
    expect(pasted.edges.slice(doc.edges.length)).toEqual([{ from: "condition_2", to: "isolate_machine_2", port: "true" }]);
    expect(pasted.layout.condition_2).toEqual({ x: 540, y: 40 });
    expect(pasted.layout.isolate_machine_2).toEqual({ x: 790, y: -20 });
    // The copy is deep: editing the pasted inputs leaves the original alone.
    (pasted.steps[5]?.inputs as Record<string, unknown>).isolationType = "Selective";
    expect(doc.steps[2]?.inputs).toEqual({ isolationType: "Full" });
  });

  it("pastes the trigger only into a flow without one", () => {
    const doc = seedDocument();
    const clip = copySelection(doc, new Set(["trigger", "get_alert"]));
    if (!clip) throw new Error("nothing copied");
    const again = pasteClipboard(doc, clip);
    expect(again.skippedTrigger).toBe(true);
    expect(again.pastedIds).toEqual(["get_alert_2"]);
    expect(again.doc.edges).toHaveLength(doc.edges.length);

    const empty = { trigger: null, steps: [], edges: [], layout: {} };
    const fresh = pasteClipboard(empty, clip);
    expect(fresh.skippedTrigger).toBe(false);
    expect(fresh.pastedIds).toEqual(["trigger", "get_alert"]);
    expect(fresh.doc.edges).toEqual([{ from: "trigger", to: "get_alert" }]);
  });

  it("names new steps after their kind", () => {
    expect(freshStepId("send_email", new Set())).toBe("send_email");
    expect(freshStepId("send_email", new Set(["send_email", "send_email_2"]))).toBe("send_email_3");
  });
});

describe("paste remaps references among the pasted steps", () => {
  it("points a pasted step at the pasted copy of a step it reads, and leaves references to others alone", () => {
    const doc = seedDocument();
    const clip = copySelection(doc, new Set(["get_alert", "condition", "send_email"]));
    const pasted = pasteClipboard(doc, clip!).doc;
    expect(pasted.steps.find((step) => step.id === "condition_2")?.inputs.expression).toBe("steps.get_alert_2.severity == 'High'");
    expect(remapReferences({ a: ["{{ steps.get_alert.title }} {{ steps.other.x }}"], n: 3 }, new Map([["get_alert", "get_alert_2"]]))).toEqual({ a: ["{{ steps.get_alert_2.title }} {{ steps.other.x }}"], n: 3 });
    // steps.get_alert_x is another step, not get_alert.
    expect(remapReferences("steps.get_alert_x.y", new Map([["get_alert", "z"]]))).toBe("steps.get_alert_x.y");
  });
});
