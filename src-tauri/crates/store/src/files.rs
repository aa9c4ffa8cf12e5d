//! Reading flow files (import, `flowguard validate`): never more than the model's size limit.

use flowguard_model::{MAX_FLOW_BYTES, ParseError};

/// Why a flow file could not be read.
#[derive(Debug)]
pub enum FlowFileError {
    Io(std::io::Error),
    /// Over the model's size limit: refused before it is loaded.
    Parse(ParseError),
}

/// Reads a flow file, never more than one byte past the model's size limit, so a huge file (or
/// `/dev/zero`) is refused as too large instead of filling the memory.
pub fn read_flow_file(path: &std::path::Path) -> Result<Vec<u8>, FlowFileError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(FlowFileError::Io)?;
    let known_size = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|metadata| usize::try_from(metadata.len()).ok());
    if let Some(size) = known_size.filter(|size| *size > MAX_FLOW_BYTES) {
        return Err(FlowFileError::Parse(ParseError::TooLarge {
            size,
            limit: MAX_FLOW_BYTES,
        }));
    }
    let mut bytes = Vec::new();
    file.take(u64::try_from(MAX_FLOW_BYTES).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut bytes)
        .map_err(FlowFileError::Io)?;
    if bytes.len() > MAX_FLOW_BYTES {
        return Err(FlowFileError::Parse(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_FLOW_BYTES,
        }));
    }
    Ok(bytes)
}
