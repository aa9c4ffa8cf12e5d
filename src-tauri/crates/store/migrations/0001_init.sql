-- Flowguard's first schema. Secrets never go in this database: connections keep only
-- non-secret settings, and the secrets live in the OS keychain (or a user-only file).

CREATE TABLE flows (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    current_version INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Every saved version of every flow, kept. Saving identical content adds no version.
CREATE TABLE flow_versions (
    flow_id      TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    saved_at     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    document     TEXT NOT NULL,
    problems     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (flow_id, version)
);

CREATE TABLE runs (
    id              TEXT PRIMARY KEY NOT NULL,
    flow_id         TEXT NOT NULL,
    flow_version    INTEGER NOT NULL,
    trigger_kind    TEXT NOT NULL,
    trigger_payload TEXT NOT NULL,
    dry_run         INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    reason          TEXT,
    rerun_of        TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT
);
CREATE INDEX runs_by_flow ON runs (flow_id, created_at);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE step_runs (
    run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_id       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    input         TEXT,
    output        TEXT,
    error_code    TEXT,
    error_message TEXT,
    error         TEXT,
    started_at    TEXT,
    finished_at   TEXT,
    position      INTEGER NOT NULL,
    PRIMARY KEY (run_id, step_id)
);

-- Where each poller is: one row per tenant (or per flow for other triggers).
CREATE TABLE trigger_cursors (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Each alert starts each flow once: the row is written in the transaction that creates the run.
CREATE TABLE processed_alerts (
    flow_id      TEXT NOT NULL,
    alert_id     TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (flow_id, alert_id)
);

-- Each schedule tick fires once, for the same reason.
CREATE TABLE schedule_ticks (
    flow_id  TEXT NOT NULL,
    tick     TEXT NOT NULL,
    run_id   TEXT,
    fired_at TEXT NOT NULL,
    PRIMARY KEY (flow_id, tick)
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Non-secret connection settings (tenant id, client id, hosts, SMTP host and user).
CREATE TABLE connections (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('defender', 'smtp', 'graph')),
    name       TEXT NOT NULL,
    config     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
