import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { NodeMenu, matchKinds } from "./NodeMenu";
import { Canvas } from "./Canvas";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { seedDocument } from "../state/testFlows";
import { REGISTRY } from "../test/registry";

const store = () => useEditorStore.getState();

describe("add-a-step menu", () => {
  beforeEach(() => resetEditor(seedDocument()));

  it("offers the step kinds (no triggers) that match every word typed", () => {
    expect(matchKinds(REGISTRY, "").map((spec) => spec.category)).not.toContain("trigger");
    expect(matchKinds(REGISTRY, "send mail").map((spec) => spec.kind)).toEqual(["send_email"]);
    expect(matchKinds(REGISTRY, "zzz")).toEqual([]);
  });

  it("moves with the arrows, adds with Enter, closes with Escape, and starts a fresh search each time", () => {
    render(<NodeMenu />);
    act(() => store().openAddMenu({ source: "get_alert", port: null, target: null, screen: { x: 10, y: 10 } }));
    const search = screen.getByRole("combobox", { name: "Search steps" });
    fireEvent.change(search, { target: { value: "zzz" } });
    expect(screen.getByText(/No step matches/)).toBeInTheDocument();
    fireEvent.keyDown(search, { key: "Escape" });
    expect(screen.queryByTestId("node-menu")).not.toBeInTheDocument();

    act(() => store().openAddMenu({ source: "get_alert", port: null, target: null, screen: { x: 10, y: 10 } }));
    const again = screen.getByRole("combobox", { name: "Search steps" });
    expect(again).toHaveValue("");
    const options = () => within(screen.getByRole("listbox")).getAllByRole("option");
    expect(options()[0]).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(again, { key: "ArrowDown" });
    expect(options()[1]).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(again, { key: "ArrowUp" });
    fireEvent.keyDown(again, { key: "ArrowUp" });
    // Up from the first wraps to the last.
    expect(options()[options().length - 1]).toHaveAttribute("aria-selected", "true");
    const last = matchKinds(REGISTRY, "").at(-1)?.kind as string;
    fireEvent.keyDown(again, { key: "Enter" });
    expect(store().doc.edges).toContainEqual({ from: "get_alert", to: `${last}_2` });
  });

  it("inserts a step into a connection from the + on the edge, and what follows moves along", () => {
    const before = seedDocument().layout.isolate_machine;
    render(<Canvas />);
    act(() => store().openAddMenu({ source: "condition", port: "true", target: "isolate_machine", screen: { x: 10, y: 10 } }));
    expect(screen.getByRole("dialog", { name: "Insert a step into this connection" })).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("node-menu-get_alert"));
    const edges = store().doc.edges;
    expect(edges).toContainEqual({ from: "condition", to: "get_alert_2", port: "true" });
    expect(edges).toContainEqual({ from: "get_alert_2", to: "isolate_machine" });
    expect(edges).not.toContainEqual({ from: "condition", to: "isolate_machine", port: "true" });
    expect(store().doc.layout.isolate_machine).not.toEqual(before);
    store().undo();
    expect(store().doc).toEqual(seedDocument());
  });

  it("click-to-add puts the new step after the selected one, connected, one place further on", () => {
    render(<Canvas />);
    act(() => store().select(["isolate_machine"]));
    fireEvent.click(screen.getByTestId("palette-entry-send_email"));
    expect(store().doc.edges).toContainEqual({ from: "isolate_machine", to: "send_email_2" });
    const from = seedDocument().layout.isolate_machine as { x: number; y: number };
    // The seed flow reads left to right, so the new step goes to the right.
    expect(store().doc.layout.send_email_2?.x).toBeGreaterThan(from.x);
  });

  it("says what a delete removed, with an Undo that brings it back (and Ctrl+Z does too)", () => {
    render(<Canvas />);
    act(() => store().select(["isolate_machine"]));
    fireEvent.keyDown(window, { key: "Delete" });
    const notice = screen.getByTestId("canvas-notice");
    expect(notice).toHaveTextContent('Deleted "Isolate machine".');
    fireEvent.pointerEnter(notice);
    fireEvent.click(within(notice).getByRole("button", { name: "Undo" }));
    expect(store().doc).toEqual(seedDocument());
    act(() => store().select(["isolate_machine"]));
    fireEvent.keyDown(window, { key: "Delete" });
    fireEvent.keyDown(window, { key: "z", ctrlKey: true });
    expect(store().doc).toEqual(seedDocument());
  });
});
