//! Flows and every saved version of each.
//!
//! A flow's document is stored whole, as canonical JSON, once per version. The `enabled` switch
//! lives on the flow row, not in the versions: turning a flow on or off is not an edit, and a
//! version's content (and hash) never depends on it. Saving the same content again adds no
//! version. A flow with validation errors is saved as a draft and cannot be enabled.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use flowguard_model::{Diagnostic, Flow, has_errors, validate};

use crate::{Store, StoreError, now};

/// A flow as stored: its current document (with `enabled` from the flow row) and facts about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlow {
    pub flow: Flow,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of `flows list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowSummary {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub version: i64,
    /// Validation errors and warnings of the current version.
    pub problems: i64,
    pub updated_at: String,
}

/// One saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub version: i64,
    pub saved_at: String,
    pub content_hash: String,
}

/// What saving did.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveOutcome {
    pub version: i64,
    /// False when the content was identical to the current version.
    pub new_version: bool,
    pub enabled: bool,
    /// The saved document's problems; a flow with errors is a draft.
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
        .take(3)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
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

    /// Saves a flow (a new one, or a new version of an existing one) in one transaction.
    /// `flow.enabled` asks for the flow to be on: granted only when it has no errors.
    pub fn save_flow(&self, flow: &Flow) -> Result<SaveOutcome, StoreError> {
        let diagnostics = validate(flow);
        let document = versioned(flow);
        let text = document.to_canonical_json();
        let hash = document.content_hash();
        let problems = i64::try_from(diagnostics.len()).unwrap_or(i64::MAX);
        let enabled = flow.enabled && !has_errors(&diagnostics);
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
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, enabled = ?3, current_version = ?4, updated_at = ?5",
                params![flow.id, flow.name, enabled, version, stamp],
            )?;
            if new_version {
                tx.execute(
                    "INSERT INTO flow_versions (flow_id, version, saved_at, content_hash, document, problems)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![flow.id, version, stamp, hash, text, problems],
                )?;
            }
            Ok(SaveOutcome { version, new_version, enabled, diagnostics })
        })
    }

    /// The flow's current version, or `None`.
    pub fn get_flow(&self, flow_id: &str) -> Result<Option<StoredFlow>, StoreError> {
        let connection = self.connection();
        let row: Option<(String, bool, i64, String, String)> = connection
            .query_row(
                "SELECT v.document, f.enabled, f.current_version, f.created_at, f.updated_at
                 FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
                 WHERE f.id = ?1",
                [flow_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
            )
            .optional()?;
        drop(connection);
        row.map(|(document, enabled, version, created_at, updated_at)| {
            let mut flow: Flow = serde_json::from_str(&document)?;
            flow.enabled = enabled;
            Ok(StoredFlow {
                flow,
                version,
                created_at,
                updated_at,
            })
        })
        .transpose()
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
            "SELECT f.id, f.name, f.enabled, f.current_version, v.problems, f.updated_at
             FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
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
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The ids of the enabled flows.
    pub fn enabled_flows(&self) -> Result<Vec<StoredFlow>, StoreError> {
        let ids: Vec<String> = {
            let connection = self.connection();
            let mut statement =
                connection.prepare("SELECT id FROM flows WHERE enabled = 1 ORDER BY id")?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut flows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(flow) = self.get_flow(&id)? {
                flows.push(flow);
            }
        }
        Ok(flows)
    }

    /// Every version of a flow, oldest first.
    pub fn flow_history(&self, flow_id: &str) -> Result<Vec<FlowVersion>, StoreError> {
        let connection = self.connection();
        let mut statement = connection.prepare(
            "SELECT version, saved_at, content_hash FROM flow_versions WHERE flow_id = ?1 ORDER BY version",
        )?;
        let rows = statement.query_map([flow_id], |row| {
            Ok(FlowVersion {
                version: row.get(0)?,
                saved_at: row.get(1)?,
                content_hash: row.get(2)?,
            })
        })?;
        let versions: Vec<FlowVersion> = rows.collect::<Result<_, _>>()?;
        if versions.is_empty() {
            return Err(StoreError::FlowNotFound(flow_id.to_owned()));
        }
        Ok(versions)
    }

    /// Turns a flow on or off. Turning on a flow with validation errors is refused, naming them.
    /// The check and the switch are one transaction, so a version saved in between cannot be
    /// switched on unchecked.
    pub fn set_enabled(&self, flow_id: &str, enabled: bool) -> Result<(), StoreError> {
        self.transaction(|tx| {
            let document: Option<String> = tx
                .query_row(
                    "SELECT v.document FROM flows f
                     JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current_version
                     WHERE f.id = ?1",
                    [flow_id],
                    |row| row.get(0),
                )
                .optional()?;
            let document = document.ok_or_else(|| StoreError::FlowNotFound(flow_id.to_owned()))?;
            if enabled {
                let flow: Flow = serde_json::from_str(&document)?;
                let errors: Vec<Diagnostic> = validate(&flow)
                    .into_iter()
                    .filter(|d| d.severity == flowguard_model::Severity::Error)
                    .collect();
                if !errors.is_empty() {
                    return Err(StoreError::InvalidFlow {
                        flow_id: flow_id.to_owned(),
                        count: errors.len(),
                        summary: summary_of(&errors),
                        diagnostics: errors,
                    });
                }
            }
            tx.execute(
                "UPDATE flows SET enabled = ?2, updated_at = ?3 WHERE id = ?1",
                params![flow_id, enabled, now()],
            )?;
            Ok(())
        })
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
