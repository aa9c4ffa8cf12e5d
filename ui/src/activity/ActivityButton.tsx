import { useRunStore } from "../runs/runStore";
import { useActivityStore } from "./activityStore";
import "./activity.css";

/** The count of tenant-changing runs not yet seen (nothing when there are none). */
export function ActivityBadge() {
  const unseen = useActivityStore((state) => state.unseen);
  if (unseen === 0) return null;
  return (
    <span className="activity-badge" data-testid="activity-badge" aria-label={`${unseen} unseen run${unseen === 1 ? "" : "s"} that changed the tenant`}>
      {unseen}
    </span>
  );
}

/** The toolbar's Activity button: opens the run panel on every flow's activity. */
export function ActivityButton() {
  const open = useRunStore((state) => state.panelOpen && state.tab === "activity");
  return (
    <button
      type="button"
      className="plain-button activity-button"
      data-testid="activity"
      aria-pressed={open}
      onClick={() => {
        const store = useRunStore.getState();
        if (open) store.closePanel();
        else store.openPanel("activity");
      }}
    >
      Activity
      <ActivityBadge />
    </button>
  );
}
