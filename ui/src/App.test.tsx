import { render, screen } from "@testing-library/react";
import { App } from "./App";

// React Flow measures its container; jsdom has no layout, so give it the observer it expects.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}

describe("App", () => {
  beforeAll(() => {
    vi.stubGlobal("ResizeObserver", ResizeObserverStub);
  });

  it("shows the canvas, the palette and says when it runs outside the app", () => {
    render(<App />);
    expect(screen.getByTestId("canvas")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Node palette" })).toBeInTheDocument();
    expect(screen.getByTestId("status-bar")).toHaveTextContent("not running inside the Flowguard app");
  });
});
