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
///
/// Ctrl-D is sent only once the prompt after a command's output is on screen: while a command
/// runs the terminal is in its cooked mode, where Ctrl-D is not a key but an end of input, and
/// the editor never reads it.
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
    again.exp_string("entrevue> ").unwrap();
    keys(&mut again, "\x04");
    again.exp_eof().unwrap();
}

#[test]
fn failed_open_keeps_the_current_database() {
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
        // The editor redraws the prompt with each key typed: the prompt to wait for is the
        // one after the line was entered, or a key sent next may arrive while it runs.
        repl.exp_string("\r\n").unwrap();
        repl.exp_string("entrevue> ").unwrap();
    }
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn history_is_kept_per_database_for_its_owner_only() {
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
        .exp_string(".mode ?table|box|markdown|line|csv|json|jsonl|svg|html|dot?")
        .unwrap();
    assert!(!before.contains("Show how long"), "{before}");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();

    // And the first one still does, after a restart.
    let mut repl = shell_with(home.path(), &["--db", one.to_str().unwrap()], &[]);
    keys(&mut repl, "\x1b[A\r");
    repl.exp_string("Show how long").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn history_can_be_turned_off() {
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

/// Presses Ctrl-C and returns what the screen showed until then. (The editor redraws the
/// prompt as keys are typed, so a line of known output marks the end.)
fn screen_until_prompt(repl: &mut PtySession) -> String {
    keys(repl, "\x03");
    // Keys typed ahead of Ctrl-C's new prompt may be dropped with the line.
    std::thread::sleep(std::time::Duration::from_millis(300));
    keys(repl, ".help timer\r");
    let screen = repl.exp_string("Show how long").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    screen
}

#[test]
fn completion_offers_what_the_context_takes() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = shell(home.path());

    // Actors only after `met`, by a name as typed, not its handle: one candidate, inserted.
    keys(&mut repl, "who met Witk\t");
    repl.exp_string("off").unwrap();
    keys(&mut repl, ";\r");
    repl.exp_string("rows").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "who met Kush\t;\r");
    repl.exp_string("Kirill Dmitriev").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // Handles only after a typed '#'.
    keys(&mut repl, "who is #kush\t");
    repl.exp_string("ner").unwrap();
    keys(&mut repl, ";\r");
    repl.exp_string("Jared Kushner").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // A status after `including`, not a place.
    keys(&mut repl, "meetings including pla\t");
    repl.exp_string("nned").unwrap();
    keys(&mut repl, ";\r");
    repl.exp_string("rows").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // A place whose name needs quotes is written quoted.
    keys(&mut repl, "meetings in Port\t");
    repl.exp_string("\"Port of Pivdennyi\"").unwrap();
    screen_until_prompt(&mut repl);

    // Meetings after `sources of`; keywords where a keyword goes.
    keys(&mut repl, "sources of m0\t\t");
    repl.exp_string("m01").unwrap();
    repl.exp_string("m09").unwrap();
    screen_until_prompt(&mut repl);
    keys(&mut repl, "who \t\t");
    repl.exp_regex("is\\s+met\\s+was").unwrap();
    screen_until_prompt(&mut repl);
    keys(&mut repl, "time\t");
    repl.exp_string("line").unwrap();
    screen_until_prompt(&mut repl);

    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn an_unfinished_statement_shows_a_continuation_prompt() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = shell(home.path());

    keys(&mut repl, "who met\r");
    repl.exp_string("     ...> ").unwrap();
    keys(&mut repl, "Oum\t");
    repl.exp_string("erov").unwrap();
    keys(&mut repl, "\r");
    repl.exp_string("     ...> ").unwrap();
    keys(&mut repl, ";\r");
    repl.exp_string("5 rows").unwrap();
    repl.exp_string("entrevue> ").unwrap();

    // An open quote goes on too; Ctrl-C drops the whole statement.
    keys(&mut repl, "who met 'Witkoff;\r");
    repl.exp_string("     ...> ").unwrap();
    keys(&mut repl, "\x03");
    repl.exp_string("entrevue> ").unwrap();

    // help, exit and quit, as people type them in other shells.
    keys(&mut repl, "help\r");
    repl.exp_string(".mode ?table|box").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "help;\r");
    repl.exp_string(".mode ?table|box").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "exit\r");
    repl.exp_eof().unwrap();

    let mut repl = shell(home.path());
    keys(&mut repl, "quit;\r");
    repl.exp_eof().unwrap();
}

