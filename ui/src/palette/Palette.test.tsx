import { fireEvent, render, screen } from "@testing-library/react";
import { Palette, PALETTE_DRAG_TYPE, TRIGGER_TAKEN_REASON } from "./Palette";

describe("Palette", () => {
  it("lists the five node kinds with accessible names", () => {
    render(<Palette />);
    const names = screen.getAllByRole("button").map((button) => button.getAttribute("aria-label"));
    expect(names).toEqual([
      "Add Trigger",
      "Add Get Alert",
      "Add Condition",
      "Add Isolate Machine",
      "Add Send Email",
    ]);
  });

  it("marks the tenant-changing action with a shield", () => {
    render(<Palette />);
    const isolate = screen.getByTestId("palette-entry-isolate_machine");
    expect(isolate).toHaveTextContent("⚠");
    expect(screen.getByTestId("palette-entry-get_alert")).not.toHaveTextContent("⚠");
  });

  it("adds a node on click (the keyboard and accessibility path)", () => {
    const onAdd = vi.fn();
    render(<Palette onAdd={onAdd} />);
    fireEvent.click(screen.getByTestId("palette-entry-condition"));
    expect(onAdd).toHaveBeenCalledWith("condition");
  });

  it("puts the node kind on the drag payload", () => {
    render(<Palette />);
    const setData = vi.fn();
    fireEvent.dragStart(screen.getByTestId("palette-entry-send_email"), {
      dataTransfer: { setData, effectAllowed: "" },
    });
    expect(setData).toHaveBeenCalledWith(PALETTE_DRAG_TYPE, "send_email");
  });

  it("disables the Trigger entry while the flow has a trigger, with the reason, and adds nothing", () => {
    const onAdd = vi.fn();
    render(<Palette onAdd={onAdd} hasTrigger />);
    const trigger = screen.getByTestId("palette-entry-trigger");
    expect(trigger).toHaveAttribute("aria-disabled", "true");
    expect(trigger).toHaveAttribute("title", TRIGGER_TAKEN_REASON);
    expect(trigger).toHaveAttribute("aria-description", TRIGGER_TAKEN_REASON);
    // Still focusable, so a keyboard user can reach it and hear why.
    expect(trigger).not.toBeDisabled();
    fireEvent.click(trigger);
    expect(onAdd).not.toHaveBeenCalled();
    const setData = vi.fn();
    fireEvent.dragStart(trigger, { dataTransfer: { setData, effectAllowed: "" } });
    expect(setData).not.toHaveBeenCalled();
    // The other kinds stay available.
    expect(screen.getByTestId("palette-entry-get_alert")).not.toHaveAttribute("aria-disabled");
    fireEvent.click(screen.getByTestId("palette-entry-get_alert"));
    expect(onAdd).toHaveBeenCalledWith("get_alert");
  });
});
