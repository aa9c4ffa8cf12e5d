import { iconPath } from "../icons";

/**
 * A node kind's icon, by the name its spec gives (`spec.icon`); an unknown name draws the generic
 * icon. Inline SVG: it renders the same on every OS, with no emoji font needed.
 */
export function NodeIcon({ icon, size = 18 }: { icon: string | undefined; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="node-icon" data-icon={icon}>
      <path d={iconPath(icon)} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
