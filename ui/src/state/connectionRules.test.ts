import { connectionProblem, reaches } from "./connectionRules";
import { seedDocument } from "./testFlows";

describe("connection rules", () => {
  const doc = seedDocument();
  // A flow with a spare email step nothing leads into yet.
  const withSpare = { ...doc, steps: [...doc.steps, { id: "send_email_2", kind: "send_email", title: "Email owner", inputs: {} }] };

  it("accepts a new edge between unconnected steps", () => {
    expect(connectionProblem(withSpare, { source: "send_email", target: "send_email_2" })).toBeNull();
  });

  it("allows fan-out, also from one condition port", () => {
    expect(connectionProblem(withSpare, { source: "condition", sourceHandle: "true", target: "send_email_2" })).toBeNull();
    expect(connectionProblem(withSpare, { source: "get_alert", target: "send_email_2" })).toBeNull();
  });

  it("refuses an edge into the trigger", () => {
    expect(connectionProblem(doc, { source: "send_email", target: "trigger" })).toMatch(/Nothing can lead into the trigger/);
  });

  it("refuses a node connected to itself", () => {
    expect(connectionProblem(doc, { source: "get_alert", target: "get_alert" })).toBe("A node cannot connect to itself.");
  });

  it("refuses a duplicate edge, naming the port", () => {
    expect(connectionProblem(doc, { source: "trigger", target: "get_alert" })).toBe("New Defender alert is already connected to Get alert.");
    expect(connectionProblem(doc, { source: "condition", sourceHandle: "true", target: "isolate_machine" })).toBe(
      "Severity is High (Yes) is already connected to Isolate machine.",
    );
  });

  it("allows the other port of a condition to the same target", () => {
    expect(connectionProblem(doc, { source: "condition", sourceHandle: "false", target: "isolate_machine" })).toBeNull();
  });

  it("refuses a connection that would make a cycle", () => {
    expect(connectionProblem(doc, { source: "send_email", target: "get_alert" })).toBe(
      "That would make a loop: Get alert already leads to Email the SOC.",
    );
  });

  it("refuses a condition edge without a port, and a dangling end", () => {
    expect(connectionProblem(withSpare, { source: "condition", target: "send_email_2" })).toMatch(/Yes or No output/);
    expect(connectionProblem(doc, { source: "get_alert", target: null })).toMatch(/Drop the connection/);
    expect(connectionProblem(doc, { source: "gone", target: "get_alert" })).toMatch(/no longer on the canvas/);
  });

  it("follows edges for reachability", () => {
    expect(reaches(doc, "trigger", "send_email")).toBe(true);
    expect(reaches(doc, "send_email", "trigger")).toBe(false);
  });
});
