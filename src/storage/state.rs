//! What a healthy reopen must find, kept outside sled's files.
//!
//! sled recovers from a damaged log by keeping the part before the damage, which can be
//! nothing at all: a damaged database would then open as an empty one, and the integrity check
//! would call it clean. So every durable commit also writes, beside sled's files, the state it
//! left — the format, a generation number that every commit raises, and each kind's record
//! count and next id — and opening compares what sled holds with it:
//!
//! - sled at an older generation than the file: commits that were acknowledged are gone;
//! - the same generation but other counters: the counters themselves are damaged;
//! - a newer generation: the process died between sled's flush and this file's rename, which
//!   loses nothing (the file is written only after sled's data is durable, so it may lag
//!   behind sled, never lead it).
//!
//! The file is small text, written to a temporary name, then renamed over the old one, so it
//! is always either the old state or the new one.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::kv::KvRead;
use super::read::{count_key, next_id_key, read_counter};
use crate::error::{Error, Result};
use crate::model::RecordKind;

/// The file's name in the database directory.
pub(crate) const FILE: &str = "entrevue.state";
const HEADER: &str = "entrevue state";

/// `meta` key of the generation: how many commits the database has seen.
pub(crate) const GENERATION: &[u8] = b"generation";

/// The counters a commit leaves, as sled holds them or as the file remembers them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) format: u32,
    pub(crate) generation: u64,
    /// Per kind, in [`RecordKind::ALL`] order: (records, last id handed out).
    pub(crate) counters: [(u64, u64); 5],
}

impl State {
    /// The state sled holds now.
    pub(crate) fn of(kv: &dyn KvRead, format: u32) -> Result<State> {
        let mut counters = [(0, 0); 5];
        for (slot, kind) in counters.iter_mut().zip(RecordKind::ALL) {
            *slot = (
                read_counter(kv, &count_key(kind))?,
                read_counter(kv, &next_id_key(kind))?,
            );
        }
        Ok(State {
            format,
            generation: read_counter(kv, GENERATION)?,
            counters,
        })
    }

    /// Records per kind, in [`RecordKind::ALL`] order.
    pub(crate) fn counts(&self) -> [u64; 5] {
        self.counters.map(|(count, _)| count)
    }

    pub(crate) fn records(&self) -> u64 {
        self.counters.iter().map(|(count, _)| count).sum()
    }

    fn render(&self) -> String {
        let mut text = format!(
            "{HEADER}\nformat {}\ngeneration {}\n",
            self.format, self.generation
        );
        for ((count, next), kind) in self.counters.iter().zip(RecordKind::ALL) {
            let _ = writeln!(text, "{} {count} {next}", kind.word());
        }
        text
    }

    fn parse(text: &str) -> Option<State> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut field = |name: &str| -> Option<Vec<u64>> {
            let line = lines.next()?;
            let mut words = line.split(' ');
            if words.next()? != name {
                return None;
            }
            words.map(|w| w.parse().ok()).collect()
        };
        let format = u32::try_from(*field("format")?.first()?).ok()?;
        let generation = *field("generation")?.first()?;
        let mut counters = [(0, 0); 5];
        for (slot, kind) in counters.iter_mut().zip(RecordKind::ALL) {
            match field(kind.word())?.as_slice() {
                [count, next] => *slot = (*count, *next),
                _ => return None,
            }
        }
        Some(State {
            format,
            generation,
            counters,
        })
    }

    /// Whether sled's state (`self`) can follow from the one the file remembers; if not, what
    /// was lost, in words.
    pub(crate) fn follows(&self, remembered: &State) -> std::result::Result<(), String> {
        if self.generation < remembered.generation {
            return Err(format!(
                "it held {} records after {} commit(s), and now holds {} after {}: committed \
                 data is missing",
                remembered.records(),
                remembered.generation,
                self.records(),
                self.generation
            ));
        }
        if self.generation == remembered.generation && self.counters != remembered.counters {
            let changed: Vec<String> = RecordKind::ALL
                .iter()
                .zip(self.counters.iter().zip(&remembered.counters))
                .filter(|(_, (now, then))| now != then)
                .map(|(kind, ((count, last), (was_count, was_last)))| {
                    format!(
                        "{}s: {count} records and ids up to {last}, where it left {was_count} \
                         and {was_last}",
                        kind.word()
                    )
                })
                .collect();
            return Err(format!(
                "its counters changed without a commit ({})",
                changed.join("; ")
            ));
        }
        Ok(())
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The state the file remembers; `None` if there is no file (a new database, or one written
/// before the file existed).
pub(crate) fn load(dir: &Path) -> Result<Option<State>> {
    let path = path(dir);
    match fs::read_to_string(&path) {
        Ok(text) if text.is_empty() => Ok(None),
        Ok(text) => State::parse(&text).map(Some).ok_or_else(|| Error::Damaged {
            path: dir.to_path_buf(),
            what: format!("its state file {FILE} does not read back"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Replaces the file with `state`: written under a temporary name, then renamed.
///
/// It is not synced: that would double the cost of a commit (an fsync each). After a power
/// cut the file may then be an older state, which opening accepts, or empty, which opening
/// treats as no file; a process that dies leaves the file whole either way.
pub(crate) fn save(dir: &Path, state: &State) -> Result<()> {
    let path = path(dir);
    let temporary = dir.join(format!("{FILE}.new"));
    let io = |source| Error::Io {
        path: temporary.clone(),
        source,
    };
    let mut file = fs::File::create(&temporary).map_err(io)?;
    file.write_all(state.render().as_bytes()).map_err(io)?;
    fs::rename(&temporary, &path).map_err(|source| Error::Io { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(generation: u64, actors: u64) -> State {
        State {
            format: 2,
            generation,
            counters: [(actors, actors), (0, 0), (1, 3), (0, 0), (0, 0)],
        }
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let s = state(7, 12);
        assert_eq!(State::parse(&s.render()), Some(s));
        assert_eq!(State::parse("entrevue state\nformat x\n"), None);
    }

    #[test]
    fn a_later_generation_follows_an_earlier_one_never_the_reverse() {
        assert!(state(8, 1).follows(&state(7, 12)).is_ok());
        assert!(state(7, 12).follows(&state(7, 12)).is_ok());
        let lost = state(0, 0).follows(&state(7, 12)).unwrap_err();
        assert!(lost.contains("held 13 records after 7 commit(s)"), "{lost}");
        assert!(state(7, 11).follows(&state(7, 12)).is_err());
    }
}
