//! (being written)

use crate::error::{Error, Result};

use super::Snapshot;

pub(super) fn read(_text: &str, file: &str) -> Result<(Snapshot, Vec<String>)> {
    Err(Error::Invalid(format!("{file}: not yet")))
}
