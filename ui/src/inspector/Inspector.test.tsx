import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { Inspector } from "./Inspector";
import { ConditionBuilder } from "./ConditionBuilder";
import { DynamicContentPicker } from "./DynamicContentPicker";
import { parseExpression, toExpression } from "./condition";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { useKindsStore, defaultInputs } from "../state/kindsStore";
import { resetFlowSession } from "../state/flowSession";
import { seedDocument } from "../state/testFlows";
import type { Flow, NodeKindSpec } from "../ipc/client";
import { registryKind } from "../test/registry";
import { routeInvoke } from "../test/ipcMock";
import { KINDS, OUTPUTS } from "../test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

/**
 * A kind shaped for the form tests: one field of each type (the real Isolate machine has no
 * optional or yes/no field), standing in for isolate_machine.
 */
const FORM_KIND: NodeKindSpec = {
  ...registryKind("isolate_machine"),
  inputs: [
    { name: "machineId", label: "Machine id", type: "template", required: true, enumValues: [], help: "The machine to isolate.", default: null },
    { name: "isolationType", label: "Isolation type", type: "enum", required: true, enumValues: ["Full", "Selective"], help: "Full cuts every connection.", default: "Full" },
    { name: "comment", label: "Comment", type: "text", required: false, enumValues: [], help: "Shown in Defender.", default: null },
    { name: "dryRunOnly", label: "Only pretend", type: "bool", required: false, enumValues: [], help: "", default: false },
  ],
};
const FORM_KINDS = KINDS.map((spec) => (spec.kind === "isolate_machine" ? FORM_KIND : spec));

const emptyFlow = (): Flow => ({ schema: 1, id: "f", name: "F", description: "", enabled: false, trigger: null, steps: [], edges: [], layout: {} });

beforeEach(() => {
  routeInvoke({ node_kinds: () => KINDS, available_outputs: () => OUTPUTS });
  useKindsStore.getState().setKinds(KINDS);
  resetFlowSession();
  resetEditor(seedDocument());
});

describe("Inspector form generation", () => {
  it("asks to select a node when none is", () => {
    render(<Inspector />);
    expect(screen.getByText("Select a node to configure it.")).toBeInTheDocument();
  });

  it("builds typed fields from the kind's schema: enum as a select, required marker, help", () => {
    useKindsStore.getState().setKinds(FORM_KINDS);
    useEditorStore.getState().select(["isolate_machine"]);
    render(<Inspector />);
    const select = screen.getByLabelText(/Isolation type/);
    expect(select.tagName).toBe("SELECT");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["Full", "Selective"]);
    expect(select).toHaveValue("Full");
    const isolation = screen.getByTestId("field-isolationType");
    expect(within(isolation).getByLabelText("required")).toBeInTheDocument();
    expect(within(screen.getByTestId("field-comment")).queryByLabelText("required")).toBeNull();
    expect(screen.getByText("Full cuts every connection.")).toBeInTheDocument();
    expect(select).toHaveAccessibleDescription("Full cuts every connection.");
    expect(screen.getByLabelText("Only pretend")).toHaveAttribute("type", "checkbox");
    expect(screen.getByText(/changes the tenant/)).toBeInTheDocument();
  });

  it("writes the values into the node's inputs, undoably", () => {
    useKindsStore.getState().setKinds(FORM_KINDS);
    useEditorStore.getState().select(["isolate_machine"]);
    render(<Inspector />);
    fireEvent.change(screen.getByLabelText(/Isolation type/), { target: { value: "Selective" } });
    fireEvent.change(screen.getByLabelText(/Comment/), { target: { value: "contained" } });
    const step = () => useEditorStore.getState().doc.steps.find((s) => s.id === "isolate_machine");
    expect(step()?.inputs).toMatchObject({ isolationType: "Selective", comment: "contained" });
    useEditorStore.getState().undo();
    expect(step()?.inputs.comment).toBeUndefined();
    expect(step()?.inputs.isolationType).toBe("Selective");
  });

  it("new nodes start with the schema's defaults", () => {
    expect(defaultInputs("isolate_machine")).toEqual({ machineId: "{{ trigger.machineId }}", isolationType: "Full", comment: "Isolated by Flowguard for alert {{ trigger.alertId }}" });
    resetEditor();
    const id = useEditorStore.getState().addNode("get_alert", { x: 0, y: 0 });
    expect(useEditorStore.getState().doc.steps.find((s) => s.id === id)?.inputs).toEqual({ alertId: registryKind("get_alert").inputs[0]?.default });
  });

  it("the problems list focuses the node and its field", async () => {
    useEditorStore.getState().setDiagnostics([{ nodeId: "isolate_machine", field: "machineId", code: "missing_field", message: "Machine id is required", severity: "error", sentence: "Machine id is required" }]);
    render(<Inspector />);
    fireEvent.click(screen.getByRole("button", { name: /Machine id is required/ }));
    expect([...useEditorStore.getState().selectedNodeIds]).toEqual(["isolate_machine"]);
    await waitFor(() => expect(document.activeElement?.id).toBe("field-isolate_machine-machineId"));
  });
});