#[test]
fn without_colour_history_hints_are_not_shown() {
    let home = tempfile::tempdir().unwrap();
    for (env, hinted) in [(&[][..], true), (&[("NO_COLOR", "1")][..], false)] {
        let mut repl = shell_with(home.path(), &["--no-history"], env);
        keys(&mut repl, "who met Witkoff;\r");
        repl.exp_string("rows").unwrap();
        repl.exp_string("entrevue> ").unwrap();
        keys(&mut repl, "who met Witk");
        // Give the editor time to draw the line, hint included if any.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let screen = screen_until_prompt(&mut repl);
        assert_eq!(screen.contains("Witkoff"), hinted, "{screen:?}");
        keys(&mut repl, "\x04");
        repl.exp_eof().unwrap();
    }
}

#[test]
fn a_long_table_on_a_terminal_shows_its_ends_and_counts_the_rest() {
    let home = tempfile::tempdir().unwrap();
    let db = entrevue::Database::temporary().unwrap();
    db.execute("load demo;").unwrap();
    let handles: Vec<String> = db
        .query("meetings including all return meeting")
        .unwrap()
        .values("meeting")
        .iter()
        .map(|v| v.to_string())
        .collect();
    let n = handles.len();
    assert!(n > 6, "the demo has enough meetings to cut: {n}");

    let mut repl = shell(home.path());
    keys(&mut repl, "load demo;\r");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, ".maxrows\r");
    repl.exp_string("40").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, ".maxrows 4\r");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "meetings including all return meeting;\r");
    let screen = repl.exp_string(&format!("{n} rows (4 shown")).unwrap();
    repl.exp_string("entrevue> ").unwrap();
    let cell = |h: &str| format!(" {h} ");
    for shown in [0, 1, n - 2, n - 1] {
        assert!(screen.contains(&cell(&handles[shown])), "{screen}");
    }
    for hidden in &handles[2..n - 2] {
        assert!(!screen.contains(&cell(hidden)), "{screen}");
    }

    // 0 shows every row.
    keys(&mut repl, ".maxrows 0\r");
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "meetings including all return meeting;\r");
    let screen = repl.exp_string(&format!("{n} rows")).unwrap();
    for handle in &handles {
        assert!(screen.contains(&cell(handle)), "{screen}");
    }
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
}

#[test]
fn with_the_shell_open_another_process_asks_it_questions() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = shell(home.path());
    let ask = |statements: &str| {
        Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
            .env("XDG_DATA_HOME", home.path())
            .args(["-c", statements])
            .output()
            .unwrap()
    };
    let asked = ask("who met Witkoff;");
    assert!(
        asked.status.success(),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
    assert!(String::from_utf8_lossy(&asked.stdout).contains("Rustem Umerov,umerov,"));
    let write = ask("add actor \"Ann Example\" kind person;");
    assert_eq!(write.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&write.stderr).contains("in use by another process"));
    // The shell goes on, and the refused write was not made.
    keys(&mut repl, "who is \"Ann Example\";\r");
    repl.exp_string("no actor named 'Ann Example'").unwrap();
    repl.exp_string("entrevue> ").unwrap();
    keys(&mut repl, "\x04");
    repl.exp_eof().unwrap();
    assert!(!home.path().join("entrevue/default/entrevue.sock").exists());
}
