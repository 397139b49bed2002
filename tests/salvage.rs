//! Backups, recovery from damaged files, and damage that must neither hang nor pass unseen.

mod common;

use common::dump;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;
use common::{raw, reopen};
use entrevue::{Actor, ActorKind, Database};

fn demo(dir: &Path) {
    let db = Database::open(dir).unwrap();
    db.execute("load demo;").unwrap();
}
/// Overwrites the body of the first record stored in the actors' first page, keeping its
/// length: that one record no longer decodes, its neighbours still do.
fn garble_first_actor(dir: &Path) {
    raw(dir, |db| {
        let actors = db.open_tree("actors").unwrap();
        let (key, page) = actors.iter().next().unwrap().unwrap();
        let mut page = page.to_vec();
        // version 1, slot count (one byte while < 128), then: slot id, length, record.
        assert_eq!(page[0], 1);
        assert!(
            page[1] < 128 && page[3] < 128,
            "a page layout this test does not parse"
        );
        let length = page[3] as usize;
        for byte in &mut page[5..4 + length] {
            *byte = 0xff;
        }
        actors.insert(key, page).unwrap();
    });
}

#[test]
fn recover_copies_every_record_that_reads_and_says_what_was_lost() {
    let dir = tempfile::tempdir().unwrap();
    let damaged = dir.path().join("damaged");
    demo(&damaged);
    let before = reopen(&damaged).stats().unwrap();
    garble_first_actor(&damaged);
    assert!(!reopen(&damaged).check().unwrap().is_clean());

    let new = dir.path().join("new");
    let report = Database::recover(&damaged, &new).unwrap();
    assert_eq!(report.copied[0], before.actors - 1, "{report}");
    assert_eq!(report.copied[3], before.meetings, "{report}");
    // A relation whose end was lost goes with it.
    let relations_kept = report.copied[4];
    assert!(relations_kept < before.relations, "{report}");
    assert_eq!(
        report.lost(),
        Some(1 + before.relations - relations_kept),
        "{report}"
    );
    let text = report.to_string();
    assert!(
        text.contains(&format!(
            "{} of {} actors",
            before.actors - 1,
            before.actors
        )),
        "{text}"
    );
    assert!(
        text.contains("1 actor record(s) or page(s) did not decode"),
        "{text}"
    );
    assert!(text.contains("were dropped"), "{text}");

    let recovered = Database::open(&new).unwrap();
    let check = recovered.check().unwrap();
    assert!(check.is_clean(), "{check}");
    // The damaged files were read from a copy and left as they were.
    assert!(!reopen(&damaged).check().unwrap().is_clean());
    // A second recovery into the same place is refused.
    drop(recovered);
    let err = Database::recover(&damaged, &new).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[test]
fn backup_is_a_consistent_copy_that_keeps_the_ids_handed_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::temporary().unwrap();
    db.execute("load demo;").unwrap();
    let gone = db
        .add(Actor::new(ActorKind::Person, "Short Lived"))
        .unwrap();
    db.delete(gone).unwrap();

    let copy_dir = dir.path().join("copy");
    let report = db.backup(&copy_dir).unwrap();
    assert_eq!(report.lost(), Some(0), "{report}");
    let copy = Database::open(&copy_dir).unwrap();
    assert_eq!(copy.stats().unwrap(), db.stats().unwrap());
    assert_eq!(dump(&copy), dump(&db));
    assert!(copy.check().unwrap().is_clean());
    // The deleted actor's id stays handed out in the copy too.
    let next_here = db.add(Actor::new(ActorKind::Person, "Next")).unwrap();
    let next_there = copy.add(Actor::new(ActorKind::Person, "Next")).unwrap();
    assert_eq!(next_here, next_there);
    assert!(next_there.get() > gone.get());
}

