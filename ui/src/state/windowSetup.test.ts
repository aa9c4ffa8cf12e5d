import { keepsContextMenu } from "./windowSetup";

describe("window setup", () => {
  it("keeps the webview's context menu out of the app, except in text fields", () => {
    const onCanvas = new MouseEvent("contextmenu", { bubbles: true, cancelable: true });
    document.body.dispatchEvent(onCanvas);
    // windowSetup.ts installed its listener when imported.
    expect(onCanvas.defaultPrevented).toBe(true);

    const field = document.createElement("input");
    document.body.append(field);
    const inField = new MouseEvent("contextmenu", { bubbles: true, cancelable: true });
    field.dispatchEvent(inField);
    expect(inField.defaultPrevented).toBe(false);
    field.remove();

    expect(keepsContextMenu(document.createElement("textarea"))).toBe(true);
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    expect(keepsContextMenu(checkbox)).toBe(false);
    expect(keepsContextMenu(document.createElement("button"))).toBe(false);
  });
});
