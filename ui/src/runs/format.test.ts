import { flowOrder, formatDuration, errorParts } from "./format";
import { takenEdges } from "./TakenEdges";
import { seedDocument } from "../state/testFlows";

describe("run helpers", () => {
  it("orders a flow's nodes as a run goes: the trigger, then dependencies first", () => {
    const doc = seedDocument();
    // Document order that disagrees with the edges.
    const shuffled = { ...doc, steps: [doc.steps[3]!, doc.steps[2]!, doc.steps[0]!, doc.steps[1]!] };
    expect(flowOrder(shuffled)).toEqual(["trigger", "get_alert", "condition", "isolate_machine", "send_email"]);
  });

  it("formats durations and errors", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(420)).toBe("420 ms");
    expect(formatDuration(3200)).toBe("3.2 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(errorParts({ code: "Forbidden", message: "no permission" })).toEqual({ code: "Forbidden", message: "no permission" });
    expect(errorParts(null)).toBeNull();
  });

  it("highlights only the branch a condition took", () => {
    const doc = seedDocument();
    const ok = (status: string) => ({ status, attempts: 1, durationMs: 1 });
    const nodes = { trigger: ok("succeeded"), get_alert: ok("succeeded"), condition: ok("succeeded"), isolate_machine: ok("succeeded"), send_email: ok("running") };
    expect(takenEdges(doc.edges, nodes, new Map([["condition", true]]))).toEqual([
      "trigger->get_alert",
      "get_alert->condition",
      "condition:true->isolate_machine",
      "isolate_machine->send_email",
    ]);
  });
});