#[test]
fn backup_and_recover_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let entrevue = || Command::cargo_bin("entrevue").unwrap();
    let a = dir.path().join("a");
    entrevue()
        .arg("--db")
        .arg(&a)
        .args(["-c", "load demo;"])
        .assert()
        .success();

    let b = dir.path().join("b");
    entrevue()
        .arg("--db")
        .arg(&a)
        .arg("backup")
        .arg(&b)
        .assert()
        .success()
        .stdout(predicates::str::contains("nothing was lost"));
    let c = dir.path().join("c");
    entrevue()
        .arg("--db")
        .arg(&a)
        .arg("-c")
        .arg(format!(".backup {}", c.display()))
        .assert()
        .success();
    let d = dir.path().join("d");
    entrevue()
        .arg("recover")
        .arg(&a)
        .arg(&d)
        .assert()
        .success()
        .stdout(predicates::str::contains("the copy is in"));
    for copy in [&b, &c, &d] {
        entrevue()
            .arg("--db")
            .arg(copy)
            .args(["-c", "who met Witkoff;"])
            .assert()
            .success()
            .stdout(predicates::str::contains("Dmitriev"));
    }
    entrevue()
        .arg("recover")
        .arg(&a)
        .arg(&d)
        .assert()
        .failure()
        .stderr(predicates::str::contains("already exists"));
}

/// A tiny generator, so that the damage is the same on every run.
fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

/// A database of a few thousand meetings, closed.
fn meetings(dir: &Path) {
    let db = Database::open(dir).unwrap();
    let mut script = String::new();
    for i in 0..60 {
        script.push_str(&format!("add actor #e{i} \"Envoy {i}\";\n"));
    }
    for i in 0..3000 {
        script.push_str(&format!(
            "add meeting kind talks on 2025-{:02}-{:02} with #e{} with #e{};\n",
            1 + i % 12,
            1 + i % 28,
            i % 60,
            (i * 7 + 1) % 60
        ));
    }
    db.execute(&script).unwrap();
}

#[test]
fn the_check_of_a_damaged_file_ends() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    meetings(&base);
    for seed in 1..=4u64 {
        let damaged = dir.path().join(format!("damaged{seed}"));
        std::fs::create_dir(&damaged).unwrap();
        for entry in std::fs::read_dir(&base).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), damaged.join(entry.file_name())).unwrap();
            }
        }
        let file = damaged.join("db");
        let mut bytes = std::fs::read(&file).unwrap();
        let mut state = seed;
        for _ in 0..10 {
            let at = bytes.len() / 4 + (next(&mut state) as usize) % (bytes.len() / 2);
            for byte in bytes.iter_mut().skip(at).take(64) {
                *byte = next(&mut state) as u8;
            }
        }
        std::fs::write(&file, bytes).unwrap();
        // Opening and checking either answer or report damage; what matters is that they end.
        let (done, ended) = mpsc::channel();
        std::thread::spawn(move || {
            let outcome = match Database::open(&damaged) {
                Ok(db) => db.check().map(|r| r.to_string()),
                Err(e) => Err(e),
            };
            let _ = done.send(outcome.map_err(|e| e.to_string()));
        });
        let outcome = ended
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("seed {seed}: opening or checking did not end"));
        if let Err(message) = outcome {
            assert!(message.contains("damaged"), "seed {seed}: {message}");
            for raw_text in ["backtrace", "Read corrupted data", "file offset"] {
                assert!(!message.contains(raw_text), "seed {seed}: {message}");
            }
        }
    }
}

#[test]
fn an_interrupted_import_is_discarded_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for (file, text) in [
        (
            "actors.csv",
            "id,name,kind,country_id\n1,Ann Arbor,person,\n2,Bo Berg,person,\n",
        ),
        ("places.csv", "id,name,parent_id\n1,Nordland,\n"),
        ("meetings.csv", "id,date,place_id\n1,2020-01-01,1\n"),
        ("participation.csv", "meeting_id,actor_id\n1,1\n1,2\n"),
    ] {
        std::fs::write(data.join(file), text).unwrap();
    }
    let db_dir = dir.path().join("db");
    let state = db_dir.join("entrevue.state");
    let before;
    {
        let db = Database::open(&db_dir).unwrap();
        before = std::fs::read(&state).unwrap();
        db.import_csv(&data, &mut |_, _| {}).unwrap();
    }
    // The marker an import sets while it writes, and the state from before it: as if the
    // process had died during the import.
    std::fs::write(&state, before).unwrap();
    raw(&db_dir, |raw| {
        raw.open_tree("meta")
            .unwrap()
            .insert("loading", &[1u8][..])
            .unwrap();
    });
    Command::cargo_bin("entrevue")
        .unwrap()
        .arg("--db")
        .arg(&db_dir)
        .args(["-c", ".stats"])
        .assert()
        .success()
        .stderr(predicates::str::contains("did not finish"))
        .stdout(predicates::str::contains("meetings: 0"));
}