describe("Dynamic-content picker", () => {
  it("lists the upstream outputs grouped by step and searchable, and returns the chosen one", async () => {
    const onPick = vi.fn();
    render(<DynamicContentPicker flow={emptyFlow} nodeId="isolate_machine" fieldLabel="Machine id" onPick={onPick} />);
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for Machine id" }));
    const dialog = await screen.findByRole("dialog");
    await within(dialog).findByText("Severity");
    expect(within(dialog).getByRole("group", { name: "New Defender alert" })).toHaveTextContent("Alert ID");
    expect(within(dialog).getByRole("group", { name: "Get alert" })).toHaveTextContent("Machine ID");
    expect(within(dialog).getByText("1e5bc9")).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("Search outputs"), { target: { value: "machine" } });
    expect(within(dialog).queryByText("Severity")).toBeNull();
    fireEvent.click(within(dialog).getByTestId("output-steps.get_alert.machineId"));
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ reference: "steps.get_alert.machineId" }));
  });

  it("inserts {{ reference }} into a template field at the cursor", async () => {
    useEditorStore.getState().select(["isolate_machine"]);
    render(<Inspector />);
    const input = screen.getByLabelText(/Machine id/, { selector: "input" });
    fireEvent.change(input, { target: { value: "id: " } });
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for Machine id" }));
    fireEvent.click(await screen.findByTestId("output-steps.get_alert.machineId"));
    const step = useEditorStore.getState().doc.steps.find((s) => s.id === "isolate_machine");
    expect(step?.inputs.machineId).toBe("id: {{ steps.get_alert.machineId }}");
  });
});

describe("Condition builder", () => {
  function Harness({ onChange }: { onChange: (text: string) => void }) {
    const [expression, setExpression] = useState("");
    return (
      <ConditionBuilder
        nodeId="condition"
        expression={expression}
        flow={emptyFlow}
        fieldId="x"
        onChange={(text) => {
          setExpression(text);
          onChange(text);
        }}
      />
    );
  }

  it("writes steps.get_alert.severity == \"High\" from a picked operand, an operator and a value", async () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for the left operand" }));
    fireEvent.click(await screen.findByTestId("output-steps.get_alert.severity"));
    fireEvent.change(screen.getByLabelText("Right operand"), { target: { value: "High" } });
    expect(onChange).toHaveBeenLastCalledWith('steps.get_alert.severity == "High"');
    fireEvent.change(screen.getByLabelText("Operator"), { target: { value: "!=" } });
    expect(onChange).toHaveBeenLastCalledWith('steps.get_alert.severity != "High"');
    fireEvent.click(screen.getByTestId("condition-raw-toggle"));
    expect(screen.getByLabelText("Condition expression")).toHaveValue('steps.get_alert.severity != "High"');
  });

  it("round-trips the expressions it writes", () => {
    for (const rule of [
      { left: "steps.get_alert.severity", operator: "==" as const, right: "High" },
      { left: "steps.get_alert.title", operator: "contains" as const, right: "ransom" },
      { left: "steps.get_alert.score", operator: ">" as const, right: "5" },
    ]) {
      expect(parseExpression(toExpression(rule))).toEqual(rule);
    }
    expect(toExpression({ left: "steps.get_alert.title", operator: "contains", right: "ransom" })).toBe('"ransom" in steps.get_alert.title');
  });
});

