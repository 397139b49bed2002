//! Damage done behind Entrevue's back is found by `check()`, one line per disagreement, and a
//! database in an unknown format is refused rather than misread.

mod common;

use common::{edit_entries, raw, reopen};
use entrevue::{Actor, ActorKind, Database, Error, Meeting, Participant};

/// A database with two actors and one meeting, closed; returns the two actor ids.
fn build(dir: &std::path::Path) -> (u64, u64) {
    let db = Database::open(dir).unwrap();
    let a = db
        .add(Actor::new(ActorKind::Person, "Steve Witkoff").alias("Witkoff"))
        .unwrap();
    let b = db
        .add(Actor::new(ActorKind::Person, "Kirill Dmitriev"))
        .unwrap();
    db.add(
        Meeting::new("talks")
            .with(Participant::new(a))
            .with(Participant::new(b)),
    )
    .unwrap();
    db.flush().unwrap();
    (a.get(), b.get())
}

#[test]
fn check_reports_each_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path(), |db| {
        // A name the index forgot, a reference nobody owns, a posting list that vanished.
        edit_entries(&db.open_tree("names").unwrap(), |names| {
            names.pop_first().unwrap();
        });
        edit_entries(&db.open_tree("refs").unwrap(), |refs| {
            let mut stray = vec![1u8];
            stray.extend_from_slice(&77u64.to_be_bytes());
            stray.push(4);
            stray.extend_from_slice(&88u64.to_be_bytes());
            refs.insert(stray, Vec::new());
        });
        let dates = db.open_tree("date_meetings").unwrap();
        let (chunk, _) = dates.iter().next().unwrap().unwrap();
        dates.remove(chunk).unwrap();
    });
    let db = reopen(dir.path());
    let report = db.check().unwrap();
    assert_eq!(report.problem_count, 3, "{report}");
    let text = report.to_string();
    assert!(text.contains("names lacks the name"), "{text}");
    assert!(
        text.contains("refs has an entry no record owns: reference from meeting #88 to actor #77"),
        "{text}"
    );
    assert!(
        text.contains("date_meetings lacks an entry of meeting #1"),
        "{text}"
    );
}

#[test]
fn a_damaged_page_of_names_is_reported_and_the_check_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path(), |db| {
        // The names' one page, cut short; a posting list gone as well.
        let names = db.open_tree("names").unwrap();
        let (key, page) = names.iter().next().unwrap().unwrap();
        names.insert(key, &page[..page.len() - 3]).unwrap();
        let dates = db.open_tree("date_meetings").unwrap();
        let (chunk, _) = dates.iter().next().unwrap().unwrap();
        dates.remove(chunk).unwrap();
    });
    let db = reopen(dir.path());
    let err = db.query("who met Witkoff").unwrap_err().to_string();
    assert!(
        err.contains("the database is damaged: a page of the names table is malformed"),
        "{err}"
    );
    let report = db.check().unwrap();
    let text = report.to_string();
    assert_eq!(report.problem_count, 2, "{text}");
    assert!(
        text.contains("names: a page of the names table is malformed; its entries from there on were not compared"),
        "{text}"
    );
    assert!(
        text.contains("date_meetings lacks an entry of meeting #1"),
        "{text}"
    );
}

#[test]
fn undecodable_records_are_reported_not_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = build(dir.path());
    raw(dir.path(), |db| {
        // The page of actors 0..63 with one slot: actor `a`, whose record is garbage.
        let page = [1, 1, a as u8, 3, 1, 0xff, 0xff];
        db.open_tree("actors")
            .unwrap()
            .insert((a / 64).to_be_bytes(), &page[..])
            .unwrap();
    });
    let db = reopen(dir.path());
    let err = db.get(entrevue::ActorId::new(a)).unwrap_err();
    assert!(matches!(err, Error::Corrupt(_)), "{err}");
    let report = db.check().unwrap();
    assert!(!report.is_clean());
    assert!(
        report
            .to_string()
            .contains(&format!("actor #{a}: a stored value does not decode")),
        "{report}"
    );
}

#[test]
fn a_newer_format_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path(), |db| {
        db.open_tree("meta")
            .unwrap()
            .insert("format", &99u32.to_be_bytes())
            .unwrap();
    });
    let err = common::open_waiting(dir.path()).err().unwrap();
    assert!(
        matches!(err, Error::UnsupportedFormat { found: 99, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with("it was written by a newer Entrevue"),
        "{err}"
    );
}

#[test]
fn check_reports_a_damaged_search_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Database::open(dir.path()).unwrap();
        db.execute(
            "add document #d1 title \"Cessez le feu\" language fr; \
             add actor #a \"Ann\" kind person; \
             add meeting #m kind talks with #a source #d1 \"la paix, la paix\";",
        )
        .unwrap();
        db.flush().unwrap();
    }
    raw(dir.path(), |db| {
        // The French stem of "cessez" in the title, gone; the count of "feu", wrong; the
        // positions of "paix" in the quote, changed (length 4, once at 0).
        edit_entries(&db.open_tree("terms").unwrap(), |terms| {
            let under = |terms: &std::collections::BTreeMap<Vec<u8>, Vec<u8>>, prefix: &[u8]| {
                let mut keys = terms.keys().filter(|k| k.starts_with(prefix));
                keys.next().unwrap().clone()
            };
            let lost = under(terms, b"\x01\x01cess\0");
            terms.remove(&lost).unwrap();
            let feu = b"\x02\x01feu".to_vec();
            assert!(terms.contains_key(&feu));
            terms.insert(feu, 7u64.to_be_bytes().to_vec());
            let paix = under(terms, b"\x01\x01paix\0");
            terms.insert(paix, vec![4u8, 1, 0]);
        });
    });
    let db = reopen(dir.path());
    let report = db.check().unwrap();
    assert_eq!(report.problem_count, 3, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("terms lacks the fr term 'cess' in part 0 of document #1 (of document #1)"),
        "{text}"
    );
    assert!(
        text.contains("for the count of the fr term 'feu', but the records make it 1"),
        "{text}"
    );
    assert!(
        text.contains("terms holds a stale value for the fr term 'paix' in part 1 of meeting #1"),
        "{text}"
    );
}

#[test]
fn a_database_without_a_search_index_is_refused_as_an_older_format() {
    // Format 3 had no `terms` tree: its quotes would not be found.
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path(), |db| {
        db.open_tree("meta")
            .unwrap()
            .insert("format", &3u32.to_be_bytes())
            .unwrap();
    });
    let err = common::open_waiting(dir.path()).err().unwrap();
    assert!(
        matches!(err, Error::UnsupportedFormat { found: 3, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("dump"), "{err}");
}

#[test]
fn a_database_with_posting_entries_in_rows_is_refused_as_an_older_format() {
    // Format 4 stored posting entries one after another, not a field at a time: its chunks
    // would not decode.
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path(), |db| {
        db.open_tree("meta")
            .unwrap()
            .insert("format", &4u32.to_be_bytes())
            .unwrap();
    });
    let err = common::open_waiting(dir.path()).err().unwrap();
    assert!(
        matches!(
            err,
            Error::UnsupportedFormat {
                found: 4,
                supported: 6
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("dump"), "{err}");
}
