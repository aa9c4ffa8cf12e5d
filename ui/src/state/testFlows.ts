// Small documents shared by the state tests: the seed flow the designer issue describes.
import type { FlowDocument } from "./flowDocument";

/** new alert → get alert → if High → (Yes) isolate → email; (No) email. */
export function seedDocument(): FlowDocument {
  return {
    trigger: { kind: "alert_created", title: "New Defender alert", inputs: { minimumSeverity: "medium" } },
    steps: [
      { id: "get_alert", kind: "get_alert", title: "Get alert", inputs: { alertId: "{{trigger.alertId}}" } },
      { id: "condition", kind: "condition", title: "Severity is High", inputs: { expression: "steps.get_alert.severity == 'High'" } },
      { id: "isolate_machine", kind: "isolate_machine", title: "Isolate machine", inputs: { isolationType: "Full" } },
      { id: "send_email", kind: "send_email", title: "Email the SOC", inputs: { to: ["soc@contoso.com"] } },
    ],
    edges: [
      { from: "trigger", to: "get_alert" },
      { from: "get_alert", to: "condition" },
      { from: "condition", to: "isolate_machine", port: "true" },
      { from: "condition", to: "send_email", port: "false" },
      { from: "isolate_machine", to: "send_email" },
    ],
    layout: {
      trigger: { x: 0, y: 0 },
      get_alert: { x: 250, y: 0 },
      condition: { x: 500, y: 0 },
      isolate_machine: { x: 750, y: -60 },
      send_email: { x: 1000, y: 0 },
    },
  };
}
