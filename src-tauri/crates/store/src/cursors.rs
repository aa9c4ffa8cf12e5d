//! Trigger cursors: where each poller is. A cursor only moves after a successful poll.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, now};

impl Store {
    pub fn get_cursor(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                "SELECT value FROM trigger_cursors WHERE key = ?1",
                [key],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub fn set_cursor(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.connection().execute(
            "INSERT INTO trigger_cursors (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
            params![key, value, now()],
        )?;
        Ok(())
    }
}
