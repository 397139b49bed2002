//! The command line, run as a user would: modes, formats, exit codes, errors and dot-commands.

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

/// A scratch home (for the default database and history) and a database with the demo data.
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        home.cmd().args(["-c", "load demo"]).assert().success();
        home
    }

    fn db(&self) -> String {
        self.dir.path().join("db").display().to_string()
    }

    /// `entrevue --db <scratch db>` with the scratch home.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("entrevue").unwrap();
        cmd.env("XDG_DATA_HOME", self.dir.path().join("data"))
            .args(["--db", &self.db()]);
        cmd
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

#[test]
fn dash_c_runs_one_statement_without_a_semicolon() {
    let home = Home::new();
    home.cmd()
        .args(["-c", "when did Witkoff meet Putin"])
        .assert()
        .success()
        .stdout("date,place,meeting,kind\n2025-12-02,Moscow,m03,meeting\n");
}

#[test]
fn statements_on_standard_input_run_as_a_script() {
    let home = Home::new();
    home.cmd()
        .write_stdin(
            "-- two questions\nwhen did Witkoff meet Putin;\nwhere did Kushner meet Dmitriev;\n",
        )
        .assert()
        .success()
        .stdout(predicate::str::contains("2025-12-02,Moscow,m03,meeting"))
        .stdout(predicate::str::contains("Miami,2025-12-20,m07,talks"));
}

#[test]
fn run_executes_files_in_order_and_reports_file_line_col() {
    let home = Home::new();
    let good = home.file(
        "good.ent",
        "add actor #ann \"Ann Archer\" kind person;\nwho is Ann Archer;\n",
    );
    home.cmd()
        .args(["run", &good])
        .assert()
        .success()
        .stdout(predicate::str::contains("name,Ann Archer"));
    let bad = home.file("bad.ent", "who is Putin;\n\nwho met Ann during 2025-13;\n");
    home.cmd()
        .args(["run", &bad])
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{bad}:3:20: '2025-13' is not a valid date"
        )))
        .stderr(predicate::str::contains(format!(
            "\n  who met Ann during 2025-13;\n  {}^\n",
            " ".repeat(19)
        )));
}

#[test]
fn a_failing_script_changes_nothing_unless_keep_going() {
    let home = Home::new();
    let script = home.file(
        "partial.ent",
        "add actor \"Bo Berg\" kind person;\nwho met Nobody;\n",
    );
    home.cmd()
        .args(["run", &script])
        .assert()
        .failure()
        .stderr(predicate::str::contains(":2:9: no actor named 'Nobody'"));
    home.cmd().args(["-c", "who is Bo Berg"]).assert().failure();
    home.cmd()
        .args(["--keep-going", "run", &script])
        .assert()
        .failure();
    home.cmd()
        .args(["-c", "who is Bo Berg"])
        .assert()
        .success()
        .stdout(predicate::str::contains("name,Bo Berg"));
}

#[test]
fn every_format_prints_the_same_rows() {
    let home = Home::new();
    let run = |format: &str| {
        let out = home
            .cmd()
            .args(["--format", format, "-c", "where did Witkoff meet Umerov"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run("csv"), "place,date,meeting,kind\nWitkoff's golf club,2025-11-30,m02,talks\nMiami,2025-12-05,m04,talks\n");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json[1]["place"], "Miami");
    assert_eq!(json[0]["date"], "2025-11-30");
    let lines: Vec<serde_json::Value> = run("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["meeting"], "m02");
    let table = run("table");
    assert!(
        table.contains("Witkoff's golf club") && table.contains("2 rows"),
        "{table}"
    );
}

#[test]
fn csv_quotes_fields_and_json_keeps_lists_and_nulls() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["-c", "meetings with Witkoff and Dmitriev"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        &rows[0][5],
        "Steve Witkoff; Jared Kushner; Kirill Dmitriev; Marco Rubio"
    );
    let out = home
        .cmd()
        .args(["--format", "json", "-c", "timeline of Dmitriev"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let undated = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["meeting"] == "m11")
        .unwrap();
    assert!(undated["date"].is_null());
    assert!(undated["with"].is_array());
}

#[test]
fn the_default_database_is_created_with_the_demo_once() {
    let home = tempfile::tempdir().unwrap();
    let run = || {
        Command::cargo_bin("entrevue")
            .unwrap()
            .env("XDG_DATA_HOME", home.path())
            .args(["-c", "who met Dmitriev"])
            .output()
            .unwrap()
    };
    let first = run();
    assert!(String::from_utf8_lossy(&first.stderr).contains("Created the default database"));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Steve Witkoff,witkoff,2"));
    let second = run();
    assert_eq!(String::from_utf8_lossy(&second.stderr), "");
    assert_eq!(first.stdout, second.stdout);
    assert!(home.path().join("entrevue/default").is_dir());
}

#[test]
fn a_new_database_given_with_db_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh").display().to_string();
    Command::cargo_bin("entrevue")
        .unwrap()
        .args(["--db", &db, "-c", "who met Witkoff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no actor named 'Witkoff'"));
}

#[test]
fn a_locked_database_gets_a_clear_message() {
    let home = Home::new();
    let db = entrevue::Database::open(home.db()).unwrap();
    home.cmd()
        .args(["-c", "who met Witkoff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "database is in use by another process",
        ));
    drop(db);
}

/// Runs one dot-command line on standard input.
fn dot(home: &Home, line: &str) -> assert_cmd::assert::Assert {
    home.cmd().write_stdin(format!("{line}\n")).assert()
}

fn usage_of(command: &str) -> predicates::str::ContainsPredicate {
    predicate::str::contains(format!("usage: {command}"))
}

#[test]
fn dot_help() {
    let home = Home::new();
    dot(&home, ".help")
        .success()
        .stdout(predicate::str::contains(".timer on|off"))
        .stdout(predicate::str::contains("who met X"))
        .stdout(predicate::str::contains("return COLUMN"));
    dot(&home, ".help mode")
        .success()
        .stdout(predicate::str::starts_with(".mode table|csv|json|jsonl"));
    dot(&home, ".help mode extra")
        .failure()
        .stderr(usage_of(".help"));
}

#[test]
fn dot_mode() {
    let home = Home::new();
    dot(&home, ".mode").failure().stderr(usage_of(".mode"));
    home.cmd()
        .write_stdin(".mode jsonl\nwhen did Witkoff meet Putin;\n")
        .assert()
        .success()
        .stdout("{\"date\":\"2025-12-02\",\"place\":\"Moscow\",\"meeting\":\"m03\",\"kind\":\"meeting\"}\n");
    dot(&home, ".mode json csv")
        .failure()
        .stderr(usage_of(".mode"));
    dot(&home, ".mode xml").failure().stderr(usage_of(".mode"));
}

#[test]
fn dot_headers() {
    let home = Home::new();
    dot(&home, ".headers")
        .failure()
        .stderr(usage_of(".headers"));
    home.cmd()
        .write_stdin(".headers off\nwhen did Witkoff meet Putin;\n")
        .assert()
        .success()
        .stdout("2025-12-02,Moscow,m03,meeting\n");
    dot(&home, ".headers on off")
        .failure()
        .stderr(usage_of(".headers"));
}

#[test]
fn dot_timer() {
    let home = Home::new();
    dot(&home, ".timer").failure().stderr(usage_of(".timer"));
    home.cmd()
        .write_stdin(".timer on\nwho is Putin;\n")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"time: [0-9.]+ (µs|ms|s)\n").unwrap());
    dot(&home, ".timer on now")
        .failure()
        .stderr(usage_of(".timer"));
}

