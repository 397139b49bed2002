//! Meetings written a window at a time, for the imports that make many (GDELT, FtM): a new
//! meeting waits in memory until the window is full, so that a source reported soon after it
//! costs one push; a source of a meeting already written updates the stored meeting. What
//! stays in memory once a meeting is written is its key and id, never the meeting.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use crate::engine::Transaction;
use crate::error::{Error, Result};
use crate::model::{Id, Meeting, SourceRef};

use super::written_at;

/// Meetings kept in memory before they are written: reports of one meeting mostly come close
/// together in a file, and each one merged here is one update of the store fewer.
const WINDOW: usize = 8192;

/// Where a meeting is: in the window (its index there), or written (its id).
#[derive(Clone, Copy)]
enum Slot {
    Pending(usize),
    Written(u64),
}

/// A meeting of the window, with its key and the line it was read at.
struct Pending<K> {
    key: K,
    meeting: Meeting,
    line: usize,
}

/// The meetings of an import, each found by the key `K` the format knows it by.
pub(super) struct Window<K> {
    slots: HashMap<K, Slot>,
    pending: Vec<Pending<K>>,
    /// The handles of the window's meetings, which the store does not know yet.
    handles: HashSet<String>,
    written: u64,
}

impl<K: Eq + Hash + Clone> Window<K> {
    pub(super) fn new() -> Self {
        Window {
            slots: HashMap::new(),
            pending: Vec::new(),
            handles: HashSet::new(),
            written: 0,
        }
    }

    /// Whether a meeting with this key was added.
    pub(super) fn contains(&self, key: &K) -> bool {
        self.slots.contains_key(key)
    }

    /// Meetings written so far.
    pub(super) fn written(&self) -> u64 {
        self.written
    }

    /// Meetings added and not written yet.
    pub(super) fn waiting(&self) -> u64 {
        self.pending.len() as u64
    }

    /// Whether a meeting of the window, or one written, has this handle.
    pub(super) fn taken(&self, tx: &Transaction<'_>, handle: &str) -> Result<bool> {
        Ok(self.handles.contains(handle) || tx.by_handle::<Meeting>(handle)?.is_some())
    }

    /// Adds a new meeting, read at `line`; writes the window when it is full.
    pub(super) fn add(
        &mut self,
        tx: &mut Transaction<'_>,
        file: &str,
        key: K,
        meeting: Meeting,
        line: usize,
    ) -> Result<()> {
        if !meeting.handle.is_empty() {
            self.handles.insert(meeting.handle.clone());
        }
        self.slots
            .insert(key.clone(), Slot::Pending(self.pending.len()));
        self.pending.push(Pending { key, meeting, line });
        if self.pending.len() >= WINDOW {
            self.flush(tx, file)?;
        }
        Ok(())
    }

    /// Adds `source`, read at `line`, to the meeting with this key, which was added.
    pub(super) fn add_source(
        &mut self,
        tx: &mut Transaction<'_>,
        file: &str,
        key: &K,
        source: SourceRef,
        line: usize,
    ) -> Result<()> {
        match self.slots.get(key).copied() {
            None => Err(Error::Internal(format!(
                "{file}:{line}: a source was read for a meeting not added yet"
            ))),
            Some(Slot::Pending(i)) => {
                if let Some(pending) = self.pending.get_mut(i) {
                    pending.meeting.sources.push(source);
                }
                Ok(())
            }
            Some(Slot::Written(id)) => {
                let id = Id::<Meeting>::new(id);
                let written = |e| written_at(file, line, e);
                let mut meeting = tx.get(id).map_err(written)?.ok_or_else(|| {
                    Error::Internal(format!(
                        "meeting {} was written, yet is not there",
                        id.get()
                    ))
                })?;
                meeting.sources.push(source);
                tx.update(id, meeting).map_err(written)
            }
        }
    }

    /// Writes the meetings of the window, in the order they were added.
    pub(super) fn flush(&mut self, tx: &mut Transaction<'_>, file: &str) -> Result<()> {
        for pending in std::mem::take(&mut self.pending) {
            let id = tx
                .add(pending.meeting)
                .map_err(|e| written_at(file, pending.line, e))?;
            self.slots.insert(pending.key, Slot::Written(id.get()));
            self.written += 1;
        }
        self.handles.clear();
        Ok(())
    }
}
