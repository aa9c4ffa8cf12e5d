import { DEFAULT_NODE_SIZE, inferDirection, LAYOUT_COLUMN_GAP, LAYOUT_ROW_GAP, layers, tidyLayout } from "./layout";
import { emptyDocument, type FlowDocument } from "./flowDocument";
import { seedDocument } from "./testFlows";

const COLUMN = DEFAULT_NODE_SIZE.width + LAYOUT_COLUMN_GAP;
const ROW = DEFAULT_NODE_SIZE.height + LAYOUT_ROW_GAP;

describe("tidy layout", () => {
  it("puts each node in the column of its longest path from the trigger", () => {
    const layer = layers(seedDocument());
    expect(Object.fromEntries(layer)).toEqual({ trigger: 0, get_alert: 1, condition: 2, isolate_machine: 3, send_email: 4 });
  });

  it("lays the seed flow left to right with Yes level and No below", () => {
    const positions = tidyLayout(seedDocument());
    expect(positions).toEqual({
      trigger: { x: 0, y: 0 },
      get_alert: { x: COLUMN, y: 0 },
      condition: { x: 2 * COLUMN, y: 0 },
      isolate_machine: { x: 3 * COLUMN, y: 0 },
      // Reached by the No port (one row below) and from isolate (level): it takes the lower, so
      // the No edge does not run through the isolate card.
      send_email: { x: 4 * COLUMN, y: ROW },
    });
  });

  it("stacks a condition's Yes branch above its No branch in the same column", () => {
    const doc: FlowDocument = {
      trigger: { kind: "manual", title: "Run now", inputs: {} },
      steps: [
        { id: "condition", kind: "condition", title: "If", inputs: {} },
        // Listed No first, to show that the order comes from the ports and not the document.
        { id: "no", kind: "send_email", title: "No mail", inputs: {} },
        { id: "yes", kind: "isolate_machine", title: "Isolate", inputs: {} },
      ],
      edges: [
        { from: "trigger", to: "condition" },
        { from: "condition", to: "no", port: "false" },
        { from: "condition", to: "yes", port: "true" },
      ],
      layout: {},
    };
    const positions = tidyLayout(doc);
    expect(positions.yes).toEqual({ x: 2 * COLUMN, y: 0 });
    expect(positions.no).toEqual({ x: 2 * COLUMN, y: ROW });
  });

  it("pushes fan-out siblings apart and uses measured sizes for spacing", () => {
    const doc: FlowDocument = {
      trigger: { kind: "manual", title: "Run now", inputs: {} },
      steps: [
        { id: "a", kind: "get_alert", title: "A", inputs: {} },
        { id: "b", kind: "get_alert", title: "B", inputs: {} },
      ],
      edges: [
        { from: "trigger", to: "a" },
        { from: "trigger", to: "b" },
      ],
      layout: {},
    };
    const positions = tidyLayout(doc, { trigger: { width: 300, height: 50 }, a: { width: 150, height: 100 } });
    expect(positions.a).toEqual({ x: 300 + LAYOUT_COLUMN_GAP, y: 0 });
    expect(positions.b).toEqual({ x: 300 + LAYOUT_COLUMN_GAP, y: 100 + LAYOUT_ROW_GAP });
  });

  it("places unconnected nodes below the connected ones, and survives a cycle", () => {
    const doc: FlowDocument = {
      trigger: { kind: "manual", title: "Run now", inputs: {} },
      steps: [
        { id: "lonely", kind: "get_alert", title: "Lonely", inputs: {} },
        { id: "x", kind: "get_alert", title: "X", inputs: {} },
        { id: "y", kind: "get_alert", title: "Y", inputs: {} },
      ],
      edges: [
        { from: "x", to: "y" },
        { from: "y", to: "x" },
      ],
      layout: {},
    };
    const positions = tidyLayout(doc);
    expect(positions.trigger).toEqual({ x: 0, y: 0 });
    expect(positions.lonely).toEqual({ x: 0, y: ROW });
    expect(positions.x?.x).toBe(COLUMN);
    expect(positions.y?.x).toBe(COLUMN);
    expect(positions.x?.y).not.toBe(positions.y?.y);
    expect(tidyLayout(emptyDocument())).toEqual({});
  });
});

describe("tidy layout, top to bottom", () => {
  it("puts each layer in a row, Yes below the condition and No beside it", () => {
    const positions = tidyLayout(seedDocument(), {}, "TB");
    expect(positions.trigger).toEqual({ x: 0, y: 0 });
    expect(positions.get_alert?.x).toBe(0);
    expect(positions.get_alert?.y).toBeGreaterThan(0);
    expect(positions.isolate_machine?.x).toBe(positions.condition?.x);
    expect(positions.isolate_machine?.y).toBeGreaterThan(positions.condition?.y ?? 0);
    // Reached by No (one column over) and from isolate: it takes the column to the right.
    expect(positions.send_email?.x).toBeGreaterThan(positions.isolate_machine?.x ?? 0);
  });

  it("reads the direction a document is drawn in", () => {
    expect(inferDirection(seedDocument())).toBe("LR");
    const tb = { ...seedDocument(), layout: tidyLayout(seedDocument(), {}, "TB") };
    expect(inferDirection(tb)).toBe("TB");
    expect(inferDirection(emptyDocument())).toBe("TB");
  });
});