#[test]
fn dot_stats() {
    let home = Home::new();
    dot(&home, ".stats")
        .success()
        .stdout(predicate::str::contains("actors: 37\n"))
        .stdout(predicate::str::contains("meetings: 13\n"));
    dot(&home, ".stats all")
        .failure()
        .stderr(usage_of(".stats"));
}

#[test]
fn dot_schema() {
    let home = Home::new();
    dot(&home, ".schema")
        .success()
        .stdout(predicate::str::contains("actors: country (3)"))
        .stdout(predicate::str::contains("son_in_law_of (1)"));
    dot(&home, ".schema actors")
        .failure()
        .stderr(usage_of(".schema"));
}

#[test]
fn dot_read() {
    let home = Home::new();
    dot(&home, ".read").failure().stderr(usage_of(".read"));
    let script = home.file("q.ent", "who met Poutine order by actor limit 1;\n");
    dot(&home, &format!(".read {script}"))
        .success()
        .stdout("actor,handle,meetings\nDonald Trump,trump,1\n");
    dot(&home, &format!(".read {script} {script}"))
        .failure()
        .stderr(usage_of(".read"));
}

#[test]
fn dot_open() {
    let home = Home::new();
    dot(&home, ".open").failure().stderr(usage_of(".open"));
    let other = home.dir.path().join("other").display().to_string();
    home.cmd()
        .write_stdin(format!(".open {other}\n.stats\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Database {other}: 0 actors"
        )))
        .stdout(predicate::str::contains("actors: 0\n"));
    dot(&home, &format!(".open {other} {other}"))
        .failure()
        .stderr(usage_of(".open"));
}

#[test]
fn dot_dump() {
    let home = Home::new();
    dot(&home, ".dump")
        .success()
        .stdout(predicate::str::contains(
            "add actor #witkoff \"Steve Witkoff\" kind person",
        ));
    let file = home.dir.path().join("dump.ent").display().to_string();
    dot(&home, &format!(".dump {file}"))
        .success()
        .stdout(predicate::str::contains("wrote"));
    let dumped = std::fs::read_to_string(&file).unwrap();
    assert!(dumped.contains("add meeting #m13"), "{dumped}");
    dot(&home, &format!(".dump {file} {file}"))
        .failure()
        .stderr(usage_of(".dump"));
}

#[test]
fn dot_check() {
    let home = Home::new();
    dot(&home, ".check")
        .success()
        .stdout(predicate::str::starts_with("ok: "));
    dot(&home, ".check now")
        .failure()
        .stderr(usage_of(".check"));
}

#[test]
fn dot_quit() {
    let home = Home::new();
    home.cmd()
        .write_stdin(".quit\nwho met Nobody;\n")
        .assert()
        .success()
        .stdout("");
    dot(&home, ".quit now").failure().stderr(usage_of(".quit"));
}

#[test]
fn unknown_dot_commands_fail_with_their_line() {
    let home = Home::new();
    home.cmd()
        .write_stdin("who is Putin;\n.frobnicate\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "<stdin>:2: unknown command '.frobnicate'",
        ));
}

/// A script long enough to be interrupted: 40,000 actors in one transaction.
fn long_script(home: &Home) -> String {
    let text: String = (0..40_000)
        .map(|i| format!("add actor \"Extra {i}\" kind person;\n"))
        .collect();
    home.file("long.ent", &text)
}

#[test]
fn ctrl_c_stops_a_running_script_and_keeps_nothing() {
    let home = Home::new();
    let script = long_script(&home);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
        .args(["--db", &home.db(), "run", &script])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    home.cmd().args(["-c", "who is Extra 1"]).assert().failure();
    dot(&home, ".stats")
        .success()
        .stdout(predicate::str::contains("actors: 37\n"));
}
