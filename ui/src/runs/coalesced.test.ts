import { describe, expect, it } from "vitest";
import { coalesced } from "./runStore";

describe("coalesced", () => {
  it("runs once more after a burst of calls, not once per call", async () => {
    let calls = 0;
    let release: () => void = () => {};
    const work = coalesced(
      () =>
        new Promise<void>((resolve) => {
          calls += 1;
          release = resolve;
        }),
    );
    const first = work();
    for (let i = 0; i < 1000; i += 1) void work();
    expect(calls).toBe(1);
    release();
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(2);
    release();
    await first;
    expect(calls).toBe(2);
    // Idle again: the next call runs at once.
    void work();
    expect(calls).toBe(3);
    release();
  });
});
