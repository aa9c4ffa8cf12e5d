//! Flows and every saved version of each.
//!
//! A flow's document is stored whole, as canonical JSON, once per version. The newest version is
//! the flow's **draft**: saving (the editor's autosave) adds a version and changes nothing else,
//! whatever problems it has. **Publishing** makes the draft the version background runs use
//! (`published_version`), and is refused while it has errors. The `enabled` switch, when it was
//! last flipped (`enabled_at`, `disabled_at`) and `dry_run_only` live on the flow row, not in the
//! versions: they are not edits, and a version's content (and hash) never depends on them.
//! Turning a flow on needs a published version. Saving the same content again adds no version.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use flowguard_model::{Diagnostic, Flow, validate};

use crate::{Store, StoreError, now, precise_now};

/// A flow as stored: one of its versions' document (with `enabled` from the flow row) and the
/// flow row's facts. [`Store::get_flow`] gives the draft, [`Store::published_flow`] and
/// [`Store::enabled_flows`] the published version.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlow {
    pub flow: Flow,
    /// The version `flow` is.
    pub version: i64,
    /// The newest version (the draft).
    pub draft_version: i64,
    /// The version background runs use, once published.
    pub published_version: Option<i64>,
    /// The published version's content differs from the draft's (or nothing is published).
    pub has_unpublished_changes: bool,
    /// When the flow was last switched on / off (RFC 3339).
    pub enabled_at: Option<String>,
    pub disabled_at: Option<String>,
    /// Every background run is a dry run.
    pub dry_run_only: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of `flows list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowSummary {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// The draft (newest) version.
    pub version: i64,
    pub published_version: Option<i64>,
    pub has_unpublished_changes: bool,
    pub dry_run_only: bool,
    /// Validation errors and warnings of the draft.
    pub problems: i64,
    pub updated_at: String,
}

/// One saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub version: i64,
    pub saved_at: String,
    pub content_hash: String,
    /// Validation errors and warnings of this version.
    pub problems: i64,
    /// Background runs use this version.
    pub published: bool,
    /// The newest version: the draft.
    pub draft: bool,
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub version: i64,
    pub previous: Option<i64>,
    /// False when this version was published already.
    pub changed: bool,
}

/// What saving did.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveOutcome {
    pub version: i64,
    /// False when the content was identical to the current version.
    pub new_version: bool,
    /// The switch as it is (saving never changes it).
    pub enabled: bool,
    pub published_version: Option<i64>,
    pub has_unpublished_changes: bool,
    /// The saved document's problems (they never disable anything; they block Publish).
    pub diagnostics: Vec<Diagnostic>,
}

/// The document as versions store it: `enabled` is not part of a version.
fn versioned(flow: &Flow) -> Flow {
    Flow {
        enabled: false,
        ..flow.clone()
    }
}

fn summary_of(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.sentence.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

fn errors_of(flow: &Flow) -> Vec<Diagnostic> {
    validate(flow)
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// The flow-row columns [`stored_row`] reads after the document, in its order.
const FLOW_COLUMNS: &str = "f.enabled, f.current_version, f.published_version, f.enabled_at, f.disabled_at, \
     f.dry_run_only, f.created_at, f.updated_at, \
     (f.published_version IS NULL OR (SELECT content_hash FROM flow_versions p WHERE p.flow_id = f.id AND p.version = f.published_version) \
        IS NOT (SELECT content_hash FROM flow_versions d WHERE d.flow_id = f.id AND d.version = f.current_version))";

/// A stored flow from a row of `v.document, v.version, FLOW_COLUMNS` (the document parsed later).
fn stored_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, StoredFlow)> {
    let enabled: bool = row.get(2)?;
    let stored = StoredFlow {
        flow: Flow {
            enabled,
            ..Flow::default()
        },
        version: row.get(1)?,
        draft_version: row.get(3)?,
        published_version: row.get(4)?,
        enabled_at: row.get(5)?,
        disabled_at: row.get(6)?,
        dry_run_only: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        has_unpublished_changes: row.get(10)?,
    };
    Ok((row.get(0)?, stored))
}

fn parse_stored((document, mut stored): (String, StoredFlow)) -> Result<StoredFlow, StoreError> {
    let enabled = stored.flow.enabled;
    stored.flow = serde_json::from_str(&document)?;
    stored.flow.enabled = enabled;
    Ok(stored)
}

/// What importing a flow does when a flow with its id exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Refuse with [`StoreError::FlowExists`].
    Fail,
    /// Save the file as the existing flow's next version.
    Replace,
    /// Save it under a free `<id>-copy[-N]` id, "(copy)" added to its name.
    Copy,
}

/// What an import saved: the flow as saved (its id and name may have changed) and the outcome.
#[derive(Debug, Clone)]
pub struct Imported {
    pub flow: Flow,
    pub outcome: SaveOutcome,
}

impl Store {
    /// Imports a flow document (the CLI's `flows import`, the app's Import).
    pub fn import_flow(
        &self,
        mut flow: Flow,
        on_conflict: OnConflict,
    ) -> Result<Imported, StoreError> {
        if self.flow_exists(&flow.id)? {
            match on_conflict {
                OnConflict::Fail => return Err(StoreError::FlowExists(flow.id)),
                OnConflict::Replace => {}
                OnConflict::Copy => {
                    flow.id = self.free_copy_id(&flow.id)?;
                    flow.name = format!("{} (copy)", flow.name);
                }
            }
        }
        let outcome = self.save_flow(&flow)?;
        Ok(Imported { flow, outcome })
    }

    /// `<id>-copy`, else `<id>-copy-2`, … : the first id no flow uses.
    fn free_copy_id(&self, id: &str) -> Result<String, StoreError> {
        for index in 1.. {
            let candidate = if index == 1 {
                format!("{id}-copy")
            } else {
                format!("{id}-copy-{index}")
            };
            if !self.flow_exists(&candidate)? {
                return Ok(candidate);
            }
        }
        unreachable!("an unbounded range always yields a free id")
    }

    /// Saves a flow (a new one, or a new version of an existing one) in one transaction: the
    /// new version is the flow's draft. Saving never changes the enabled switch, the published
    /// version or `dry_run_only`, whatever problems the draft has; a new flow starts off,
    /// unpublished (`flow.enabled` is ignored).
    pub fn save_flow(&self, flow: &Flow) -> Result<SaveOutcome, StoreError> {
        let diagnostics = validate(flow);
        let document = versioned(flow);
        let text = document.to_canonical_json();
        let hash = document.content_hash();
        let problems = i64::try_from(diagnostics.len()).unwrap_or(i64::MAX);
        self.transaction(|tx| {
            let current: Option<(i64, String)> = tx
                .query_row(
                    "SELECT f.current_version, v.content_hash FROM flows f
                     JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
                     WHERE f.id = ?1",
                    [&flow.id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let stamp = now();
            let (version, new_version) = match current {
                Some((version, existing)) if existing == hash => (version, false),
                Some((version, _)) => (version + 1, true),
                None => (1, true),
            };
            tx.execute(
                "INSERT INTO flows (id, name, enabled, current_version, created_at, updated_at)
                 VALUES (?1, ?2, 0, ?3, ?4, ?4)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, current_version = ?3, updated_at = ?4",
                params![flow.id, flow.name, version, stamp],
            )?;
            if new_version {
                tx.execute(
                    "INSERT INTO flow_versions (flow_id, version, saved_at, content_hash, document, problems)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![flow.id, version, stamp, hash, text, problems],
                )?;
            }
            let (enabled, published_version, published_hash): (bool, Option<i64>, Option<String>) = tx.query_row(
                "SELECT f.enabled, f.published_version, p.content_hash FROM flows f
                 LEFT JOIN flow_versions p ON p.flow_id = f.id AND p.version = f.published_version
                 WHERE f.id = ?1",
                [&flow.id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            Ok(SaveOutcome {
                version,
                new_version,
                enabled,
                published_version,
                has_unpublished_changes: published_hash.as_deref() != Some(hash.as_str()),
                diagnostics,
            })
        })
    }

    fn stored_at(
        &self,
        flow_id: &str,
        version_column: &str,
    ) -> Result<Option<StoredFlow>, StoreError> {
        let connection = self.connection();
        let row = connection
            .query_row(
                &format!(
                    "SELECT v.document, v.version, {FLOW_COLUMNS}
                     FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.{version_column}
                     WHERE f.id = ?1"
                ),
                [flow_id],
                stored_row,
            )
            .optional()?;
        drop(connection);
        row.map(parse_stored).transpose()
    }

    /// The flow's draft (its newest version), or `None`.
    pub fn get_flow(&self, flow_id: &str) -> Result<Option<StoredFlow>, StoreError> {
        self.stored_at(flow_id, "current_version")
    }

    /// The flow's published version (what its background runs use), or `None` when the flow
    /// does not exist or was never published.
    pub fn published_flow(&self, flow_id: &str) -> Result<Option<StoredFlow>, StoreError> {
        self.stored_at(flow_id, "published_version")
    }

    /// A given version of a flow (what a run ran).
    pub fn get_flow_version(&self, flow_id: &str, version: i64) -> Result<Flow, StoreError> {
        let document: Option<String> = self
            .connection()
            .query_row(
                "SELECT document FROM flow_versions WHERE flow_id = ?1 AND version = ?2",
                params![flow_id, version],
                |row| row.get(0),
            )
            .optional()?;
        let document = document.ok_or_else(|| StoreError::VersionNotFound {
            flow_id: flow_id.to_owned(),
            version,
        })?;
        Ok(serde_json::from_str(&document)?)
    }

    /// Every flow, by name.
    pub fn list_flows(&self) -> Result<Vec<FlowSummary>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT f.id, f.name, f.enabled, f.current_version, v.problems, f.updated_at,
                    f.published_version, f.dry_run_only, p.content_hash IS NOT v.content_hash
             FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
             LEFT JOIN flow_versions p ON p.flow_id = f.id AND p.version = f.published_version
             ORDER BY f.name COLLATE NOCASE, f.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(FlowSummary {
                id: row.get(0)?,
                name: row.get(1)?,
                enabled: row.get(2)?,
                version: row.get(3)?,
                problems: row.get(4)?,
                updated_at: row.get(5)?,
                published_version: row.get(6)?,
                dry_run_only: row.get(7)?,
                has_unpublished_changes: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The enabled flows, each at its **published** version (what background runs use).
    pub fn enabled_flows(&self) -> Result<Vec<StoredFlow>, StoreError> {
        let ids: Vec<String> = {
            let connection = self.connection();
            let mut statement = connection.prepare(
                "SELECT id FROM flows WHERE enabled = 1 AND published_version IS NOT NULL ORDER BY id",
            )?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut flows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(flow) = self.published_flow(&id)? {
                flows.push(flow);
            }
        }
        Ok(flows)
    }

    /// Every version of a flow, oldest first, each saying whether it is published or the draft.
    pub fn flow_history(&self, flow_id: &str) -> Result<Vec<FlowVersion>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT v.version, v.saved_at, v.content_hash, v.problems,
                    v.version IS f.published_version, v.version = f.current_version
             FROM flow_versions v JOIN flows f ON f.id = v.flow_id
             WHERE v.flow_id = ?1 ORDER BY v.version",
        )?;
        let rows = statement.query_map([flow_id], |row| {
            Ok(FlowVersion {
                version: row.get(0)?,
                saved_at: row.get(1)?,
                content_hash: row.get(2)?,
                problems: row.get(3)?,
                published: row.get(4)?,
                draft: row.get(5)?,
            })
        })?;
        let versions: Vec<FlowVersion> = rows.collect::<Result<_, _>>()?;
        if versions.is_empty() {
            return Err(StoreError::FlowNotFound(flow_id.to_owned()));
        }
        Ok(versions)
    }

    /// Makes the draft the published version (what background runs use). Refused while the
    /// draft has errors, naming each in plain words. The check and the switch are one
    /// transaction, so a version saved in between cannot be published unchecked.
    pub fn publish(&self, flow_id: &str) -> Result<Published, StoreError> {
        self.transaction(|tx| {
            let row: Option<(String, i64, Option<i64>)> = tx
                .query_row(
                    "SELECT v.document, f.current_version, f.published_version FROM flows f
                     JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
                     WHERE f.id = ?1",
                    [flow_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            let (document, version, previous) =
                row.ok_or_else(|| StoreError::FlowNotFound(flow_id.to_owned()))?;
            let flow: Flow = serde_json::from_str(&document)?;
            let errors = errors_of(&flow);
            if !errors.is_empty() {
                return Err(StoreError::HasErrors {
                    flow_id: flow_id.to_owned(),
                    action: "published",
                    count: errors.len(),
                    summary: summary_of(&errors),
                    diagnostics: errors,
                });
            }
            tx.execute(
                "UPDATE flows SET published_version = ?2, updated_at = ?3 WHERE id = ?1",
                params![flow_id, version, now()],
            )?;
            Ok(Published {
                version,
                previous,
                changed: previous != Some(version),
            })
        })
    }

    /// Saves an older version's document as a new draft (nothing goes live until Publish).
    pub fn restore_version(&self, flow_id: &str, version: i64) -> Result<SaveOutcome, StoreError> {
        let mut flow = self.get_flow_version(flow_id, version)?;
        flow.id = flow_id.to_owned();
        self.save_flow(&flow)
    }

    /// Turns a flow on or off and records when. Turning on needs a published version without
    /// errors ([`StoreError::NotPublished`], [`StoreError::HasErrors`]); the check and the
    /// switch are one transaction. Switching on a flow that is on (or off one that is off)
    /// changes nothing, not even its `enabled_at`. Returns whether the switch moved.
    pub fn set_enabled(&self, flow_id: &str, enabled: bool) -> Result<bool, StoreError> {
        self.transaction(|tx| {
            let row: Option<(bool, Option<String>)> = tx
                .query_row(
                    "SELECT f.enabled, p.document FROM flows f
                     LEFT JOIN flow_versions p ON p.flow_id = f.id AND p.version = f.published_version
                     WHERE f.id = ?1",
                    [flow_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let (was, published) =
                row.ok_or_else(|| StoreError::FlowNotFound(flow_id.to_owned()))?;
            if was == enabled {
                return Ok(false);
            }
            let stamp = precise_now();
            if enabled {
                let document =
                    published.ok_or_else(|| StoreError::NotPublished(flow_id.to_owned()))?;
                let flow: Flow = serde_json::from_str(&document)?;
                let errors = errors_of(&flow);
                if !errors.is_empty() {
                    return Err(StoreError::HasErrors {
                        flow_id: flow_id.to_owned(),
                        action: "enabled",
                        count: errors.len(),
                        summary: summary_of(&errors),
                        diagnostics: errors,
                    });
                }
                tx.execute(
                    "UPDATE flows SET enabled = 1, enabled_at = ?2, updated_at = ?2 WHERE id = ?1",
                    params![flow_id, stamp],
                )?;
            } else {
                tx.execute(
                    "UPDATE flows SET enabled = 0, disabled_at = ?2, updated_at = ?2 WHERE id = ?1",
                    params![flow_id, stamp],
                )?;
            }
            Ok(true)
        })
    }

    /// Makes every background run of the flow a dry run (or not). Not an edit: no version.
    pub fn set_dry_run_only(&self, flow_id: &str, on: bool) -> Result<(), StoreError> {
        let changed = self.connection().execute(
            "UPDATE flows SET dry_run_only = ?2, updated_at = ?3 WHERE id = ?1",
            params![flow_id, on, now()],
        )?;
        if changed == 0 {
            return Err(StoreError::FlowNotFound(flow_id.to_owned()));
        }
        Ok(())
    }

    /// Deletes a flow and its versions (its past runs stay, for the record).
    pub fn delete_flow(&self, flow_id: &str) -> Result<(), StoreError> {
        let deleted = self
            .connection()
            .execute("DELETE FROM flows WHERE id = ?1", [flow_id])?;
        if deleted == 0 {
            return Err(StoreError::FlowNotFound(flow_id.to_owned()));
        }
        Ok(())
    }

    /// Whether a flow with this id exists.
    pub fn flow_exists(&self, flow_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .connection()
            .query_row("SELECT 1 FROM flows WHERE id = ?1", [flow_id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
