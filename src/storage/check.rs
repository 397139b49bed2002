//! The integrity check: recompute every index from the records and compare with what is stored.
//!
//! Reports each disagreement in one line: a record that does not decode, a reference to a
//! missing record, an index entry that is missing, stale or different, a posting chunk that
//! breaks its invariants, a counter that does not match.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::keys::{decode_handle_key, decode_name_key, decode_ref_key, describe_term_key};
use super::kv::KvRead;
use super::pages;
use super::postings::{self, MAX_CHUNK};
use super::read::{count_key, next_id_key, read_counter, record_table};
use super::records::{context_in, index_entries, references, Context, IndexEntry};
use super::values::decode_value;
use super::Table;
use crate::error::{Error, Result};
use crate::model::{with_record_type, Record, RecordKind, MAX_ID};

/// At most this many problems are listed; the count covers them all.
const MAX_LISTED: usize = 100;

/// What [`Database::check`](crate::Database::check) found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Records read, of every kind.
    pub records: u64,
    /// Index entries compared.
    pub index_entries: u64,
    /// How many problems were found.
    pub problem_count: usize,
    /// The first problems found, one sentence each.
    pub problems: Vec<String>,
}

impl CheckReport {
    /// Whether records and indexes agree completely.
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, text: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(text);
        }
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return write!(
                f,
                "ok: {} records, {} index entries agree",
                self.records, self.index_entries
            );
        }
        writeln!(
            f,
            "{} problems in {} records:",
            self.problem_count, self.records
        )?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        if self.problem_count > self.problems.len() {
            writeln!(
                f,
                "  … and {} more",
                self.problem_count - self.problems.len()
            )?;
        }
        write!(
            f,
            "`entrevue recover DB NEW` copies every record that can still be read into a new \
             database, with its indexes rebuilt"
        )
    }
}

/// The message of an error found while checking, without the "database is corrupt" preamble
/// that every line of a check report would otherwise repeat.
fn reason(e: &Error) -> String {
    match e {
        Error::Corrupt(message) => message.clone(),
        other => other.to_string(),
    }
}

/// A `handles`, `names`, `refs` or `terms` key, in words.
fn describe_key(table: Table, key: &[u8]) -> String {
    if table == Table::Terms {
        return describe_term_key(key);
    }
    let described = match table {
        Table::Handles => {
            decode_handle_key(key).map(|(kind, h)| format!("handle '{h}' of a {kind}"))
        }
        Table::Names => {
            decode_name_key(key).map(|(name, kind, id)| format!("name '{name}' of {kind} #{id}"))
        }
        Table::Refs => decode_ref_key(key)
            .map(|((tk, ti), (sk, si))| format!("reference from {sk} #{si} to {tk} #{ti}")),
        _ => Err(Error::Corrupt(String::new())),
    };
    described.unwrap_or_else(|_| format!("malformed key {key:02x?}"))
}

/// What the records say each index table must hold, by table: a table's share is taken whole
/// when its turn comes (splitting one map over every table cost seconds on a large database).
type Expected = BTreeMap<Table, BTreeMap<Vec<u8>, (IndexEntry, RecordKind, u64)>>;

/// Runs the check over a consistent view of the tables.
pub(crate) fn check(kv: &dyn KvRead) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    let mut expected = Expected::new();
    for kind in RecordKind::ALL {
        with_record_type!(kind, R => read_records::<R>(kv, &mut report, &mut expected)?);
    }
    for table in [Table::Handles, Table::Names, Table::Refs, Table::Terms] {
        compare_kv(kv, table, &mut report, &mut expected)?;
    }
    for table in [
        Table::ActorMeetings,
        Table::PlaceMeetings,
        Table::DateMeetings,
    ] {
        compare_postings(kv, table, &mut report, &mut expected)?;
    }
    Ok(report)
}

fn read_records<R: Record>(
    kv: &dyn KvRead,
    report: &mut CheckReport,
    expected: &mut Expected,
) -> Result<()> {
    let kind = R::KIND;
    let (mut count, mut max_id) = (0u64, 0u64);
    for entry in pages::all(kv, record_table(kind)) {
        let (id, value) = match entry {
            Ok(slot) => slot,
            Err(e @ Error::Corrupt(_)) => {
                report.problem(format!("{kind} table: {}", reason(&e)));
                continue;
            }
            Err(e) => return Err(e),
        };
        count += 1;
        max_id = max_id.max(id);
        let record: R = match decode_value(&value) {
            Ok(r) => r,
            Err(e) => {
                report.problem(format!("{kind} #{id}: {}", reason(&e)));
                continue;
            }
        };
        for ((target, target_id), _) in references(record.as_record_ref()) {
            if !pages::contains(kv, record_table(target), target_id)? {
                report.problem(format!(
                    "{kind} #{id} refers to missing {target} #{target_id}"
                ));
            }
        }
        let context = match context_in(kv, record.as_record_ref()) {
            Ok(context) => context,
            Err(e) => {
                report.problem(format!("{kind} #{id}: its sources: {}", reason(&e)));
                Context::default()
            }
        };
        for (identity, entry) in index_entries(id, record.as_record_ref(), &context) {
            expect(report, expected, identity, (entry, kind, id));
        }
    }
    report.records += count;
    let counted = read_counter(kv, &count_key(kind))?;
    if counted != count {
        report.problem(format!(
            "the {kind} counter says {counted}, but {count} records are stored"
        ));
    }
    let next = read_counter(kv, &next_id_key(kind))?;
    if max_id > next {
        report.problem(format!(
            "{kind} #{max_id} exists, but ids have only been handed out up to {next}"
        ));
    }
    if max_id > MAX_ID || next > MAX_ID {
        report.problem(format!(
            "{kind} ids go up to {MAX_ID}, but the largest stored is {max_id} and the counter \
             is at {next}"
        ));
    }
    Ok(())
}

