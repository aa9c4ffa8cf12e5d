import { shortcutCommand } from "./useEditorShortcuts";

const key = (k: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "shiftKey" | "altKey", boolean>> = {}) =>
  shortcutCommand({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe("shortcut table", () => {
  it("maps undo and the three redo spellings", () => {
    expect(key("z", { ctrlKey: true })).toBe("undo");
    expect(key("z", { metaKey: true })).toBe("undo");
    expect(key("Z", { ctrlKey: true, shiftKey: true })).toBe("redo");
    expect(key("Z", { metaKey: true, shiftKey: true })).toBe("redo");
    expect(key("y", { ctrlKey: true })).toBe("redo");
  });

  it("maps the editing and view keys", () => {
    expect(key("Delete")).toBe("delete");
    expect(key("Backspace")).toBe("delete");
    expect(key("c", { metaKey: true })).toBe("copy");
    expect(key("v", { ctrlKey: true })).toBe("paste");
    expect(key("a", { ctrlKey: true })).toBe("selectAll");
    expect(key("f")).toBe("fit");
    expect(key("F")).toBe("fit");
    expect(key("l")).toBe("tidy");
    expect(key("c")).toBe("connect");
    expect(key("n")).toBe("connectNo");
    expect(key("F2")).toBe("rename");
    expect(key("?", { shiftKey: true })).toBe("toggleShortcuts");
    expect(key("Escape")).toBe("escape");
  });

  it("ignores everything else", () => {
    expect(key("f", { ctrlKey: true })).toBeNull();
    expect(key("F", { shiftKey: true })).toBeNull();
    expect(key("z")).toBeNull();
    expect(key("z", { ctrlKey: true, altKey: true })).toBeNull();
    expect(key("x")).toBeNull();
  });
});
