import { fireEvent, render, screen, within } from "@testing-library/react";
import { Palette, PALETTE_DRAG_TYPE, TRIGGER_TAKEN_REASON } from "./Palette";
import { useKindsStore } from "../state/kindsStore";
import { REGISTRY } from "../test/registry";

describe("Palette", () => {
  it("lists every kind of the registry, grouped by category, with the registry's names", () => {
    render(<Palette />);
    const names = screen.getAllByRole("button").map((button) => button.getAttribute("aria-label"));
    expect(names).toEqual(REGISTRY.map((spec) => `Add ${spec.title}`));
    expect(names).toContain("Add Get alert");
    const start = screen.getByRole("region", { name: "Start when" });
    expect(within(start).getAllByRole("button")).toHaveLength(REGISTRY.filter((spec) => spec.category === "trigger").length);
  });

  it("draws each entry's icon from the spec, the generic one for an icon it does not know", () => {
    useKindsStore.getState().setKinds([...REGISTRY, { ...REGISTRY[3]!, kind: "future_step", title: "Future step", icon: "no-such-icon" }]);
    render(<Palette />);
    expect(screen.getByTestId("palette-entry-get_alert").querySelector("svg")).toHaveAttribute("data-icon", "alert");
    expect(screen.getByTestId("palette-entry-future_step").querySelector("svg path")?.getAttribute("d")).toBeTruthy();
  });

  it("marks the tenant-changing action with a shield and shows a required permission", () => {
    useKindsStore.getState().setKinds(REGISTRY.map((spec) => (spec.kind === "isolate_machine" ? { ...spec, permission: "Machine.Isolate" } : spec)));
    render(<Palette />);
    const isolate = screen.getByTestId("palette-entry-isolate_machine");
    expect(isolate).toHaveTextContent("⚠");
    expect(isolate).toHaveTextContent("Needs Machine.Isolate");
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

  it("says it is loading until the kinds arrive", () => {
    useKindsStore.setState({ kinds: [], status: "loading" });
    render(<Palette />);
    expect(screen.getByText("Loading…")).toBeInTheDocument();
  });

  it("disables the trigger kinds while the flow has a trigger, with the reason, and adds nothing", () => {
    const onAdd = vi.fn();
    render(<Palette onAdd={onAdd} hasTrigger />);
    for (const kind of ["alert_created", "schedule", "manual"]) {
      const trigger = screen.getByTestId(`palette-entry-${kind}`);
      expect(trigger).toHaveAttribute("aria-disabled", "true");
      expect(trigger).toHaveAttribute("title", TRIGGER_TAKEN_REASON);
      expect(trigger).toHaveAttribute("aria-description", TRIGGER_TAKEN_REASON);
      // Still focusable, so a keyboard user can reach it and hear why.
      expect(trigger).not.toBeDisabled();
      fireEvent.click(trigger);
      const setData = vi.fn();
      fireEvent.dragStart(trigger, { dataTransfer: { setData, effectAllowed: "" } });
      expect(setData).not.toHaveBeenCalled();
    }
    expect(onAdd).not.toHaveBeenCalled();
    // The other kinds stay available.
    expect(screen.getByTestId("palette-entry-get_alert")).not.toHaveAttribute("aria-disabled");
    fireEvent.click(screen.getByTestId("palette-entry-get_alert"));
    expect(onAdd).toHaveBeenCalledWith("get_alert");
  });
});
