//! The REPL in a real pseudo-terminal: a question typed over two lines, Tab completion of a
//! partial name, Ctrl-C clearing a line, and history recalled after a restart.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

fn shell(home: &std::path::Path) -> PtySession {
    shell_with(home, &[], &[])
}

/// The REPL with these arguments and environment variables.
fn shell_with(home: &Path, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("entrevue"));
    cmd.env("XDG_DATA_HOME", home)
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .envs(env.iter().copied())
        .args(args);
    let mut session = spawn_command(cmd, Some(20_000)).unwrap();
    session.exp_string("entrevue> ").unwrap();
    session
}

/// Types keys as a terminal sends them (Enter is "\r"), and makes sure they leave the buffer.
fn keys(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

#[test]
fn a_person_at_the_shell() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = shell(home.path());

    // A question over two lines, the name completed from "Oum".
    keys(&mut repl, "who met\r");
    keys(&mut repl, "Oum\t");
    repl.exp_string("Oumerov").unwrap();
    keys(&mut repl, ";\r");
    repl.exp_string("European countries").unwrap();
    repl.exp_string("5 rows").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // Ctrl-C drops a half-typed line: the next line runs on its own.
    keys(&mut repl, "when did Witk\x03");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "where did Kushner meet Dmitriev;\r");
    repl.exp_string("2 rows").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // Ctrl-C while a long script runs stops it, and it keeps nothing.
    let script = home.path().join("long.ent");
    // It first prints a marker, so that Ctrl-C surely comes while it runs.
    let mut text = String::from("who met Putin return actor limit 1;\n");
    text.extend((0..40_000).map(|i| format!("add actor \"Extra {i}\" kind person;\n")));
    std::fs::write(&script, text).unwrap();
    keys(&mut repl, &format!(".read {}\r", script.display()));
    repl.exp_string("Donald Trump").unwrap();
    keys(&mut repl, "\x03");
    repl.exp_string("interrupted").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, ".stats\r");
    repl.exp_string("actors: 37").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // Ctrl-D leaves; the history survives the restart.
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();

    let mut again = shell(home.path());
    keys(&mut again, "\x1b[A"); // Up: the last line typed before leaving
    again.exp_string(".stats").unwrap();
    keys(&mut again, "\r");
    again.exp_string("actors: 37").unwrap();
    keys(&mut again, "\x04");
    again.exp_eof().unwrap();
}

#[test]
fn finding_03_failed_open_keeps_the_current_database() {
    let home = tempfile::tempdir().unwrap();
    let first = home.path().join("first");
    let held = home.path().join("held");
    let holder = entrevue::Database::open(&held).unwrap();
    let mut repl = shell_with(home.path(), &["--db", &first.display().to_string()], &[]);
    keys(&mut repl, &format!(".open {}\r", held.display()));
    repl.exp_string("database is in use by another process")
        .unwrap();
    repl.exp_string("the shell stays on the database at")
        .unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "add actor \"Kept Write\" kind person;\r");
    repl.exp_string("added actor").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
    drop(holder);
    let db = entrevue::Database::open(&first).unwrap();
    assert!(db.query("who is Kept Write").is_ok());
}

/// The lines typed at the REPL on `db`, then Ctrl-D.
fn type_lines(home: &Path, db: &Path, args: &[&str], env: &[(&str, &str)], lines: &[&str]) {
    let mut all = vec!["--db", db.to_str().unwrap()];
    all.extend(args);
    let mut repl = shell_with(home, &all, env);
    for line in lines {
        keys(&mut repl, &format!("{line}\r"));
        repl.exp_string("entrevue> ").unwrap();
    }
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn finding_19_history_is_kept_per_database_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let (one, two) = (home.path().join("one"), home.path().join("two"));
    type_lines(home.path(), &one, &[], &[], &[".help timer"]);
    let file = one.join("history");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains(".help timer"));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // No global history any more.
    assert!(!home.path().join("entrevue/history").exists());

    // Another database does not recall the first one's lines: Up finds nothing to run.
    let mut repl = shell_with(home.path(), &["--db", two.to_str().unwrap()], &[]);
    keys(&mut repl, "\x1b[A\r");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, ".help mode\r");
    let before = repl
        .exp_string(".mode ?table|box|markdown|line|csv|json|jsonl?")
        .unwrap();
    assert!(!before.contains("Show how long"), "{before}");
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();

    // And the first one still does, after a restart.
    let mut repl = shell_with(home.path(), &["--db", one.to_str().unwrap()], &[]);
    keys(&mut repl, "\x1b[A\r");
    repl.exp_string("Show how long").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn finding_19_history_can_be_turned_off() {
    let home = tempfile::tempdir().unwrap();
    let (flag, variable) = (home.path().join("flag"), home.path().join("variable"));
    type_lines(home.path(), &flag, &["--no-history"], &[], &[".help timer"]);
    type_lines(
        home.path(),
        &variable,
        &[],
        &[("ENTREVUE_HISTORY", "off")],
        &[".help timer"],
    );
    assert!(flag.is_dir() && variable.is_dir());
    assert!(!flag.join("history").exists());
    assert!(!variable.join("history").exists());
}
