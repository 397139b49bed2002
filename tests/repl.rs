//! The REPL in a real pseudo-terminal: a question typed over two lines, Tab completion of a
//! partial name, Ctrl-C clearing a line, and history recalled after a restart.
#![cfg(unix)]

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

fn shell(home: &std::path::Path) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("entrevue"));
    cmd.env("XDG_DATA_HOME", home)
        .env("TERM", "xterm")
        .env("COLUMNS", "100");
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
    let text: String = (0..40_000)
        .map(|i| format!("add actor \"Extra {i}\" kind person;\n"))
        .collect();
    std::fs::write(&script, text).unwrap();
    keys(&mut repl, &format!(".read {}\r", script.display()));
    std::thread::sleep(std::time::Duration::from_millis(800));
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