/// Adds an entry a record owns to those expected: a counter's shares add up; any other
/// entry belongs to one record only.
fn expect(
    report: &mut CheckReport,
    expected: &mut Expected,
    identity: (Table, Vec<u8>),
    owned: (IndexEntry, RecordKind, u64),
) {
    let (kind, id) = (owned.1, owned.2);
    let (table, key) = identity;
    let entries = expected.entry(table).or_default();
    match entries.get_mut(&key) {
        None => {
            entries.insert(key, owned);
        }
        Some((IndexEntry::Count { amount, .. }, _, _)) => {
            if let IndexEntry::Count { amount: more, .. } = owned.0 {
                *amount = amount.saturating_add(more);
            }
        }
        Some((_, other_kind, other)) => {
            report.problem(format!(
                "{kind} #{id} and {other_kind} #{other} claim the same {} entry",
                table.name()
            ));
            entries.insert(key, owned);
        }
    }
}

fn take_expected(
    expected: &mut Expected,
    table: Table,
) -> BTreeMap<Vec<u8>, (IndexEntry, RecordKind, u64)> {
    expected.remove(&table).unwrap_or_default()
}

fn compare_kv(
    kv: &dyn KvRead,
    table: Table,
    report: &mut CheckReport,
    expected: &mut Expected,
) -> Result<()> {
    let mut wanted = take_expected(expected, table);
    let name = table.name();
    for entry in kv.range(table, &[], None, false) {
        // A damaged page ends the read of its table (`entry_pages`): what follows it cannot
        // be told missing from unread, so the table's comparison stops there.
        let (key, value) = match entry {
            Ok(entry) => entry,
            Err(e) => {
                report.problem(format!(
                    "{name}: {}; its entries from there on were not compared",
                    reason(&e)
                ));
                return Ok(());
            }
        };
        report.index_entries += 1;
        let what = describe_key(table, &key);
        match wanted.remove(key.as_ref()) {
            Some((IndexEntry::Kv { value: want, .. }, kind, id)) => {
                if want != value.as_ref() {
                    report.problem(format!(
                        "{name} holds a stale value for the {what} (of {kind} #{id})"
                    ));
                }
            }
            Some((IndexEntry::Count { amount, .. }, _, _)) => {
                if amount.to_be_bytes() != value.as_ref() {
                    report.problem(format!(
                        "{name} holds {:02x?} for the {what}, but the records make it {amount}",
                        value.as_ref()
                    ));
                }
            }
            Some(_) | None => report.problem(format!("{name} has an entry no record owns: {what}")),
        }
    }
    for (key, (entry, kind, id)) in wanted {
        let what = describe_key(table, &key);
        match entry {
            IndexEntry::Count { amount, .. } => report.problem(format!(
                "{name} lacks the {what}, which the records make {amount}"
            )),
            _ => report.problem(format!("{name} lacks the {what} (of {kind} #{id})")),
        }
    }
    Ok(())
}

fn compare_postings(
    kv: &dyn KvRead,
    table: Table,
    report: &mut CheckReport,
    expected: &mut Expected,
) -> Result<()> {
    let mut wanted = take_expected(expected, table);
    let mut previous: Option<(u64, (u32, u64))> = None;
    let mut seen = BTreeSet::new();
    for chunk in postings::chunks(kv, table) {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                report.problem(format!("{}: {}", table.name(), reason(&e)));
                continue;
            }
        };
        let name = table.name();
        let (owner, bound) = (chunk.owner, chunk.bound);
        if chunk.entries.is_empty() || chunk.entries.len() > MAX_CHUNK {
            report.problem(format!(
                "{name} chunk {owner}/{bound:?} holds {} entries",
                chunk.entries.len()
            ));
        }
        if chunk.entries.first().is_some_and(|e| e.key() < bound) {
            report.problem(format!(
                "{name} chunk {owner}/{bound:?} holds an entry below its key"
            ));
        }
        if chunk.entries.windows(2).any(|w| w[0].key() >= w[1].key()) {
            report.problem(format!("{name} chunk {owner}/{bound:?} is not sorted"));
        }
        if let Some((prev_owner, last)) = previous {
            if prev_owner == owner && last >= bound {
                report.problem(format!(
                    "{name} chunks of owner {owner} overlap at {bound:?}"
                ));
            }
        }
        if let Some(last) = chunk.entries.last() {
            previous = Some((owner, last.key()));
        }
        for posting in chunk.entries {
            report.index_entries += 1;
            let key =
                super::keys::encode_chunk_key(owner, posting.entry.day, posting.entry.meeting)
                    .to_vec();
            if !seen.insert(key.clone()) {
                report.problem(format!(
                    "{name} lists meeting #{} twice under owner {owner}",
                    posting.entry.meeting
                ));
                continue;
            }
            let meeting = posting.entry.meeting;
            let found = IndexEntry::Posting {
                table,
                owner,
                posting,
            };
            match wanted.remove(&key) {
                Some((entry, _, _)) if entry == found => {}
                Some(_) => report.problem(format!(
                    "{name} entry for meeting #{meeting} under owner {owner} is stale"
                )),
                None => report.problem(format!(
                    "{name} lists meeting #{meeting} under owner {owner}, which it does not involve"
                )),
            }
        }
    }
    for (_, (_, kind, id)) in wanted {
        report.problem(format!("{} lacks an entry of {kind} #{id}", table.name()));
    }
    Ok(())
}
