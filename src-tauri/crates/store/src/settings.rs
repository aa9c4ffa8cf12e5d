//! Settings: small JSON values by key (retention, the tray, the selected tenant, …).

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

use crate::{Store, StoreError, now};

impl Store {
    pub fn get_setting(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let text: Option<String> = self
            .connection()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?;
        Ok(text.map(|text| serde_json::from_str(&text)).transpose()?)
    }

    pub fn set_setting(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        self.connection().execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
            params![key, serde_json::to_string(value)?, now()],
        )?;
        Ok(())
    }
}
