import type { NodeKindId } from "./nodeKinds";

// Inline SVG icons: they render the same on every OS, with no emoji font needed.
const PATHS: Record<NodeKindId, string> = {
  trigger: "M13 2 4 14h6l-1 8 9-12h-6l1-8z",
  get_alert: "M10.5 4a6.5 6.5 0 1 0 4.03 11.6l4.43 4.44 1.42-1.42-4.44-4.43A6.5 6.5 0 0 0 10.5 4zm0 2a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9z",
  condition: "M12 2 22 12 12 22 2 12z",
  isolate_machine: "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3zm0 2.2 6 2.2V11c0 3.9-2.5 7.6-6 8.9-3.5-1.3-6-5-6-8.9V6.4l6-2.2z",
  send_email: "M3 5h18v14H3V5zm2 2v.5l7 4.5 7-4.5V7H5zm14 2.9-7 4.5-7-4.5V17h14V9.9z",
};

export function NodeIcon({ kind, size = 18 }: { kind: NodeKindId; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="node-icon">
      <path d={PATHS[kind]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