describe("Trigger kind", () => {
  it("changes what starts the flow, undoably, with the new kind's defaults", () => {
    useKindsStore.getState().setKinds(KINDS);
    useEditorStore.getState().select(["trigger"]);
    render(<Inspector />);
    fireEvent.change(screen.getByTestId("trigger-kind"), { target: { value: "manual" } });
    expect(useEditorStore.getState().doc.trigger).toMatchObject({ kind: "manual", title: "Manual", inputs: {} });
    useEditorStore.getState().undo();
    expect(useEditorStore.getState().doc.trigger?.kind).toBe("alert_created");
  });
});

describe("Insert from the dynamic-content picker", () => {
  it("inserts at the cursor, replaces a selection, and returns focus to the field after the insert", async () => {
    useEditorStore.getState().select(["isolate_machine"]);
    render(<Inspector />);
    const input = screen.getByLabelText(/Machine id/, { selector: "input" }) as HTMLInputElement;
    fireEvent.change(input, { target: { value: "id: , end" } });
    input.setSelectionRange(4, 4);
    fireEvent.select(input);
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for Machine id" }));
    fireEvent.click(await screen.findByTestId("output-steps.get_alert.machineId"));
    const machineId = () => useEditorStore.getState().doc.steps.find((s) => s.id === "isolate_machine")?.inputs.machineId;
    expect(machineId()).toBe("id: {{ steps.get_alert.machineId }}, end");
    await waitFor(() => expect(input).toHaveFocus());
    expect(input.selectionStart).toBe("id: {{ steps.get_alert.machineId }}".length);

    // A selection is replaced by what is inserted.
    input.setSelectionRange(0, 3);
    fireEvent.select(input);
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for Machine id" }));
    fireEvent.click(await screen.findByTestId("output-trigger.alertId"));
    expect(machineId()).toBe("{{ trigger.alertId }} {{ steps.get_alert.machineId }}, end");
  });

  it("replaces the untouched pre-filled default instead of gluing a second reference to it", async () => {
    resetEditor();
    const id = useEditorStore.getState().addNode("isolate_machine", { x: 0, y: 0 }) as string;
    render(<Inspector />);
    const input = screen.getByLabelText(/Machine id/, { selector: "input" });
    expect(input).toHaveValue("{{ trigger.machineId }}");
    fireEvent.click(screen.getByRole("button", { name: "Dynamic content for Machine id" }));
    fireEvent.click(await screen.findByTestId("output-steps.get_alert.machineId"));
    expect(useEditorStore.getState().doc.steps.find((s) => s.id === id)?.inputs.machineId).toBe("{{ steps.get_alert.machineId }}");
    await waitFor(() => expect(input).toHaveFocus());
  });

  it("flags two references glued together in a one-value field, in the field and the problems list", () => {
    useEditorStore.getState().updateNodeInputs("isolate_machine", { machineId: "{{ trigger.machineId }}{{ steps.get_alert.machineId }}" });
    useEditorStore.getState().select(["isolate_machine"]);
    render(<Inspector />);
    const field = screen.getByTestId("field-machineId");
    expect(field).toHaveClass("has-problem");
    expect(field).toHaveTextContent("Machine id holds 2 values glued together (trigger.machineId, steps.get_alert.machineId) where one is expected: keep one.");
    expect(screen.getByTestId("problems-list")).toHaveTextContent("“Isolate machine”: Machine id holds 2 values glued together");
  });

  it("is used with the keyboard: arrows move, Enter inserts, Escape closes, and the search starts empty", async () => {
    useEditorStore.getState().updateNodeInputs("get_alert", { alertId: "" });
    useEditorStore.getState().select(["get_alert"]);
    render(<Inspector />);
    const toggle = screen.getByRole("button", { name: "Dynamic content for Alert id" });
    fireEvent.click(toggle);
    const search = await screen.findByRole("combobox", { name: "Search outputs" });
    await screen.findByTestId("output-trigger.alertId");
    fireEvent.change(search, { target: { value: "severity" } });
    fireEvent.keyDown(search, { key: "Escape" });
    expect(screen.queryByTestId("dynamic-content-picker")).not.toBeInTheDocument();
    expect(toggle).toHaveFocus();
    fireEvent.click(toggle);
    const again = await screen.findByRole("combobox", { name: "Search outputs" });
    expect(again).toHaveValue("");
    await screen.findByTestId("output-trigger.alertId");
    fireEvent.keyDown(again, { key: "ArrowDown" });
    expect(screen.getByTestId("output-steps.get_alert.severity")).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(again, { key: "Enter" });
    expect(useEditorStore.getState().doc.steps.find((s) => s.id === "get_alert")?.inputs.alertId).toBe("{{ steps.get_alert.severity }}");
  });
});

