//! Copying a database into a new one, record by record, with the indexes rebuilt by a bulk
//! load: `backup` copies a healthy database as one consistent state; `recover` copies from a
//! damaged one every record that still reads back, and says what it could not.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{Actor, Document, Meeting, Place, Record, RecordKind, Relation};
use crate::storage::{Bulk, Damage, Reader, Salvage, State, Store};

/// What a copy wrote, and for a recovery, what it could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Records written per kind, in [`RecordKind::ALL`] order.
    pub copied: [u64; 5],
    /// Records the source said it held per kind, when it still says (its counters, or the
    /// state it left beside its files).
    pub expected: Option<[u64; 5]>,
    /// What could not be read or kept, one sentence each.
    pub findings: Vec<String>,
}

impl CopyReport {
    /// Records the source held that the copy lacks, when that is known.
    pub fn lost(&self) -> Option<u64> {
        let expected: u64 = self.expected?.iter().sum();
        Some(expected.saturating_sub(self.copied.iter().sum()))
    }
}

impl fmt::Display for CopyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: Vec<String> = RecordKind::ALL
            .iter()
            .zip(self.copied)
            .map(|(kind, n)| match self.expected {
                Some(expected) if expected[*kind as usize - 1] != n => {
                    format!("{n} of {} {}s", expected[*kind as usize - 1], kind.word())
                }
                _ => format!("{n} {}s", kind.word()),
            })
            .collect();
        write!(f, "copied {}", counts.join(", "))?;
        match self.lost() {
            Some(0) if self.findings.is_empty() => write!(f, "; nothing was lost")?,
            Some(0) => {}
            Some(lost) => write!(f, "; {lost} records could not be read or kept")?,
            None => write!(
                f,
                "; how many records the source held is not known (its counters did not read)"
            )?,
        }
        for finding in &self.findings {
            write!(f, "\n  {finding}")?;
        }
        Ok(())
    }
}

/// The records of a database, kind by kind.
#[derive(Default)]
struct Records {
    places: Vec<(u64, Place)>,
    actors: Vec<(u64, Actor)>,
    documents: Vec<(u64, Document)>,
    meetings: Vec<(u64, Meeting)>,
    relations: Vec<(u64, Relation)>,
}

impl Records {
    fn read(reader: &Reader<'_>) -> Result<Records> {
        fn all<R: Record>(reader: &Reader<'_>) -> Result<Vec<(u64, R)>> {
            reader
                .all::<R>()
                .map(|r| r.map(|(id, record)| (id.get(), record)))
                .collect()
        }
        Ok(Records {
            places: all(reader)?,
            actors: all(reader)?,
            documents: all(reader)?,
            meetings: all(reader)?,
            relations: all(reader)?,
        })
    }

    fn salvage(source: &Salvage, damage: &mut Damage) -> Records {
        Records {
            places: source.records(damage),
            actors: source.records(damage),
            documents: source.records(damage),
            meetings: source.records(damage),
            relations: source.records(damage),
        }
    }

    fn counts(&self) -> [u64; 5] {
        let n = |len: usize| len as u64;
        [
            n(self.actors.len()),
            n(self.places.len()),
            n(self.documents.len()),
            n(self.meetings.len()),
            n(self.relations.len()),
        ]
    }

