import { describe, expect, it } from "vitest";
import type { AlertChoice } from "../ipc/client";
import { describeFilter, firstMatching, passesFilter, triggerAlertFilter } from "./alertFilter";

const alert = (id: string, severity: string, title: string): AlertChoice => ({ id, title, severity, status: "New", machineId: null, computerDnsName: null, createdAt: null });
const ORDER = ["Informational", "Low", "Medium", "High"];
const trigger = (inputs: Record<string, string>) => ({ kind: "alert_created", title: "New alert", inputs });

describe("the alert trigger's filter, as the engine reads it", () => {
  it("has no filter for blank inputs or no trigger", () => {
    expect(triggerAlertFilter(null)).toBeNull();
    expect(triggerAlertFilter(trigger({ minSeverity: " ", titleContains: "" }))).toBeNull();
  });

  it("ranks severities by the spec's order, case-insensitively; an unknown severity fails a minimum", () => {
    const filter = { minSeverity: "medium", titleContains: null };
    expect(passesFilter(alert("a", "High", "x"), filter, ORDER)).toBe(true);
    expect(passesFilter(alert("a", "Medium", "x"), filter, ORDER)).toBe(true);
    expect(passesFilter(alert("a", "Low", "x"), filter, ORDER)).toBe(false);
    expect(passesFilter(alert("a", "UnknownFutureValue", "x"), filter, ORDER)).toBe(false);
    expect(passesFilter(alert("a", "UnknownFutureValue", "x"), { minSeverity: null, titleContains: "X" }, ORDER)).toBe(true);
  });

  it("picks the first (newest) alert passing both filters, reading the order from the registry", () => {
    const alerts = [alert("n", "High", "Ransomware"), alert("m", "Medium", "Odd PowerShell"), alert("l", "High", "PowerShell download")];
    expect(firstMatching(alerts, trigger({ minSeverity: "High", titleContains: "powershell" }))?.id).toBe("l");
    expect(firstMatching(alerts, trigger({ titleContains: "powershell" }))?.id).toBe("m");
    expect(firstMatching(alerts, trigger({}))?.id).toBe("n");
    expect(firstMatching(alerts, trigger({ titleContains: "mimikatz" }))).toBeUndefined();
  });

  it("describes the filter in plain words", () => {
    expect(describeFilter({ minSeverity: "High", titleContains: "ransom" })).toBe("severity High or higher, title contains “ransom”");
  });
});
