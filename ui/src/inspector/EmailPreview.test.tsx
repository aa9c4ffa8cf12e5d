import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { invoke } from "@tauri-apps/api/core";
import { Inspector } from "./Inspector";
import { PREVIEW_DEBOUNCE_MS, resetEmailPreview } from "./EmailPreview";
import { resetEditor, useEditorStore } from "../state/editorStore";
import { useKindsStore } from "../state/kindsStore";
import { resetFlowSession } from "../state/flowSession";
import { seedDocument } from "../state/testFlows";
import type { EmailPreview, NodeKindSpec } from "../ipc/client";
import { routeInvoke } from "../test/ipcMock";
import { KINDS, OUTPUTS } from "../test/fixtures";
import { registryKind } from "../test/registry";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const SEND_EMAIL: NodeKindSpec = registryKind("send_email");

const TEXT: EmailPreview = {
  to: "soc@contoso.com",
  cc: "lead@contoso.com",
  subject: "High alert on ws-042",
  body: "Machine ws-042 was isolated.",
  html: false,
  source: "run 0193a1b2",
  errors: ["body: unknown variable steps.get_alrt"],
};

function setup(answer: (args: Record<string, unknown> | undefined) => EmailPreview) {
  const preview = vi.fn(answer);
  routeInvoke({ node_kinds: () => [...KINDS, SEND_EMAIL], available_outputs: () => OUTPUTS, preview_email: preview });
  useKindsStore.getState().setKinds([...KINDS, SEND_EMAIL]);
  useEditorStore.getState().select(["send_email"]);
  render(<Inspector />);
  return preview;
}

beforeEach(() => {
  vi.mocked(invoke).mockReset();
  resetEmailPreview();
  resetFlowSession();
  resetEditor(seedDocument());
});

describe("Email preview", () => {
  it("renders the subject, recipients, text body, where the data came from and the template errors", async () => {
    const preview = setup(() => TEXT);
    expect(preview).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Preview email" }));
    expect(await screen.findByTestId("email-preview-subject")).toHaveTextContent("High alert on ws-042");
    expect(screen.getByTestId("email-preview-to")).toHaveTextContent("soc@contoso.com");
    expect(screen.getByTestId("email-preview-cc")).toHaveTextContent("lead@contoso.com");
    expect(screen.getByTestId("email-preview-text").tagName).toBe("PRE");
    expect(screen.getByTestId("email-preview-text")).toHaveTextContent("Machine ws-042 was isolated.");
    expect(screen.getByTestId("email-preview-source")).toHaveTextContent("Rendered against run 0193a1b2");
    expect(screen.getByRole("list", { name: "Template problems" })).toHaveTextContent("unknown variable steps.get_alrt");
    expect(invoke).toHaveBeenCalledWith("preview_email", { flow: expect.objectContaining({ steps: expect.arrayContaining([expect.objectContaining({ id: "send_email" })]) }), nodeId: "send_email" });
  });

  it("shows an HTML body in a sandboxed frame, without scripts", async () => {
    setup(() => ({ ...TEXT, html: true, errors: [], body: "<p>Machine <b>ws-042</b></p><script>alert(1)</script>", source: "a sample alert" }));
    fireEvent.click(screen.getByRole("button", { name: "Preview email" }));
    const frame = await screen.findByTitle("Email body (HTML)");
    expect(frame.tagName).toBe("IFRAME");
    expect(frame).toHaveAttribute("sandbox", "");
    expect(frame.getAttribute("srcdoc")).toContain("<b>ws-042</b>");
    expect(screen.getByTestId("email-preview-source")).toHaveTextContent("Rendered against a sample alert");
    expect(screen.queryByTestId("email-preview-errors")).toBeNull();
  });

  it("renders again once edits pause", async () => {
    vi.useFakeTimers();
    try {
      const preview = setup((args) => ({ ...TEXT, errors: [], subject: String(((args?.flow as { steps: { id: string; inputs: Record<string, unknown> }[] }).steps.find((step) => step.id === "send_email")?.inputs.subject) ?? "") }));
      fireEvent.click(screen.getByRole("button", { name: "Preview email" }));
      await act(async () => {
        await vi.advanceTimersByTimeAsync(0);
      });
      expect(preview).toHaveBeenCalledTimes(1);
      fireEvent.change(screen.getByRole("textbox", { name: /^Subject/ }), { target: { value: "Alert" } });
      fireEvent.change(screen.getByRole("textbox", { name: /^Subject/ }), { target: { value: "Alert on ws-042" } });
      await act(async () => {
        await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS - 100);
      });
      expect(preview).toHaveBeenCalledTimes(1);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(200);
      });
      expect(preview).toHaveBeenCalledTimes(2);
      expect(screen.getByTestId("email-preview-subject")).toHaveTextContent("Alert on ws-042");
    } finally {
      vi.useRealTimers();
    }
  });

  it("says when the preview cannot be rendered", async () => {
    routeInvoke({ node_kinds: () => [...KINDS, SEND_EMAIL], available_outputs: () => OUTPUTS, preview_email: () => { throw { kind: "unavailable", message: "no mail connection is configured" }; } });
    useKindsStore.getState().setKinds([...KINDS, SEND_EMAIL]);
    useEditorStore.getState().select(["send_email"]);
    render(<Inspector />);
    fireEvent.click(screen.getByRole("button", { name: "Preview email" }));
    await waitFor(() => expect(screen.getByTestId("email-preview-error")).toHaveTextContent("no mail connection is configured"));
  });

  it("is not offered for other steps", () => {
    setup(() => TEXT);
    act(() => useEditorStore.getState().select(["isolate_machine"]));
    expect(screen.queryByTestId("email-preview")).toBeNull();
  });
});
