//! Connections: the non-secret half of a Defender tenant or a mail server (tenant id, client
//! id, hosts, SMTP user). The secret half lives in the secret store under the connection's id.
//! A config carrying a field that looks like a secret is refused, so one cannot slip in.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Store, StoreError, now};

/// A saved connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    /// `defender`, `smtp` or `graph`.
    pub kind: String,
    pub name: String,
    pub config: Value,
}

/// Field names that hold secrets; the store refuses them anywhere in a config.
const SECRET_WORDS: [&str; 5] = ["secret", "password", "token", "apikey", "api_key"];

fn find_secret_field(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Object(fields) => fields.iter().find_map(|(name, inner)| {
            let lower = name.to_ascii_lowercase().replace('-', "_");
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if SECRET_WORDS.iter().any(|word| lower.contains(word)) {
                Some(here)
            } else {
                find_secret_field(inner, &here)
            }
        }),
        Value::Array(items) => items.iter().find_map(|item| find_secret_field(item, path)),
        _ => None,
    }
}

impl Store {
    pub fn save_connection(&self, connection: &Connection) -> Result<(), StoreError> {
        if let Some(field) = find_secret_field(&connection.config, "") {
            return Err(StoreError::SecretInConnection { field });
        }
        self.connection().execute(
            "INSERT INTO connections (id, kind, name, config, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET kind = ?2, name = ?3, config = ?4, updated_at = ?5",
            params![connection.id, connection.kind, connection.name, serde_json::to_string(&connection.config)?, now()],
        )?;
        Ok(())
    }

    pub fn get_connection(&self, id: &str) -> Result<Option<Connection>, StoreError> {
        let row: Option<(String, String, String, String)> = self
            .connection()
            .query_row(
                "SELECT id, kind, name, config FROM connections WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?;
        row.map(|(id, kind, name, config)| {
            Ok(Connection {
                id,
                kind,
                name,
                config: serde_json::from_str(&config)?,
            })
        })
        .transpose()
    }

    pub fn list_connections(&self) -> Result<Vec<Connection>, StoreError> {
        let rows: Vec<(String, String, String, String)> = {
            let connection = self.connection();
            let mut statement =
                connection.prepare("SELECT id, kind, name, config FROM connections ORDER BY id")?;
            let rows = statement.query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        rows.into_iter()
            .map(|(id, kind, name, config)| {
                Ok(Connection {
                    id,
                    kind,
                    name,
                    config: serde_json::from_str(&config)?,
                })
            })
            .collect()
    }

    pub fn delete_connection(&self, id: &str) -> Result<(), StoreError> {
        self.connection()
            .execute("DELETE FROM connections WHERE id = ?1", [id])?;
        Ok(())
    }
}
