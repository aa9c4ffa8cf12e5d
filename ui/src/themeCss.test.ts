// The theme switch (Settings) writes data-theme on <html>; a stylesheet keyed on the OS's
// preference instead would ignore the switch. Every stylesheet follows data-theme.
// (Vitest hands CSS imports over empty, so the sheets are read from disk; tests run from ui/.)
// @ts-expect-error The UI's tsconfig has no Node types; vitest runs in Node.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

function cssFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }) as { name: string; isDirectory(): boolean }[];
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "bindings" ? [] : cssFiles(path);
    return entry.name.endsWith(".css") ? [path] : [];
  });
}

const read = (path: string): string => readFileSync(path, "utf8") as string;
const sheets = cssFiles("src");

describe("stylesheets follow the theme switch", () => {
  it("finds the stylesheets", () => {
    expect(sheets).toEqual(expect.arrayContaining(["src/styles.css", "src/engine/engine.css", "src/runs/runs.css"]));
  });

  it.each(sheets)("%s does not read the OS's colour preference", (path) => {
    expect(read(path)).not.toMatch(/prefers-color-scheme/);
  });

  it("dark-theme overrides in engine.css, runs.css and activity.css are keyed on data-theme", () => {
    expect(read("src/engine/engine.css")).toContain(':root[data-theme="dark"] .primary-button');
    expect(read("src/runs/runs.css")).toMatch(/:root\[data-theme="dark"\] :is\([^)]*\.run-now-button/);
    expect(read("src/activity/activity.css")).toContain(':root[data-theme="dark"] .activity-badge');
  });
});