describe("Problems list", () => {
  it("speaks the step's title in plain words: the Rust sentence when it has one, else title and message", () => {
    useEditorStore.getState().setDiagnostics([
      { nodeId: "send_email", field: "subject", code: "missing_required", message: "Subject is required", severity: "error", sentence: "“Email the SOC”: Subject is required." },
      { nodeId: "condition", field: "expression", code: "missing_required", message: "Condition is required", severity: "error", sentence: "" },
    ]);
    render(<Inspector />);
    const list = screen.getByTestId("problems-list");
    expect(list).toHaveTextContent("“Email the SOC”: Subject is required.");
    expect(list).toHaveTextContent("“Severity is High”: Condition is required");
    expect(list).not.toHaveTextContent("send_email");
  });
});

describe("The schedule trigger's panel", () => {
  const openSchedule = () => {
    useEditorStore.getState().select(["trigger"]);
    render(<Inspector />);
    fireEvent.change(screen.getByTestId("trigger-kind"), { target: { value: "schedule" } });
  };

  it("shows the missed-runs choices with labels, keeping the values", () => {
    openSchedule();
    const missed = screen.getByLabelText(/Missed runs/) as HTMLSelectElement;
    expect([...missed.options].map((option) => [option.value, option.textContent])).toEqual([
      ["run_once", "Run once when Flowguard starts"],
      ["skip", "Skip"],
    ]);
    fireEvent.change(missed, { target: { value: "skip" } });
    expect(useEditorStore.getState().doc.trigger?.inputs.missedTicks).toBe("skip");
  });

  it("reads the cron expression in plain words next to it, or calls it a custom schedule", () => {
    openSchedule();
    const cron = screen.getByLabelText(/Cron expression/);
    expect(screen.getByTestId("field-trigger-cron-reading")).toHaveTextContent("At 08:00, every day");
    fireEvent.change(cron, { target: { value: "0 8 * * 1-5" } });
    expect(screen.getByTestId("field-trigger-cron-reading")).toHaveTextContent("At 08:00, Monday to Friday");
    fireEvent.change(cron, { target: { value: "0 8 L * *" } });
    expect(screen.getByTestId("field-trigger-cron-reading")).toHaveTextContent("Custom schedule");
  });

  it("offers the time zone as a searchable list of the known zones", () => {
    openSchedule();
    const zone = screen.getByLabelText(/Time zone/);
    const list = screen.getByTestId("field-trigger-timeZone-zones");
    expect(zone).toHaveAttribute("list", list.id);
    const values = [...list.querySelectorAll("option")].map((option) => option.getAttribute("value"));
    expect(values[0]).toBe("UTC");
    expect(values).toContain("Europe/Paris");
    fireEvent.change(zone, { target: { value: "Europe/Paris" } });
    expect(useEditorStore.getState().doc.trigger?.inputs.timeZone).toBe("Europe/Paris");
  });
});
