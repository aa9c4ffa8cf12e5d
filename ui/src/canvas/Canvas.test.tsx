import { act, createEvent, fireEvent, render, screen, within } from "@testing-library/react";
import { Canvas, FIT_OPTIONS, READABLE_ZOOM } from "./Canvas";
import { SHORTCUTS } from "./shortcuts";
import { PALETTE_DRAG_TYPE, TRIGGER_TAKEN_REASON } from "../palette/Palette";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { seedDocument } from "../state/testFlows";

const store = () => useEditorStore.getState();
const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(window, { key, ...init });

describe("Canvas", () => {
  beforeEach(() => resetEditor());

  it("puts a node of the clicked palette kind on the canvas, selected", () => {
    render(<Canvas />);
    fireEvent.click(screen.getByTestId("palette-entry-get_alert"));
    const card = screen.getByTestId("node-get_alert");
    expect(within(card).getByTestId("node-title")).toHaveTextContent("Get alert");
    expect(card).toHaveClass("selected");
    expect(store().doc.steps.map((step) => step.id)).toEqual(["get_alert"]);
  });

  it("disables the trigger kinds, saying why, once the flow has a trigger", () => {
    render(<Canvas />);
    const entry = screen.getByTestId("palette-entry-alert_created");
    expect(entry).not.toHaveAttribute("aria-disabled");
    fireEvent.click(entry);
    expect(screen.getAllByTestId("node-alert_created")).toHaveLength(1);
    expect(entry).toHaveAttribute("aria-disabled", "true");
    expect(entry).toHaveAttribute("title", TRIGGER_TAKEN_REASON);
    expect(entry).toHaveAttribute("aria-description", TRIGGER_TAKEN_REASON);
    expect(entry).toHaveAttribute("draggable", "false");
    fireEvent.click(entry);
    expect(screen.getAllByTestId("node-alert_created")).toHaveLength(1);
    expect(screen.getByTestId("palette-entry-schedule")).toHaveAttribute("aria-disabled", "true");
    // Deleting the trigger makes the entry available again.
    press("Delete");
    expect(screen.queryByTestId("node-alert_created")).not.toBeInTheDocument();
    expect(entry).not.toHaveAttribute("aria-disabled");
  });

  it("adds a node dropped from the palette, and refuses a second trigger with the reason", () => {
    render(<Canvas />);
    const canvas = screen.getByTestId("canvas");
    const drop = (kind: string) => {
      const event = createEvent.drop(canvas, { dataTransfer: { getData: (type: string) => (type === PALETTE_DRAG_TYPE ? kind : ""), types: [PALETTE_DRAG_TYPE] } });
      // jsdom has no DragEvent, so the pointer position has to be put on the event by hand.
      Object.defineProperties(event, { clientX: { value: 300 }, clientY: { value: 200 } });
      fireEvent(canvas, event);
    };
    drop("send_email");
    expect(screen.getByTestId("node-send_email")).toBeInTheDocument();
    // The drop point (300, 200) through the default viewport (offset 40, zoom 1), centred on the card.
    expect(store().doc.layout.send_email).toEqual({ x: 300 - 40 - 100, y: 200 - 40 - 32 });
    drop("alert_created");
    drop("manual");
    expect(screen.getAllByTestId("node-alert_created")).toHaveLength(1);
    expect(screen.queryByTestId("node-manual")).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("already has a trigger");
  });

  it("deletes the selection with Delete and Backspace, and undo brings it back", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    act(() => store().select(["isolate_machine"]));
    press("Delete");
    expect(screen.queryByTestId("node-isolate_machine")).not.toBeInTheDocument();
    expect(store().doc.edges).toHaveLength(3);
    press("z", { ctrlKey: true });
    expect(screen.getByTestId("node-isolate_machine")).toBeInTheDocument();
    press("z", { metaKey: true, shiftKey: true });
    expect(screen.queryByTestId("node-isolate_machine")).not.toBeInTheDocument();
    press("y", { ctrlKey: true }); // nothing left to redo
    press("z", { ctrlKey: true });
    act(() => store().select(["send_email"]));
    press("Backspace");
    expect(screen.queryByTestId("node-send_email")).not.toBeInTheDocument();
    expect(screen.getByTestId("node-isolate_machine")).toBeInTheDocument();
  });

  it("leaves keys typed into a field alone", () => {
    resetEditor(seedDocument());
    render(
      <>
        <input aria-label="elsewhere" />
        <Canvas />
      </>,
    );
    act(() => store().select(["condition"]));
    fireEvent.keyDown(screen.getByLabelText("elsewhere"), { key: "Delete" });
    expect(screen.getByTestId("node-condition")).toBeInTheDocument();
  });

  it("selects every node with Ctrl+A and clears the selection with Escape", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    press("a", { ctrlKey: true });
    for (const kind of ["alert_created", "get_alert", "condition", "isolate_machine", "send_email"]) {
      expect(screen.getByTestId(`node-${kind}`)).toHaveClass("selected");
    }
    press("Escape");
    expect(screen.getByTestId("node-condition")).not.toHaveClass("selected");
    expect(store().selectedNodeIds.size).toBe(0);
  });

  it("connects two selected nodes with C, and a condition's No output with N", () => {
    resetEditor({ ...seedDocument(), edges: [] });
    render(<Canvas />);
    expect(screen.getByTestId("toolbar-connect")).toBeDisabled();
    act(() => store().select(["get_alert", "condition"]));
    expect(screen.getByTestId("toolbar-connect")).toBeEnabled();
    press("c");
    act(() => store().select(["condition", "send_email"]));
    press("n");
    expect(store().doc.edges).toEqual([
      { from: "get_alert", to: "condition" },
      { from: "condition", to: "send_email", port: "false" },
    ]);
    expect(store().selectedNodeIds).toEqual(new Set(["send_email"]));
    act(() => store().select(["condition", "send_email"]));
    press("n");
    expect(screen.getByRole("status")).toHaveTextContent("Severity is High (No) is already connected to Email the SOC.");
  });

  it("copies and pastes the selection with the keyboard", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    act(() => store().select(["get_alert", "condition"]));
    press("c", { ctrlKey: true });
    press("v", { ctrlKey: true });
    expect(screen.getAllByTestId("node-condition")).toHaveLength(2);
    expect(store().doc.edges).toContainEqual({ from: "get_alert_2", to: "condition_2" });
    expect([...store().selectedNodeIds]).toEqual(["get_alert_2", "condition_2"]);
  });

  it("renders a condition with labelled Yes and No handles", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    const condition = screen.getByTestId("node-condition");
    expect(within(condition).getByTestId("handle-true")).toHaveAttribute("aria-label", "Yes output");
    expect(within(condition).getByTestId("handle-true")).toHaveAttribute("data-handleid", "true");
    expect(within(condition).getByTestId("handle-false")).toHaveAttribute("data-handleid", "false");
    expect(condition).toHaveTextContent("Yes");
    expect(condition).toHaveTextContent("No");
    expect(within(screen.getByTestId("node-alert_created")).queryByTestId("handle-in")).not.toBeInTheDocument();
  });

  it("renames a node inline by double-clicking its title; Escape cancels", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    const card = screen.getByTestId("node-isolate_machine");
    fireEvent.doubleClick(within(card).getByTestId("node-title"));
    const input = within(card).getByTestId("node-title-input");
    expect(input).toHaveClass("nodrag");
    expect(input).toHaveFocus();
    fireEvent.change(input, { target: { value: "Isolate the device" } });
    // Delete while typing edits the text, not the canvas.
    fireEvent.keyDown(input, { key: "Delete" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(within(card).getByTestId("node-title")).toHaveTextContent("Isolate the device");
    expect(store().doc.steps.find((step) => step.id === "isolate_machine")?.title).toBe("Isolate the device");

    act(() => store().select(["isolate_machine"]));
    press("F2");
    const again = within(card).getByTestId("node-title-input");
    fireEvent.change(again, { target: { value: "Something else" } });
    fireEvent.keyDown(again, { key: "Escape" });
    expect(within(card).getByTestId("node-title")).toHaveTextContent("Isolate the device");
    press("z", { ctrlKey: true });
    expect(within(card).getByTestId("node-title")).toHaveTextContent("Isolate machine");
  });

  it("opens the shortcut list with ? and the toolbar button, lists every shortcut, closes with Escape", () => {
    render(<Canvas />);
    expect(screen.queryByTestId("shortcut-overlay")).not.toBeInTheDocument();
    press("?", { shiftKey: true });
    const overlay = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(overlay).toHaveAttribute("data-testid", "shortcut-overlay");
    for (const shortcut of SHORTCUTS) expect(overlay).toHaveTextContent(shortcut.action);
    expect(screen.getByTestId("shortcut-overlay-close")).toHaveFocus();
    fireEvent.keyDown(screen.getByTestId("shortcut-overlay-close"), { key: "Tab" });
    expect(screen.getByTestId("shortcut-overlay-close")).toHaveFocus();
    press("Escape");
    expect(screen.queryByTestId("shortcut-overlay")).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId("toolbar-shortcuts"));
    expect(screen.getByTestId("shortcut-overlay")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("shortcut-overlay-close"));
    expect(screen.queryByTestId("shortcut-overlay")).not.toBeInTheDocument();
  });

  it("keeps other shortcuts quiet while the shortcut list is open", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    act(() => store().select(["condition"]));
    press("?");
    press("Delete");
    expect(screen.getByTestId("node-condition")).toBeInTheDocument();
  });

  it("has toolbar buttons with accessible names that reflect what can be done", () => {
    render(<Canvas />);
    const toolbar = screen.getByRole("toolbar", { name: "Canvas tools" });
    for (const button of within(toolbar).getAllByRole("button")) expect(button).toHaveAttribute("aria-label");
    expect(screen.getByTestId("toolbar-undo")).toBeDisabled();
    expect(screen.getByTestId("toolbar-delete")).toBeDisabled();
    fireEvent.click(screen.getByTestId("palette-entry-condition"));
    expect(screen.getByTestId("toolbar-undo")).toBeEnabled();
    fireEvent.click(screen.getByTestId("toolbar-delete"));
    expect(screen.queryByTestId("node-condition")).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId("toolbar-undo"));
    expect(screen.getByTestId("node-condition")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("toolbar-redo"));
    expect(screen.queryByTestId("node-condition")).not.toBeInTheDocument();
  });

  it("tidies the layout from the toolbar and with L", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    fireEvent.click(screen.getByTestId("toolbar-tidy"));
    expect(store().doc.layout.isolate_machine?.y).toBe(0);
    press("z", { ctrlKey: true });
    expect(store().doc.layout.isolate_machine?.y).toBe(-60);
    press("l");
    expect(store().doc.layout.isolate_machine?.y).toBe(0);
  });

  it("announces a refused connection in a status region", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    act(() => void store().connect({ source: "send_email", target: "get_alert" }));
    expect(screen.getByRole("status")).toHaveTextContent("That would make a loop: Get alert already leads to Email the SOC.");
  });

  it("shows validation problems as a badge with the count on the node", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    expect(screen.queryByTestId("node-problems")).not.toBeInTheDocument();
    act(() =>
      store().setDiagnostics([
        { nodeId: "condition", field: "expression", code: "missing_required", message: "The condition needs an expression.", severity: "error", sentence: "The condition needs an expression." },
        { nodeId: "condition", field: null, code: "unreachable", message: "Second problem.", severity: "warning", sentence: "Second problem." },
        { nodeId: "send_email", field: "to", code: "invalid_email", message: "Not an address.", severity: "warning", sentence: "Not an address." },
      ]),
    );
    const badge = within(screen.getByTestId("node-condition")).getByTestId("node-problems");
    expect(badge).toHaveTextContent("2");
    // (An attribute check: jsdom hides unmeasured React Flow nodes, which empties computed names.)
    expect(badge).toHaveAttribute("aria-label", "2 problems: The condition needs an expression. Second problem.");
    expect(badge).toHaveClass("problem-error");
    expect(screen.getByTestId("node-condition")).toHaveClass("has-errors");
    expect(within(screen.getByTestId("node-send_email")).getByTestId("node-problems")).toHaveClass("problem-warning");
  });

  it("shows a minimap and zoom controls", () => {
    render(<Canvas />);
    expect(screen.getByTestId("canvas").querySelector(".react-flow__minimap")).not.toBeNull();
    expect(screen.getByTestId("toolbar-fit")).toHaveAttribute("aria-label", "Zoom to fit");
  });
});

