import { fireEvent, render, screen } from "@testing-library/react";
import { Palette, PALETTE_DRAG_TYPE } from "./Palette";

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
});