    /// Drops the references to records that were not read, so that what remains is a valid
    /// database; says what was dropped.
    fn prune(&mut self, findings: &mut Vec<String>) {
        let has = |list: &[(u64, _)], id: u64| list.binary_search_by_key(&id, |(i, _)| *i).is_ok();
        let places: Vec<(u64, ())> = self.places.iter().map(|(i, _)| (*i, ())).collect();
        let actors: Vec<(u64, ())> = self.actors.iter().map(|(i, _)| (*i, ())).collect();
        let documents: Vec<(u64, ())> = self.documents.iter().map(|(i, _)| (*i, ())).collect();
        let mut dropped = 0u64;
        let mut cut = |keep: bool| {
            if !keep {
                dropped += 1;
            }
            keep
        };
        for (_, place) in &mut self.places {
            if place.parent.is_some_and(|p| !cut(has(&places, p.get()))) {
                place.parent = None;
            }
        }
        for (_, actor) in &mut self.actors {
            if actor
                .affiliation
                .is_some_and(|a| !cut(has(&actors, a.get())))
            {
                actor.affiliation = None;
            }
        }
        for (_, meeting) in &mut self.meetings {
            if meeting.place.is_some_and(|p| !cut(has(&places, p.get()))) {
                meeting.place = None;
            }
            meeting
                .participants
                .retain(|p| cut(has(&actors, p.actor.get())));
            for p in &mut meeting.participants {
                if p.side.is_some_and(|s| !cut(has(&actors, s.get()))) {
                    p.side = None;
                }
            }
            meeting
                .sources
                .retain(|s| cut(has(&documents, s.document.get())));
        }
        self.relations
            .retain(|(_, r)| cut(has(&actors, r.subject.get()) && has(&actors, r.object.get())));
        for (_, relation) in &mut self.relations {
            relation
                .sources
                .retain(|s| cut(has(&documents, s.document.get())));
        }
        if dropped > 0 {
            findings.push(format!(
                "{dropped} reference(s) to records that could not be read were dropped \
                 (participants, places, sides, affiliations, sources, or whole relations)"
            ));
        }
    }

    /// Writes every record into the empty database of `target`.
    fn write(&self, bulk: &mut Bulk<'_>) -> Result<()> {
        fn add<R: Record>(bulk: &mut Bulk<'_>, records: &[(u64, R)]) -> Result<()> {
            records.iter().try_for_each(|(id, r)| bulk.add(*id, r))
        }
        add(bulk, &self.places)?;
        add(bulk, &self.actors)?;
        add(bulk, &self.documents)?;
        add(bulk, &self.meetings)?;
        add(bulk, &self.relations)
    }
}

fn refuse_existing(to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists: a copy goes into a new database",
            to.display()
        )));
    }
    Ok(())
}

/// A new database at `to`, which must not exist yet.
fn create(to: &Path) -> Result<Engine> {
    refuse_existing(to)?;
    Ok(Engine::new(Store::open(to)?))
}

/// Copies the committed state of `engine` into a new database at `to`, as one consistent
/// state (writers wait while it is read).
pub(crate) fn backup(engine: &Engine, to: &Path) -> Result<CopyReport> {
    let target = create(to)?;
    let (records, next) = engine.read(|reader| {
        let next = RecordKind::ALL.map(|kind| reader.last_id(kind).unwrap_or(0));
        Ok((Records::read(&reader)?, next))
    })?;
    target.bulk(
        |bulk| {
            records.write(bulk)?;
            for (kind, next) in RecordKind::ALL.into_iter().zip(next) {
                bulk.reserve_ids(kind, next);
            }
            Ok(())
        },
        &mut |_, _| {},
    )?;
    Ok(CopyReport {
        copied: records.counts(),
        expected: Some(records.counts()),
        findings: Vec::new(),
    })
}

/// Copies every record that can still be read from the damaged database at `damaged` into a
/// new database at `to`. The damaged files are not changed: they are read from a copy made
/// beside `to`, removed at the end.
pub(crate) fn recover(damaged: &Path, to: &Path) -> Result<CopyReport> {
    if !damaged.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a database directory",
            damaged.display()
        )));
    }
    refuse_existing(to)?;
    let scratch = scratch_path(to);
    let mut damage = Damage::default();
    let opened = Salvage::open(damaged, &scratch, &mut damage);
    let source = match opened {
        Ok(source) => source,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&scratch);
            return Err(e);
        }
    };
    let expected = crate::storage::remembered_state(damaged)
        .or_else(|| source.remembered())
        .map(|state: State| state.counts());
    let mut records = Records::salvage(&source, &mut damage);
    source.close()?;
    records.prune(&mut damage.findings);
    let target = create(to)?;
    target.bulk(|bulk| records.write(bulk), &mut |_, _| {})?;
    Ok(CopyReport {
        copied: records.counts(),
        expected,
        findings: damage.findings,
    })
}

fn scratch_path(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".reading");
    to.with_file_name(name)
}
