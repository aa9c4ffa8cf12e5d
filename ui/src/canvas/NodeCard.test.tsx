import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { Canvas } from "./Canvas";
import { hasIcon } from "../icons";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { cardSummary } from "../state/kindSpecs";
import { useKindsStore } from "../state/kindsStore";
import { seedDocument } from "../state/testFlows";
import type { FlowDocument } from "../state/flowDocument";
import { REGISTRY, registryKind } from "../test/registry";

const store = () => useEditorStore.getState();

/** A document with one node of every kind the Rust registry has: its trigger kinds in turn, every step kind. */
function everyKind(triggerKind: string): FlowDocument {
  const steps = REGISTRY.filter((spec) => spec.category !== "trigger").map((spec, index) => ({
    id: `${spec.kind}_${index}`,
    kind: spec.kind,
    title: spec.title,
    inputs: {},
  }));
  const trigger = registryKind(triggerKind);
  return {
    trigger: { kind: trigger.kind, title: trigger.title, inputs: {} },
    steps,
    edges: [],
    layout: Object.fromEntries([["trigger", { x: 0, y: 0 }], ...steps.map((step, index) => [step.id, { x: 0, y: 120 * (index + 1) }])]),
  };
}

describe("node card", () => {
  // One canvas per trigger kind: slower than most tests on a busy machine.
  it("draws every kind of the registry: its icon, its handles, its port labels, its summary", { timeout: 30_000 }, () => {
    for (const trigger of REGISTRY.filter((spec) => spec.category === "trigger")) {
      resetEditor(everyKind(trigger.kind));
      const { unmount } = render(<Canvas />);
      for (const spec of REGISTRY.filter((entry) => entry.category !== "trigger" || entry.kind === trigger.kind)) {
        // A kind whose icon this build does not draw fails here, not on a user's canvas.
        expect(hasIcon(spec.icon), `${spec.kind}'s icon "${spec.icon}" is not in ui/src/icons`).toBe(true);
        const card = screen.getByTestId(`node-${spec.kind}`);
        expect(card.querySelector("svg.node-icon")).toHaveAttribute("data-icon", spec.icon);
        expect(within(card).getByTestId("node-title")).toHaveTextContent(spec.title);
        expect(within(card).getByTestId("node-summary").textContent).not.toBe("");
        const outputs = card.querySelectorAll(".react-flow__handle.source");
        expect(outputs, `${spec.kind}'s output handles`).toHaveLength(Math.max(1, spec.ports.length));
        spec.ports.forEach((port, index) => {
          expect(within(card).getByTestId(`handle-${port}`)).toHaveAttribute("aria-label", `${spec.portLabels[index]} output`);
          expect(card).toHaveTextContent(spec.portLabels[index] as string);
        });
        expect(within(card).queryByTestId("handle-in") === null).toBe(spec.category === "trigger");
        expect(within(card).queryByLabelText("Changes the tenant") !== null).toBe(spec.changesTenant);
      }
      unmount();
    }
  });

  it("draws a kind with an icon it does not know with the generic icon, and a third port as a third handle", () => {
    const base = registryKind("condition");
    useKindsStore.getState().setKinds([...REGISTRY, { ...base, kind: "triage", title: "Triage", icon: "crystal-ball", ports: ["a", "b", "c"], portLabels: ["Low", "Mid", "High"], cardSummary: "" }]);
    resetEditor({ trigger: null, steps: [{ id: "triage", kind: "triage", title: "Triage", inputs: {} }], edges: [], layout: { triage: { x: 0, y: 0 } } });
    render(<Canvas />);
    const card = screen.getByTestId("node-triage");
    expect(card.querySelector("svg path")?.getAttribute("d")).toBeTruthy();
    expect(card.querySelectorAll(".react-flow__handle.source")).toHaveLength(3);
    expect(card).toHaveTextContent("Mid");
    // No card summary: the description.
    expect(within(card).getByTestId("node-summary")).toHaveTextContent(base.description);
  });

  it("summarises the configuration from cardSummary, and falls back to the description when a value is empty", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    expect(within(screen.getByTestId("node-condition")).getByTestId("node-summary")).toHaveTextContent("get_alert.severity == 'High'");
    expect(within(screen.getByTestId("node-send_email")).getByTestId("node-summary")).toHaveTextContent("To: soc@contoso.com");
    act(() => store().updateNodeInputs("send_email", { to: [] }));
    expect(within(screen.getByTestId("node-send_email")).getByTestId("node-summary")).toHaveTextContent(registryKind("send_email").description);
  });

  it("words references and lists plainly", () => {
    const isolate = registryKind("isolate_machine");
    expect(cardSummary(isolate, { isolationType: "Selective", machineId: "{{ steps.get_alert.machineId }}" })).toBe("Selective isolation of get_alert.machineId");
    // A value left out of the document reads as the field's default.
    expect(cardSummary(isolate, {})).toBe("Full isolation of trigger.machineId");
    expect(cardSummary(registryKind("send_email"), { to: ["a@contoso.com", "b@contoso.com"] })).toBe("To: a@contoso.com, b@contoso.com");
  });

  it("opens the add-a-step menu from the + of an output and adds the chosen step after it, connected", () => {
    resetEditor(seedDocument());
    render(<Canvas />);
    fireEvent.click(within(screen.getByTestId("node-condition")).getByTestId("add-after-false"));
    const menu = screen.getByRole("dialog", { name: "Add a step after this one" });
    const search = within(menu).getByRole("combobox", { name: "Search steps" });
    expect(search).toHaveFocus();
    fireEvent.change(search, { target: { value: "isolate" } });
    // Release machine from isolation matches too; the best match comes first and Enter takes it.
    const options = within(menu).getAllByRole("option").map((option) => option.textContent);
    expect(options[0]).toContain("Isolate machine");
    expect(options.some((option) => option?.includes("Get alert"))).toBe(false);
    fireEvent.keyDown(search, { key: "Enter" });
    expect(screen.queryByTestId("node-menu")).not.toBeInTheDocument();
    expect(store().doc.edges).toContainEqual({ from: "condition", to: "isolate_machine_2", port: "false" });
    expect([...store().selectedNodeIds]).toEqual(["isolate_machine_2"]);
  });

  it("says an unconnected branch simply ends that path (no problem demanded), in the editor and the run view", () => {
    resetEditor({ ...seedDocument(), edges: seedDocument().edges.filter((edge) => edge.port !== "false") });
    render(<Canvas />);
    const card = screen.getByTestId("node-condition");
    expect(within(card).getByTestId("port-label-false")).toHaveTextContent("No · ends");
    expect(within(card).getByTestId("port-label-false")).toHaveAttribute("title", expect.stringContaining("ends here"));
    expect(within(card).getByTestId("port-label-true")).toHaveTextContent(/^Yes$/);
    expect(card).not.toHaveClass("has-errors");
  });
});
