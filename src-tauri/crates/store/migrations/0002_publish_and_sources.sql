-- Drafts and publish, "switching on starts from now", dry run only, and run sources.
--
-- A flow's newest version is its draft (`current_version`); background runs use
-- `published_version`, which only Publish moves. Flows enabled before this migration ran their
-- current version, so it becomes their published one. `enabled_at` is when the flow was last
-- switched on: the alert poller starts it only for alerts created from then on (for flows
-- already on, from now: nothing of the past is replayed by the upgrade).

ALTER TABLE flows ADD COLUMN published_version INTEGER;
ALTER TABLE flows ADD COLUMN enabled_at TEXT;
ALTER TABLE flows ADD COLUMN disabled_at TEXT;
ALTER TABLE flows ADD COLUMN dry_run_only INTEGER NOT NULL DEFAULT 0 CHECK (dry_run_only IN (0, 1));

UPDATE flows SET published_version = current_version,
                 enabled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE enabled = 1;

-- Why each run exists: manual, alert, schedule, rerun or backlog.
ALTER TABLE runs ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'alert', 'schedule', 'rerun', 'backlog'));

UPDATE runs SET source = CASE
    WHEN rerun_of IS NOT NULL THEN 'rerun'
    WHEN trigger_kind = 'schedule' THEN 'schedule'
    WHEN id IN (SELECT run_id FROM processed_alerts) THEN 'alert'
    ELSE 'manual'
END;

CREATE INDEX runs_by_created ON runs (created_at, id);