describe("Canvas on a small window", () => {
  const matchMedia = window.matchMedia;
  beforeEach(() => {
    resetEditor(seedDocument());
    window.matchMedia = ((query: string) => ({
      matches: query.includes("max-width"),
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
    })) as unknown as typeof window.matchMedia;
  });
  afterEach(() => {
    window.matchMedia = matchMedia;
  });

  it("folds the side panels away behind buttons, opens the inspector on a selection, and leaves the minimap out", () => {
    render(<Canvas sidebar={<div>flows</div>} inspector={<aside data-testid="inspector">inspector</aside>} />);
    const workspace = screen.getByTestId("workspace");
    expect(workspace).toHaveClass("compact");
    expect(workspace).not.toHaveClass("left-open");
    expect(screen.getByTestId("canvas").querySelector(".react-flow__minimap")).toBeNull();
    fireEvent.click(screen.getByTestId("toggle-left-panel"));
    expect(workspace).toHaveClass("left-open");
    expect(workspace).not.toHaveClass("right-open");
    act(() => store().select(["condition"]));
    expect(workspace).toHaveClass("right-open");
    fireEvent.click(screen.getByTestId("toggle-inspector"));
    expect(workspace).not.toHaveClass("right-open");
  });
});

describe("Tidy", () => {
  it("lays a new flow out top to bottom, and switches to left to right on request", () => {
    resetEditor({ ...seedDocument(), layout: {} });
    render(<Canvas />);
    expect(store().direction).toBe("TB");
    fireEvent.click(screen.getByTestId("toolbar-tidy"));
    const layout = store().doc.layout;
    expect(layout.get_alert?.y).toBeGreaterThan(layout.trigger?.y ?? 0);
    expect(layout.get_alert?.x).toBe(layout.trigger?.x);
    // Each card's input faces up and its outputs down.
    expect(within(screen.getByTestId("node-get_alert")).getByTestId("handle-in")).toHaveClass("react-flow__handle-top");
    fireEvent.click(screen.getByTestId("toolbar-direction"));
    expect(store().direction).toBe("LR");
    expect(store().doc.layout.get_alert?.x).toBeGreaterThan(store().doc.layout.trigger?.x ?? 0);
    expect(within(screen.getByTestId("node-get_alert")).getByTestId("handle-in")).toHaveClass("react-flow__handle-left");
  });

  it("fits no further out than the zoom at which card text stays readable", () => {
    expect(FIT_OPTIONS.minZoom).toBe(READABLE_ZOOM);
    expect(READABLE_ZOOM).toBeGreaterThanOrEqual(0.65);
  });
});
