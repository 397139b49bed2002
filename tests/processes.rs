//! Tests across processes: a writer killed with SIGKILL at random moments, and a database held
//! open by another process.
//!
//! The child process is this test binary itself, re-run on one test whose body only acts when
//! an environment variable names a database.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use entrevue::{Actor, ActorKind, Database, Error, Meeting, Participant, Place, PlaceKind};

const CHILD_DB: &str = "ENTREVUE_TEST_CHILD_DB";
const CHILD_ROLE: &str = "ENTREVUE_TEST_CHILD_ROLE";

fn spawn_child(role: &str, db: &std::path::Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, db)
        .env(CHILD_ROLE, role)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until the child prints a line starting with `word`.
fn wait_for(child: &mut Child, word: &str) -> BufReader<std::process::ChildStdout> {
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child ended before saying '{word}'"
        );
        if line.starts_with(word) {
            return out;
        }
    }
}

/// The child's side: does nothing unless run by one of the tests below.
#[test]
fn child_process() {
    let (Ok(path), Ok(role)) = (std::env::var(CHILD_DB), std::env::var(CHILD_ROLE)) else {
        return;
    };
    // The test process may have closed the database a moment ago: sled releases its lock once
    // its background flusher has wound down, so a quick reopen can still find it held.
    let mut tries = 0;
    let db = loop {
        match Database::open(&path) {
            Ok(db) => break db,
            Err(Error::Locked { .. }) if tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("{e}"),
        }
    };
    // Markers start a fresh line: the test harness has already printed "test child_process ... ".
    println!("\n@open");
    match role.as_str() {
        "hold" => std::thread::sleep(Duration::from_secs(60)),
        "write" => write_until_killed(&db),
        other => panic!("unknown role {other}"),
    }
}

/// Adds, corrects and deletes meetings as fast as it can, printing each meeting it added or
/// deleted as soon as the call returns: an acknowledged write.
fn write_until_killed(db: &Database) {
    let place = match db.find_places("Hallandale Beach").unwrap().first() {
        Some(&p) => p,
        None => db
            .add(Place::new(PlaceKind::City, "Hallandale Beach"))
            .unwrap(),
    };
    let mut actors = db
        .all::<Actor>()
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect::<Vec<_>>();
    for round in 0u64.. {
        if actors.len() < 50 {
            actors.push(
                db.add(Actor::new(ActorKind::Person, format!("Envoy {round}")))
                    .unwrap(),
            );
        }
        let pick = |k: u64| actors[((round * 7 + k * 13) % actors.len() as u64) as usize];
        let mut meeting = Meeting::new("talks").at(place);
        for k in 0..3 {
            let actor = pick(k);
            if meeting.participant(actor).is_none() {
                meeting.participants.push(Participant::new(actor));
            }
        }
        meeting.date = Some(
            entrevue::DateSpan::day(2025, 1 + (round % 12) as u8, 1 + (round % 28) as u8).unwrap(),
        );
        let id = db.add(meeting.clone()).unwrap();
        println!("@added {}", id.get());
        if round % 5 == 0 {
            meeting.participants.truncate(1);
            meeting.date = Some(entrevue::DateSpan::month(2026, 1 + (round % 12) as u8).unwrap());
            db.update(id, meeting).unwrap();
        }
        if round % 7 == 0 {
            // Said before: a kill between the commit and a line printed after it would look
            // like a lost write.
            println!("@deleting {}", id.get());
            db.delete(id).unwrap();
        }
    }
}

/// Every write that returned is on disk after a SIGKILL, and the database is consistent.
#[test]
fn acknowledged_writes_survive_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut acknowledged = std::collections::BTreeSet::new();
    let mut kills_after_writes = 0;
    for round in 0..16u64 {
        let mut child = spawn_child("write", dir.path());
        let mut out = wait_for(&mut child, "@open");
        // A spread of moments: right after opening, mid-stream, after many writes.
        std::thread::sleep(Duration::from_millis(5 + (round * 37) % 250));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut printed = String::new();
        out.read_to_string(&mut printed).unwrap();
        let before = acknowledged.len();
        for line in printed.lines() {
            if let Some(id) = line.strip_prefix("@added ") {
                acknowledged.insert(id.parse::<u64>().unwrap());
            } else if let Some(id) = line.strip_prefix("@deleting ") {
                acknowledged.remove(&id.parse::<u64>().unwrap());
            }
        }
        kills_after_writes += usize::from(acknowledged.len() > before);

        let db = Database::open(dir.path()).unwrap();
        let report = db.check().unwrap();
        assert!(report.is_clean(), "after kill {round}: {report}");
        let meetings = db.all::<Meeting>().unwrap();
        let stored: std::collections::BTreeSet<u64> =
            meetings.iter().map(|(id, _)| id.get()).collect();
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "after kill {round}: {} acknowledged meetings are gone: {lost:?}",
            lost.len()
        );
        // Each meeting is listed under every participant: present with all its entries.
        for (id, meeting) in &meetings {
            for p in &meeting.participants {
                assert!(db.meetings_of(p.actor, None).unwrap().contains(id));
            }
        }
        eprintln!(
            "kill {round}: {} meetings, {} acknowledged",
            meetings.len(),
            acknowledged.len()
        );
        // What is stored and was not acknowledged (the write in flight) counts from now on.
        acknowledged = stored;
    }
    assert!(
        kills_after_writes >= 8,
        "only {kills_after_writes} kills landed after a write: they did not land mid-stream"
    );
}

#[test]
fn a_second_process_gets_a_clear_locked_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_child("hold", dir.path());
    let _out = wait_for(&mut child, "@open");
    let result = Database::open(dir.path());
    child.kill().unwrap();
    child.wait().unwrap();
    let err = result
        .err()
        .expect("opening a database held by another process must fail");
    assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("database is in use by another process: "),
        "{err}"
    );
    // Once the other process is gone, the database opens again.
    Database::open(dir.path()).unwrap();
}
