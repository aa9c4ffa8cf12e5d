import { resetEditor, useEditorStore } from "./editorStore";
import { seedDocument } from "./testFlows";

const store = () => useEditorStore.getState();

describe("editor store", () => {
  beforeEach(() => resetEditor());

  it("adds nodes selected, with ids after their kind, and only one trigger", () => {
    expect(store().addNode("alert_created", { x: 0, y: 0 })).toBe("trigger");
    expect(store().doc.trigger).toMatchObject({ kind: "alert_created", title: "New alert" });
    const id = store().addNode("send_email", { x: 300, y: 0 });
    expect(id).toBe("send_email");
    expect([...store().selectedNodeIds]).toEqual(["send_email"]);
    expect(store().doc.steps[0]).toMatchObject({ id: "send_email", kind: "send_email", title: "Send email" });
    expect(store().addNode("manual", { x: 0, y: 0 })).toBeNull();
    expect(store().notice?.text).toMatch(/already has a trigger/);
    expect(store().past).toHaveLength(2);
  });

  it("does not stack a new node exactly on another", () => {
    store().addNode("get_alert", { x: 100, y: 100 });
    store().addNode("get_alert", { x: 100, y: 100 });
    expect(store().doc.layout.get_alert_2).toEqual({ x: 130, y: 130 });
  });

  it("refuses a kind the registry does not have, saying so", () => {
    expect(store().addNode("teleport_machine", { x: 0, y: 0 })).toBeNull();
    expect(store().notice?.text).toMatch(/does not know the step kind "teleport_machine"/);
    expect(store().past).toHaveLength(0);
  });

  it("undoes and redoes add, connect, rename and delete in order", () => {
    store().addNode("alert_created", { x: 0, y: 0 });
    store().addNode("get_alert", { x: 300, y: 0 });
    expect(store().connect({ source: "trigger", target: "get_alert", sourceHandle: null })).toBeNull();
    store().renameNode("get_alert", "Read the alert");
    store().select(["trigger"]);
    store().deleteSelection();
    expect(store().doc.trigger).toBeNull();
    expect(store().doc.edges).toEqual([]);

    store().undo(); // delete
    expect(store().doc.trigger?.title).toBe("New alert");
    expect(store().doc.edges).toEqual([{ from: "trigger", to: "get_alert" }]);
    store().undo(); // rename
    expect(store().doc.steps[0]?.title).toBe("Get alert");
    store().undo(); // connect
    expect(store().doc.edges).toEqual([]);
    store().undo(); // add get_alert
    store().undo(); // add trigger
    expect(store().doc).toEqual({ trigger: null, steps: [], edges: [], layout: {} });
    store().undo(); // nothing left: no change
    expect(store().future).toHaveLength(5);

    store().redo();
    store().redo();
    store().redo();
    expect(store().doc.edges).toEqual([{ from: "trigger", to: "get_alert" }]);
    store().redo();
    expect(store().doc.steps[0]?.title).toBe("Read the alert");
    // A new edit after undo drops the redo branch.
    store().undo();
    store().addNode("send_email", { x: 600, y: 0 });
    expect(store().future).toEqual([]);
    store().redo();
    expect(store().doc.steps[0]?.title).toBe("Get alert");
  });

  it("ignores empty or unchanged renames", () => {
    resetEditor(seedDocument());
    store().renameNode("condition", "   ");
    store().renameNode("condition", "Severity is High");
    expect(store().past).toHaveLength(0);
    store().renameNode("trigger", "  High alert arrives ");
    expect(store().doc.trigger?.title).toBe("High alert arrives");
  });

  it("refuses an invalid connection with the reason as a notice, and records nothing", () => {
    resetEditor(seedDocument());
    expect(store().connect({ source: "send_email", target: "trigger" })).toMatch(/trigger/);
    expect(store().notice?.text).toMatch(/Nothing can lead into the trigger/);
    expect(store().past).toHaveLength(0);
  });

  it("records a drag as one undo step when it ends, not one per pixel", () => {
    resetEditor(seedDocument());
    for (let x = 1; x <= 20; x++) {
      store().applyNodeChanges([{ type: "position", id: "get_alert", position: { x: 250 + x, y: 0 }, dragging: true }]);
    }
    expect(store().past).toHaveLength(0);
    expect(store().doc.layout.get_alert).toEqual({ x: 270, y: 0 });
    store().applyNodeChanges([{ type: "position", id: "get_alert", position: { x: 275, y: 5 }, dragging: false }]);
    expect(store().past).toHaveLength(1);
    expect(store().moveSnapshot).toBeNull();
    store().undo();
    expect(store().doc.layout.get_alert).toEqual({ x: 250, y: 0 });
    store().redo();
    expect(store().doc.layout.get_alert).toEqual({ x: 275, y: 5 });
  });

  it("deletes selected nodes with their edges, and selected edges alone", () => {
    resetEditor(seedDocument());
    store().select(["isolate_machine"], ["trigger->get_alert"]);
    store().deleteSelection();
    const { doc } = store();
    expect(doc.steps.map((step) => step.id)).toEqual(["get_alert", "condition", "send_email"]);
    expect(doc.edges).toEqual([
      { from: "get_alert", to: "condition" },
      { from: "condition", to: "send_email", port: "false" },
    ]);
    expect(doc.layout.isolate_machine).toBeUndefined();
    expect(store().selectedNodeIds.size).toBe(0);
    store().undo();
    expect(store().doc).toEqual(seedDocument());
  });

  it("copies and pastes with new ids, selecting the copies, each paste further off", () => {
    resetEditor(seedDocument());
    store().select(["get_alert", "condition"]);
    expect(store().copy()).toBe(true);
    expect(store().paste()).toEqual(["get_alert_2", "condition_2"]);
    expect([...store().selectedNodeIds]).toEqual(["get_alert_2", "condition_2"]);
    expect(store().doc.edges).toContainEqual({ from: "get_alert_2", to: "condition_2" });
    // Beside the copied pair (its bounding box is 450 wide), not over it; each paste further on.
    const original = seedDocument().layout;
    const width = (original.condition?.x ?? 0) + 200 - (original.get_alert?.x ?? 0) + 40;
    expect(store().doc.layout.get_alert_2).toEqual({ x: (original.get_alert?.x ?? 0) + width, y: original.get_alert?.y });
    // The pasted condition reads the pasted Get alert, not the original.
    expect(store().doc.steps.find((step) => step.id === "condition_2")?.inputs.expression).toBe("steps.get_alert_2.severity == 'High'");
    expect(store().paste()).toEqual(["get_alert_3", "condition_3"]);
    expect(store().doc.layout.get_alert_3).toEqual({ x: (original.get_alert?.x ?? 0) + 2 * width, y: original.get_alert?.y });
    store().undo();
    store().undo();
    expect(store().doc).toEqual(seedDocument());
  });

  it("tidies the layout as one undo step", () => {
    resetEditor(seedDocument());
    store().tidy();
    expect(store().doc.layout.isolate_machine?.y).toBe(0);
    expect(store().past).toHaveLength(1);
    store().undo();
    expect(store().doc.layout.isolate_machine).toEqual({ x: 750, y: -60 });
  });

  it("applies React Flow's selection, size and remove changes", () => {
    resetEditor(seedDocument());
    store().applyNodeChanges([
      { type: "select", id: "condition", selected: true },
      { type: "dimensions", id: "condition", dimensions: { width: 190, height: 66 } },
    ]);
    expect([...store().selectedNodeIds]).toEqual(["condition"]);
    expect(store().measured.condition).toEqual({ width: 190, height: 66 });
    store().applyEdgeChanges([{ type: "remove", id: "get_alert->condition" }]);
    expect(store().doc.edges).toHaveLength(4);
    store().applyNodeChanges([{ type: "remove", id: "condition" }]);
    expect(store().doc.steps.map((step) => step.id)).not.toContain("condition");
    expect(store().doc.edges).toEqual([
      { from: "trigger", to: "get_alert" },
      { from: "isolate_machine", to: "send_email" },
    ]);
  });

  it("selects everything", () => {
    resetEditor(seedDocument());
    store().selectAll();
    expect(store().selectedNodeIds.size).toBe(5);
    expect(store().selectedEdgeIds.size).toBe(5);
  });

  it("connects two selected nodes in selection order, a condition through Yes or No", () => {
    resetEditor({ ...seedDocument(), edges: [] });
    store().select(["get_alert", "trigger"]);
    expect(store().connectSelected()).toMatch(/Nothing can lead into the trigger/);
    store().select(["trigger", "get_alert"]);
    expect(store().connectSelected()).toBeNull();
    expect([...store().selectedNodeIds]).toEqual(["get_alert"]);
    store().select(["condition", "isolate_machine"]);
    expect(store().connectSelected()).toBeNull();
    store().select(["condition", "send_email"]);
    expect(store().connectSelected("false")).toBeNull();
    expect(store().doc.edges).toEqual([
      { from: "trigger", to: "get_alert" },
      { from: "condition", to: "isolate_machine", port: "true" },
      { from: "condition", to: "send_email", port: "false" },
    ]);
    store().select(["condition"]);
    expect(store().connectSelected()).toMatch(/select two nodes/);
    expect(store().doc.edges).toHaveLength(3);
  });
});
