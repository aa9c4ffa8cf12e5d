import { describe, expect, it } from "vitest";
import { cronReading, describeCron } from "./cronReading";

describe("the cron expression in plain words", () => {
  it.each([
    ["0 8 * * 1-5", "At 08:00, Monday to Friday"],
    ["0 8 * * Mon-Fri", "At 08:00, Monday to Friday"],
    ["0 0 8 * * Mon-Fri", "At 08:00, Monday to Friday"],
    ["0 8 * * *", "At 08:00, every day"],
    ["30 17 * * 1,4", "At 17:30, on Monday and Thursday"],
    ["0 9 * * 0", "At 09:00, on Sunday"],
    ["0 9 * * 7", "At 09:00, on Sunday"],
    ["0 8,12,17 * * *", "At 08:00, 12:00 and 17:00, every day"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["* * * * *", "Every minute"],
    ["0 * * * *", "Every hour, on the hour"],
    ["5 */2 * * *", "Every 2 hours at 05 minutes past"],
    ["0 6 1 * *", "At 06:00, on day 1 of the month"],
    ["0 6 1 1,7 *", "At 06:00, on day 1 of the month, in January and July"],
  ])("%s → %s", (expression, reading) => {
    expect(describeCron(expression)).toBe(reading);
  });

  it.each(["0 8 * * 1-5 2027", "15 0 8 * * *", "0 25 * * *", "0 8 L * *", "0 8-17/2 * * *", "@daily", "nonsense"])("%s is a custom schedule", (expression) => {
    expect(describeCron(expression)).toBeNull();
    expect(cronReading(expression)).toBe("Custom schedule");
  });

  it("says nothing for an empty field", () => {
    expect(cronReading("  ")).toBe("");
  });
});
