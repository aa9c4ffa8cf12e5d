//! Connections: the non-secret half of a Defender tenant or a mail server (tenant id, client
//! id, hosts, SMTP user). The secret half lives in the secret store under the connection's id.
//!
//! Secrets are kept out by type: every saved config is first read into the typed config of its
//! kind ([`DefenderConnection`], [`SmtpConnection`], [`GraphConnection`]), none of which has a
//! secret field and all of which refuse unknown fields, and what is written is that struct's
//! serialization. A field whose name looks like a secret is refused first, with its path, so
//! the message says what went wrong.

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

/// The non-secret settings of a Defender for Endpoint tenant (an Entra app registration).
/// The client secret is in the secret store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefenderConnection {
    pub tenant_id: String,
    pub client_id: String,
    /// The API base for another cloud; the global one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// The login base for another cloud; the global one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_url: Option<String>,
}

/// How an SMTP connection is protected, and its non-secret settings: the email crate's own types,
/// so what is saved is exactly what the SMTP sender reads (one definition; the password is in
/// the secret store).
pub use flowguard_email::{SmtpSecurity, SmtpSettings};

/// The saved SMTP connection's config (the email crate's [`SmtpSettings`]).
pub type SmtpConnection = SmtpSettings;

/// The non-secret settings of Microsoft Graph `sendMail` (an app registration and the mailbox
/// that sends). The client secret is in the secret store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GraphConnection {
    pub tenant_id: String,
    pub client_id: String,
    pub sender: String,
}

/// A connection's typed config: what may be stored for each kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionConfig {
    Defender(DefenderConnection),
    Smtp(SmtpConnection),
    Graph(GraphConnection),
}

impl ConnectionConfig {
    /// `defender`, `smtp` or `graph`, as stored in the `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Defender(_) => "defender",
            Self::Smtp(_) => "smtp",
            Self::Graph(_) => "graph",
        }
    }

    /// Reads the config of a connection of `kind`; unknown kinds and fields are refused.
    pub fn from_json(kind: &str, config: &Value) -> Result<Self, StoreError> {
        let invalid = |error: serde_json::Error| StoreError::InvalidConnection {
            kind: kind.to_owned(),
            detail: error.to_string(),
        };
        match kind {
            "defender" => Ok(Self::Defender(
                DefenderConnection::deserialize(config).map_err(invalid)?,
            )),
            "smtp" => Ok(Self::Smtp(
                SmtpConnection::deserialize(config).map_err(invalid)?,
            )),
            "graph" => Ok(Self::Graph(
                GraphConnection::deserialize(config).map_err(invalid)?,
            )),
            other => Err(StoreError::InvalidConnection {
                kind: other.to_owned(),
                detail: "the kinds are defender, smtp and graph".to_owned(),
            }),
        }
    }

    /// The config as stored.
    pub fn to_json(&self) -> Value {
        let value = match self {
            Self::Defender(config) => serde_json::to_value(config),
            Self::Smtp(config) => serde_json::to_value(config),
            Self::Graph(config) => serde_json::to_value(config),
        };
        // Structs of strings, numbers and unit enums always serialize.
        value.unwrap_or(Value::Null)
    }
}

impl Connection {
    /// A connection from its typed config.
    pub fn new(id: impl Into<String>, name: impl Into<String>, config: &ConnectionConfig) -> Self {
        Self {
            id: id.into(),
            kind: config.kind().to_owned(),
            name: name.into(),
            config: config.to_json(),
        }
    }

    /// The typed config.
    pub fn typed_config(&self) -> Result<ConnectionConfig, StoreError> {
        ConnectionConfig::from_json(&self.kind, &self.config)
    }
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
    /// Saves a connection after reading its config into the typed config of its kind.
    pub fn save_connection(&self, connection: &Connection) -> Result<(), StoreError> {
        if let Some(field) = find_secret_field(&connection.config, "") {
            return Err(StoreError::SecretInConnection { field });
        }
        let typed = ConnectionConfig::from_json(&connection.kind, &connection.config)?;
        self.connection().execute(
            "INSERT INTO connections (id, kind, name, config, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET kind = ?2, name = ?3, config = ?4, updated_at = ?5",
            params![connection.id, typed.kind(), connection.name, serde_json::to_string(&typed.to_json())?, now()],
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
