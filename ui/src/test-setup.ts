import "@testing-library/jest-dom/vitest";

// React Flow measures its container and nodes; jsdom has no layout, so give it the browser
// APIs it expects (no-op observers, an identity matrix for the viewport transform).
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
if (!("ResizeObserver" in globalThis)) {
  Object.defineProperty(globalThis, "ResizeObserver", { value: ResizeObserverStub, writable: true, configurable: true });
}

class DOMMatrixReadOnlyStub {
  m22 = 1;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([0-9.]+)\)/)?.[1];
    this.m22 = scale ? Number(scale) : 1;
  }
}
if (!("DOMMatrixReadOnly" in globalThis)) {
  Object.defineProperty(globalThis, "DOMMatrixReadOnly", { value: DOMMatrixReadOnlyStub, writable: true, configurable: true });
}

// Every test starts with the real node kind registry loaded (test/registry.ts); a test that needs
// the kinds unloaded or different sets them itself. Imported when the test runs, after the test
// file's own `vi.mock` of the Tauri API (a static import here would load the real one first).
beforeEach(async () => {
  const [{ useKindsStore }, { REGISTRY }] = await Promise.all([import("./state/kindsStore"), import("./test/registry")]);
  useKindsStore.getState().setKinds(REGISTRY);
});
