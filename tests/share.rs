//! A second `entrevue` process asking questions of a database another one holds, through the
//! holder's socket in the database directory: the answers are the ones the database would give
//! itself, writes are refused with the "in use" error, and the socket goes with its holder.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a condition may take to come true before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

fn entrevue() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
}

/// `entrevue --db DB ARGS…` in the database's parent folder, its output.
fn run(db: &Path, args: &[&str]) -> Output {
    entrevue()
        .current_dir(db.parent().unwrap())
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The same as [`run`], once the database is free: the last holder's lock may outlive it a
/// moment (sled lets go of it once its flusher has wound down).
fn run_when_free(db: &Path, args: &[&str]) -> Output {
    let start = Instant::now();
    loop {
        let output = run(db, args);
        let held = text(&output.stderr).contains("in use by another process");
        if !held || start.elapsed() > DEADLINE {
            return output;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A database with the demo dataset, in a new folder.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let loaded = run(&db, &["-c", "load demo;"]);
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    (dir, db)
}

/// An `entrevue` holding the database: it reads a script from standard input, which stays
/// open until the test closes it. Returns once its socket is there.
fn holder(db: &Path) -> Child {
    let spawn = || {
        entrevue()
            .arg("--db")
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = spawn();
    let socket = db.join("entrevue.sock");
    let start = Instant::now();
    while !socket.exists() {
        assert!(start.elapsed() < DEADLINE, "the holder made no socket");
        // It found the database still held by the process before it: it tries again.
        if child.try_wait().unwrap().is_some() {
            child = spawn();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_process_asks_the_holder_and_may_not_write() {
    let (dir, db) = demo();
    std::fs::write(
        dir.path().join("q.ent"),
        "who met Witkoff limit 1;\n.mode json\nwho met Umerov limit 1;\n.quit\nwho met Putin;\n",
    )
    .unwrap();
    // What the database answers when the process asking has it to itself.
    let questions: [&[&str]; 5] = [
        &["run", "q.ent"],
        &["-c", "who met Witkoff;"],
        &[
            "--format",
            "json",
            "-c",
            "who met Umerov limit 2;\n.mode csv\nwho met Umerov",
        ],
        &["-c", "who met;"],
        &[
            "--keep-going",
            "-c",
            "who met Witkof;\nwho met Umerov limit 1;",
        ],
    ];
    let alone: Vec<Output> = questions.iter().map(|args| run(&db, args)).collect();
    assert!(text(&alone[0].stdout).contains("\"actor\": \"Jared Kushner\""));
    assert!(
        !text(&alone[0].stdout).contains("Putin"),
        "the script ends at .quit"
    );
    assert!(text(&alone[3].stderr).contains("1:8: expected"));

    let mut holding = holder(&db);
    let socket = db.join("entrevue.sock");
    let mode = std::fs::symlink_metadata(&socket)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the socket is the owner's only");
    for (args, alone) in questions.iter().zip(&alone) {
        let asked = run(&db, args);
        assert_eq!(text(&asked.stdout), text(&alone.stdout), "{args:?}");
        assert_eq!(text(&asked.stderr), text(&alone.stderr), "{args:?}");
        assert_eq!(asked.status.code(), alone.status.code(), "{args:?}");
    }

    let write = run(&db, &["-c", "who met Witkoff;\nadd actor \"Ann Example\";"]);
    assert_eq!(write.status.code(), Some(1));
    let refused = text(&write.stderr);
    assert!(
        refused.contains("2:1: database is in use by another process"),
        "{refused}"
    );
    assert!(
        refused.contains("needs the database to itself"),
        "{refused}"
    );
    assert_eq!(
        text(&write.stdout),
        "",
        "a script that writes is refused whole"
    );
    let dot = run(&db, &["-c", ".tables"]);
    assert_eq!(dot.status.code(), Some(1));
    assert!(text(&dot.stderr).contains("another process holds the database"));

    // The holder ends when its standard input does, and takes its socket with it.
    drop(holding.stdin.take());
    assert!(holding.wait().unwrap().success());
    assert!(!socket.exists(), "the socket outlived its holder");
    let after = run_when_free(&db, &["-c", "who is \"Ann Example\""]);
    assert!(
        text(&after.stderr).contains("no actor named 'Ann Example'"),
        "{}",
        text(&after.stderr)
    );
}

#[test]
fn a_killed_holders_socket_does_not_stand_in_the_way() {
    let (_dir, db) = demo();
    let mut holding = holder(&db);
    holding.kill().unwrap();
    holding.wait().unwrap();
    let socket = db.join("entrevue.sock");
    assert!(socket.exists(), "SIGKILL leaves the socket behind");

    // Held by a process that serves no socket, the dead one's is not answered: the plain
    // "in use" error.
    let start = Instant::now();
    let library = loop {
        match entrevue::Database::open(&db) {
            Ok(library) => break library,
            Err(_) if start.elapsed() < DEADLINE => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{e}"),
        }
    };
    let held = run(&db, &["-c", "who met Witkoff"]);
    assert_eq!(held.status.code(), Some(1));
    assert!(text(&held.stderr).contains("database is in use by another process"));
    drop(library);

    // Free, the database opens as ever, and the next holder's socket replaces the dead one's.
    let free = run_when_free(&db, &["-c", "who met Witkoff"]);
    assert!(free.status.success(), "{}", text(&free.stderr));
    assert!(text(&free.stdout).contains("Rustem Umerov"));
    assert!(!socket.exists());
    let mut holding = holder(&db);
    let asked = run(&db, &["-c", "who met Witkoff"]);
    assert_eq!(text(&asked.stdout), text(&free.stdout));
    drop(holding.stdin.take());
    assert!(holding.wait().unwrap().success());
}

#[test]
fn a_holder_ended_by_sigterm_takes_its_socket_with_it() {
    let (_dir, db) = demo();
    let mut holding = holder(&db);
    let killed = Command::new("kill")
        .args(["-TERM", &holding.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(holding.wait().unwrap().code(), Some(143));
    assert!(!db.join("entrevue.sock").exists());
    let free = run_when_free(&db, &["-c", "who met Witkoff"]);
    assert!(free.status.success(), "{}", text(&free.stderr));
}
