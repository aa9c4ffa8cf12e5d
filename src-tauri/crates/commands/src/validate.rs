//! Checks on every value a host receives (the UI's command arguments, the CLI's), before any of
//! it reaches the store or the model.

use flowguard_ipc::CommandError;
#[cfg(test)]
use flowguard_ipc::CommandErrorKind;

/// The longest flow id (or template name) a command accepts.
pub const MAX_ID_LENGTH: usize = 128;
/// The longest flow name a command accepts, in characters.
pub const MAX_NAME_LENGTH: usize = 200;

fn invalid(message: impl Into<String>) -> CommandError {
    CommandError::invalid(message)
}

/// A flow id, template name or node id: non-empty, at most 128 characters, letters, digits, `_`, `-`.
pub fn id(what: &str, value: &str) -> Result<(), CommandError> {
    if value.is_empty() {
        return Err(invalid(format!("the {what} is empty")));
    }
    if value.len() > MAX_ID_LENGTH {
        return Err(invalid(format!(
            "the {what} is longer than {MAX_ID_LENGTH} characters"
        )));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(invalid(format!(
            "the {what} {value:?} contains {bad:?}; use only letters, digits, '-' and '_'"
        )));
    }
    Ok(())
}

/// A flow name: at most 200 characters, no control characters. Returns it trimmed.
pub fn name(value: &str) -> Result<String, CommandError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > MAX_NAME_LENGTH {
        return Err(invalid(format!(
            "the flow name is longer than {MAX_NAME_LENGTH} characters"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(invalid("the flow name contains a control character"));
    }
    Ok(trimmed.to_owned())
}

/// A flow id derived from a name: lower case, words joined by `-`, at most 60 characters.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "flow".to_owned()
    } else {
        slug.to_owned()
    }
}

/// A run id: a UUID as the store makes them.
pub fn run_id(value: &str) -> Result<(), CommandError> {
    let ok = value.len() == 36
        && value.chars().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("{value:?} is not a run id")))
    }
}

/// A Defender alert id (`da637…_-96…`, or a GUID): at most 128 printable characters without
/// `/`, `?`, `#` or spaces, since it becomes part of a URL path.
pub fn alert_id(value: &str) -> Result<(), CommandError> {
    if value.is_empty() || value.len() > MAX_ID_LENGTH {
        return Err(invalid(
            "the alert id is empty or longer than 128 characters",
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
    {
        return Err(invalid(format!("the alert id {value:?} contains {bad:?}")));
    }
    Ok(())
}

/// A text setting (a tenant id, a host, a mailbox): trimmed, at most `max` characters, no
/// control characters; `what` names it in the message.
pub fn text(what: &str, value: &str, max: usize) -> Result<String, CommandError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(invalid(format!(
            "the {what} is longer than {max} characters"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(invalid(format!("the {what} contains a control character")));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_ids_pass() {
        for value in ["a", "isolate-high_severity-2", "A1", &"x".repeat(128)] {
            assert!(id("flow id", value).is_ok(), "{value}");
        }
    }

    #[test]
    fn bad_ids_are_refused_with_a_reason() {
        let cases = [
            ("", "empty"),
            (&*"x".repeat(129), "longer than 128"),
            ("../etc/passwd", "contains '.'"),
            ("a b", "contains ' '"),
            ("é", "contains 'é'"),
            ("semi;colon", "contains ';'"),
        ];
        for (value, reason) in cases {
            let error = id("flow id", value).unwrap_err();
            assert_eq!(error.kind, CommandErrorKind::InvalidInput);
            assert!(error.message.contains(reason), "{value}: {}", error.message);
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  Isolate on High  ").unwrap(), "Isolate on High");
        assert_eq!(name(&"é".repeat(200)).unwrap().chars().count(), 200);
        assert!(name(&"é".repeat(201)).is_err());
        assert!(name("line\nbreak").is_err());
        assert_eq!(name("").unwrap(), "");
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Isolate on High!"), "isolate-on-high");
        assert_eq!(slug("  --  "), "flow");
        assert_eq!(slug("Übersicht"), "bersicht");
        let long = slug(&"word ".repeat(100));
        assert!(long.len() <= 60);
        for value in ["Isolate on High!", "  ", &"a".repeat(300)] {
            assert!(id("flow id", &slug(value)).is_ok());
        }
    }

    #[test]
    fn run_ids_are_uuids() {
        assert!(run_id("0197a5c2-1b2c-7d3e-8f90-123456789abc").is_ok());
        for bad in [
            "",
            "0197a5c2",
            "../../etc/passwd-000000000000000000000",
            "0197a5c2-1b2c-7d3e-8f90-123456789abz",
        ] {
            assert!(run_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn alert_ids_cannot_leave_the_url_path() {
        assert!(alert_id("da637551227677560813_-961444813").is_ok());
        for bad in ["", "a/b", "a?b", "a b", "../x/y"] {
            assert!(alert_id(bad).is_err(), "{bad}");
        }
    }
}
