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

/// An unfinished last statement of `-c` is located on its own line, under its end.
#[test]
fn an_unfinished_last_statement_is_located_where_it_ends() {
    let home = Home::new();
    home.cmd()
        .args(["-c", "who met Witkoff; who met"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "1:25: expected a string, a #handle or a name after `met`, found the end of the input\n  who met Witkoff; who met\n                          ^",
        ));
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
        .stdout(predicate::str::contains("Miami,2025-12-20,m08,talks"));
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
        "Steve Witkoff; Jared Kushner; Kirill Dmitriev; Marco Rubio (possible)"
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
        .find(|r| r["meeting"] == "m12")
        .unwrap();
    // Undated, but reported in a document published on 2025-12-20: a bound, as text.
    assert_eq!(undated["date"], "before 2025-12-20");
    assert!(undated["place"].is_null());
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
        .stdout(predicate::str::contains(".timer ?on|off?"))
        .stdout(predicate::str::contains("who met X"))
        .stdout(predicate::str::contains("return COLUMN"));
    dot(&home, ".help mode")
        .success()
        .stdout(predicate::str::starts_with(
            ".mode ?table|box|markdown|line|csv|json|jsonl|svg|html|dot?",
        ));
    dot(&home, ".help mode extra")
        .failure()
        .stderr(usage_of(".help"));
}

#[test]
fn dot_mode() {
    let home = Home::new();
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
        .stdout(predicate::str::contains("meetings: 15\n"));
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
        .stdout("actor,handle,meetings\nDonald Trump,trump,2\n");
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
    assert!(dumped.contains("add meeting #m15"), "{dumped}");
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
            "<stdin>:2:1: unknown command '.frobnicate'",
        ));
}

/// A script long enough to be interrupted: a question that prints a marker line (the test
/// waits for it, so the script is surely running), then 40,000 actors in one transaction.
fn long_script(home: &Home) -> String {
    let mut text = String::from("who met Putin return actor limit 1;\n");
    text.extend((0..40_000).map(|i| format!("add actor \"Extra {i}\" kind person;\n")));
    home.file("long.ent", &text)
}

/// The binary running `args` on the home's database, its output piped.
fn spawn(home: &Home, args: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
        .env("XDG_DATA_HOME", home.dir.path().join("data"))
        .args(["--db", &home.db()])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads the child's standard output until a line equal to `marker` has been printed.
fn wait_for_line(out: &mut std::io::BufReader<std::process::ChildStdout>, marker: &str) -> String {
    use std::io::BufRead;
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = out.read_line(&mut line).unwrap();
        assert!(n > 0, "the output ended before {marker:?}: {seen}");
        seen.push_str(&line);
        if line.trim_end() == marker {
            return seen;
        }
    }
}

fn send(child: &std::process::Child, signal: &str) {
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Runs the long script with `flags`, sends `signal` once it is surely running, and returns
/// the exit code and standard error.
fn interrupt_long_script(home: &Home, flags: &[&str], signal: &str) -> (Option<i32>, String) {
    let script = long_script(home);
    let mut args = flags.to_vec();
    args.extend(["run", &script]);
    let mut child = spawn(home, &args);
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    wait_for_line(&mut out, "Donald Trump");
    send(&child, signal);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    (output.status.code(), stderr)
}

#[test]
fn ctrl_c_stops_a_running_script_and_keeps_nothing() {
    let home = Home::new();
    let (code, stderr) = interrupt_long_script(&home, &[], "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    home.cmd().args(["-c", "who is Extra 1"]).assert().failure();
    dot(&home, ".stats")
        .success()
        .stdout(predicate::str::contains("actors: 37\n"));
}

#[test]
fn sigterm_ends_a_script_with_one_line_and_keeps_nothing() {
    let home = Home::new();
    let (code, stderr) = interrupt_long_script(&home, &[], "-TERM");
    assert_eq!(code, Some(143), "{stderr}");
    assert_eq!(
        stderr,
        "entrevue: terminated by SIGTERM; what the unfinished script wrote was not kept\n"
    );
    dot(&home, ".stats")
        .success()
        .stdout(predicate::str::contains("actors: 37\n"));
}

#[test]
fn ctrl_c_with_keep_going_stops_the_whole_run_with_one_message() {
    let home = Home::new();
    let (code, stderr) = interrupt_long_script(&home, &["--keep-going"], "-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stderr.matches("interrupted").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
}

#[test]
fn ctrl_c_stops_a_long_table_part_way() {
    let home = Home::new();
    // A database where one question answers 20,000 rows, bulk-imported in a moment.
    let data = home.dir.path().join("csv");
    std::fs::create_dir(&data).unwrap();
    let n = 20_000;
    let actors: String = (1..=n)
        .map(|i| format!("{i},Person {i},person,\n"))
        .collect();
    std::fs::write(
        data.join("actors.csv"),
        format!("id,name,kind,country_id\n{actors}"),
    )
    .unwrap();
    std::fs::write(data.join("places.csv"), "id,name,parent_id\n1,Capital,\n").unwrap();
    let meetings: String = (1..n).map(|i| format!("{i},2020-03-05,1\n")).collect();
    std::fs::write(
        data.join("meetings.csv"),
        format!("id,date,place_id\n{meetings}"),
    )
    .unwrap();
    let participation: String = (1..n).map(|i| format!("{i},1\n{i},{}\n", i + 1)).collect();
    std::fs::write(
        data.join("participation.csv"),
        format!("meeting_id,actor_id\n{participation}"),
    )
    .unwrap();
    let big = home.dir.path().join("big").display().to_string();
    Command::cargo_bin("entrevue")
        .unwrap()
        .args(["--db", &big, "import", &data.display().to_string()])
        .assert()
        .success();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
        .args(["--db", &big, "--format", "table", "-c", "who met #1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    assert!(!first.is_empty(), "the table never started");
    send(&child, "-INT");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let lines = 1 + rest.lines().count();
    assert!(
        lines < n as usize,
        "printing went on after Ctrl-C: {lines} lines"
    );
}

/// Runs the binary with its standard output read up to one line and then closed, as by
/// `| head -1`.
fn with_output_closed_after_one_line(home: &Home, args: &[&str]) -> std::process::Output {
    use std::io::BufRead;
    let mut child = spawn(home, args);
    {
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_output_ends_the_program_quietly() {
    let home = Home::new();
    // More than a pipe holds, from dot-commands and from statements.
    let helps = home.file("helps.ent", &".help\n".repeat(2_000));
    let questions = home.file("questions.ent", &"who met Witkoff;\n".repeat(5_000));
    for script in [&helps, &questions] {
        let output = with_output_closed_after_one_line(&home, &["run", script]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{stderr}");
        assert_eq!(stderr, "");
    }
    // A script that writes keeps nothing when its output is cut short.
    let writes = home.file(
        "writes.ent",
        &format!(
            "add actor \"Cut Short\" kind person;\n{}",
            ".help\n".repeat(2_000)
        ),
    );
    let output = with_output_closed_after_one_line(&home, &["run", &writes]);
    assert_eq!(output.status.code(), Some(141));
    home.cmd()
        .args(["-c", "who is Cut Short"])
        .assert()
        .failure();
}

#[test]
fn a_script_with_dot_commands_is_one_transaction() {
    let home = Home::new();
    let text = "add actor \"Kept\" kind person;\n.headers on\nwho met Nobody;\n";
    let script = home.file("mixed.ent", text);
    home.cmd()
        .args(["run", &script])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "mixed.ent:3:9: no actor named 'Nobody'",
        ));
    home.cmd().args(["-c", text]).assert().code(1);
    home.cmd().write_stdin(text).assert().code(1);
    home.cmd().args(["-c", "who is Kept"]).assert().failure();
    // With --keep-going, each statement stands alone.
    home.cmd()
        .args(["--keep-going", "run", &script])
        .assert()
        .code(1);
    home.cmd().args(["-c", "who is Kept"]).assert().success();
}

#[test]
fn dot_commands_see_the_writes_before_them() {
    let home = Home::new();
    home.cmd()
        .write_stdin("add actor \"Ann Archer\" kind person;\n.stats\n.mode json\nwho is Ann Archer return value limit 1;\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("actors: 38\n"))
        .stdout(predicate::str::contains("\"value\": \"Ann Archer\""));
}

#[test]
fn open_and_check_are_refused_in_a_script_that_writes() {
    let home = Home::new();
    let other = home.dir.path().join("other").display().to_string();
    home.cmd()
        .write_stdin(format!("add actor \"Ann\" kind person;\n.open {other}\n"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:2:1: '.open' cannot be used in a script that writes",
        ));
    home.cmd()
        .write_stdin("add actor \"Ann\" kind person;\n.check\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "'.check' verifies the database as committed",
        ));
    home.cmd().args(["-c", "who is Ann"]).assert().failure();
    // In a script that only reads, .open switches databases for the rest of it.
    home.cmd()
        .write_stdin(format!(".open {other}\n.stats\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("actors: 0\n"));
}

#[test]
fn failed_open_keeps_the_current_database() {
    let home = Home::new();
    let locked = home.dir.path().join("locked");
    let holder = entrevue::Database::open(&locked).unwrap();
    // With --keep-going the script goes on after the failed .open, on the first database.
    home.cmd()
        .args(["--keep-going"])
        .write_stdin(format!(".open {}\n.stats\n", locked.display()))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "database is in use by another process",
        ))
        .stderr(predicate::str::contains(format!(
            "the shell stays on the database at {}",
            home.db()
        )))
        .stdout(predicate::str::contains("actors: 37\n"));
    drop(holder);
}

#[test]
fn read_of_itself_stops_at_the_nesting_limit_and_keeps_nothing() {
    let home = Home::new();
    let script = home.file(
        "self.ent",
        "add actor \"Loop\" kind person;\n.read self.ent\n",
    );
    let output = home.cmd().args(["run", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("scripts nest deeper than 16"), "{stderr}");
    home.cmd().args(["-c", "who is Loop"]).assert().failure();
}

#[test]
fn read_resolves_paths_from_the_script_folder_like_load() {
    let home = Home::new();
    std::fs::create_dir(home.dir.path().join("sub")).unwrap();
    home.file("sub/b.ent", "add actor \"Bo Berg\" kind person;\n");
    home.file("sub/c.ent", "add actor \"Cy Cole\" kind person;\n");
    let a = home.file("sub/a.ent", ".read b.ent\nload 'c.ent';\n");
    // Run from another folder: both paths are relative to sub/.
    home.cmd()
        .current_dir(home.dir.path())
        .args(["run", &a])
        .assert()
        .success();
    home.cmd()
        .args(["-c", "who is Bo Berg; who is Cy Cole"])
        .assert()
        .success();
    // A .read that fails part-way undoes what the file wrote before it failed.
    home.file(
        "sub/bad.ent",
        "add actor \"Di Dee\" kind person;\nwho met Nobody;\n",
    );
    home.cmd()
        .write_stdin(format!(
            ".read {}\n",
            home.dir.path().join("sub/bad.ent").display()
        ))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "bad.ent:2:9: no actor named 'Nobody'",
        ));
    home.cmd().args(["-c", "who is Di Dee"]).assert().failure();
}

#[test]
fn dump_never_overwrites_without_replace() {
    let home = Home::new();
    let file = home.file("x.ent", "precious\n");
    home.cmd()
        .args(["-c", &format!("dump '{file}'")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "'{file}' already exists; write `dump \"{file}\" replace;` to overwrite it"
        )));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious\n");
    home.cmd()
        .args(["-c", &format!("dump '{file}' replace")])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("add meeting #m15"));
    // The dot-command too.
    dot(&home, &format!(".dump {file}"))
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    dot(&home, &format!(".dump {file} replace")).success();
    dot(&home, &format!(".dump {file} again"))
        .code(1)
        .stderr(usage_of(".dump"));
}

#[test]
#[cfg(unix)]
fn dump_never_follows_a_symbolic_link() {
    let home = Home::new();
    let target = home.file("target.txt", "precious\n");
    let link = home.dir.path().join("link.ent");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let link = link.display().to_string();
    for statement in [format!("dump '{link}'"), format!("dump '{link}' replace")] {
        home.cmd()
            .args(["-c", &statement])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is a symbolic link"));
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
}

#[test]
fn dump_never_writes_inside_the_open_database() {
    let home = Home::new();
    let conf = format!("{}/conf", home.db());
    let before = std::fs::read(&conf).unwrap();
    for statement in [
        format!("dump '{conf}' replace"),
        format!("dump '{}/new.ent'", home.db()),
    ] {
        home.cmd()
            .args(["-c", &statement])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "is inside the open database's directory",
            ));
    }
    assert_eq!(std::fs::read(&conf).unwrap(), before);
    dot(&home, ".stats")
        .success()
        .stdout(predicate::str::contains("actors: 37\n"));
}

#[test]
fn a_file_that_is_no_script_is_not_echoed() {
    let home = Home::new();
    let secret = home.file("secret.txt", "root:x:0:0:hunter2:/root:/bin/bash\n");
    let expected = format!("'{secret}' is not an Entrevue script: line 1:1: expected a statement");
    for args in [
        vec!["-c".to_string(), format!("load '{secret}'")],
        vec!["-c".to_string(), format!(".read {secret}")],
        vec!["run".to_string(), secret.clone()],
    ] {
        let output = home.cmd().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{args:?}: {stderr}");
    }
    let binary = home.dir.path().join("binary.bin");
    std::fs::write(&binary, b"who\0met\xff").unwrap();
    let latin1 = home.dir.path().join("latin1.ent");
    std::fs::write(&latin1, b"who met Andr\xe9;\n").unwrap();
    for (file, why) in [
        (&binary, "it contains NUL bytes"),
        (&latin1, "it is not UTF-8 text"),
    ] {
        home.cmd()
            .args(["-c", &format!("load '{}'", file.display())])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "'{}' is not an Entrevue script: {why}",
                file.display()
            )));
    }
    // A script with a mistake after its first statement is a script: its line is shown.
    let typo = home.file("typo.ent", "who is Putin;\nwho mett Putin;\n");
    home.cmd()
        .args(["run", &typo])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("{typo}:2:5: expected")))
        .stderr(predicate::str::contains("  who mett Putin;\n"));
}

#[test]
fn dump_prints_a_script_in_every_format_that_reloads_identically() {
    let home = Home::new();
    let dumped = home.cmd().args(["-c", "dump"]).output().unwrap();
    assert!(dumped.status.success());
    let script = String::from_utf8(dumped.stdout).unwrap();
    assert!(
        script.starts_with("add "),
        "no header, no quoting: {script:.200}"
    );
    assert!(!script.contains("\"\""), "no doubled quotes: {script:.200}");
    for format in ["table", "box", "markdown", "line", "json", "jsonl", "csv"] {
        home.cmd()
            .args(["--format", format, "-c", "dump"])
            .assert()
            .success()
            .stdout(script.clone());
    }
    let file = home.file("b.ent", &script);
    let new = home.dir.path().join("new").display().to_string();
    let mut reload = Command::cargo_bin("entrevue").unwrap();
    reload
        .env("XDG_DATA_HOME", home.dir.path().join("data"))
        .args(["--db", &new, "run", &file])
        .assert()
        .success();
    let mut again = Command::cargo_bin("entrevue").unwrap();
    again
        .env("XDG_DATA_HOME", home.dir.path().join("data"))
        .args(["--db", &new, "-c", "dump"])
        .assert()
        .success()
        .stdout(script);
}

#[test]
fn mode_headers_and_timer_without_argument_show_the_setting() {
    let home = Home::new();
    home.cmd()
        .write_stdin(
            ".mode\n.headers\n.timer\n.mode box\n.headers off\n.timer on\n.mode\n.headers\n",
        )
        .assert()
        .success()
        .stdout(predicate::str::starts_with("csv\non\noff\nbox\noff\n"));
}

#[test]
fn exit_and_q_leave_like_quit() {
    let home = Home::new();
    for leave in [".exit", ".q"] {
        home.cmd()
            .write_stdin(format!("{leave}\nwho is Putin;\n"))
            .assert()
            .success()
            .stdout("");
        dot(&home, &format!("{leave} now")).failure();
    }
}

#[test]
fn tables_lists_the_kinds_and_their_counts() {
    let home = Home::new();
    dot(&home, ".tables")
        .success()
        .stdout("kind,records\nactors,37\nplaces,22\ndocuments,5\nmeetings,15\nrelations,25\n");
    dot(&home, ".tables actors")
        .failure()
        .stderr(usage_of(".tables"));
}

#[test]
fn box_markdown_and_line_modes() {
    let home = Home::new();
    let question = "when did Witkoff meet Putin;\n";
    home.cmd()
        .write_stdin(format!(".mode box\n{question}"))
        .assert()
        .success()
        .stdout(predicate::str::contains("┌"))
        .stdout(predicate::str::contains("│ 2025-12-02 "))
        .stdout(predicate::str::contains("└"));
    home.cmd()
        .write_stdin(format!(".mode markdown\n{question}"))
        .assert()
        .success()
        .stdout(
            "| date       | place  | meeting | kind    |\n\
             |------------|--------|---------|---------|\n\
             | 2025-12-02 | Moscow | m03     | meeting |\n",
        );
    home.cmd()
        .args([
            "--format",
            "line",
            "-c",
            "who met Putin order by actor limit 2",
        ])
        .assert()
        .success()
        .stdout(concat!(
            "   actor = Donald Trump\n  handle = trump\nmeetings = 2\n\n",
            "   actor = Jared Kushner\n  handle = kushner\nmeetings = 1\n",
        ));
}

#[test]
fn once_sends_the_next_answer_to_a_new_file() {
    let home = Home::new();
    let file = home.dir.path().join("once.csv").display().to_string();
    home.cmd()
        .write_stdin(format!(
            ".once {file}\nwhen did Witkoff meet Putin;\nwho is Putin limit 1;\n"
        ))
        .assert()
        .success()
        .stdout(predicate::str::contains("Moscow").not())
        .stdout(predicate::str::contains("name"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "date,place,meeting,kind\n2025-12-02,Moscow,m03,meeting\n"
    );
    // The file exists now, and this session did not create it: refused, with how to replace it.
    dot(&home, &format!(".once {file}"))
        .failure()
        .stderr(predicate::str::contains("already exists"))
        .stderr(predicate::str::contains("remove the file first"));
    assert!(std::fs::read_to_string(&file).unwrap().contains("Moscow"));
}

#[test]
fn output_sends_everything_to_a_file_until_stdout() {
    let home = Home::new();
    let file = home.dir.path().join("out.txt").display().to_string();
    home.cmd()
        .write_stdin(format!(
            ".output {file}\nwhen did Witkoff meet Putin;\n.mode\n\
             .output {file}\n.headers off\nwhen did Witkoff meet Putin;\n\
             .output stdout\n.mode\n"
        ))
        .assert()
        .success()
        .stdout("csv\n");
    // Written again by the session that created it: emptied first, as sqlite3 does.
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "2025-12-02,Moscow,m03,meeting\n"
    );
    dot(&home, &format!(".output {file}"))
        .failure()
        .stderr(predicate::str::contains("already exists"));
    dot(&home, ".output a b")
        .failure()
        .stderr(usage_of(".output"));
}

#[cfg(unix)]
#[test]
fn output_and_once_never_follow_a_symbolic_link() {
    let home = Home::new();
    let target = home.dir.path().join("target.txt");
    let link = home.dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for command in [".output", ".once"] {
        dot(&home, &format!("{command} {}", link.display()))
            .failure()
            .stderr(predicate::str::contains("already exists"));
    }
    assert!(!target.exists(), "the link was followed");
}

#[test]
fn a_kind_error_reads_an_actor_kind() {
    let home = Home::new();
    home.cmd()
        .args(["-c", "add actor #x \"X\" kind journalist"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "'journalist' is not an actor kind; use one of",
        ));
}

#[test]
fn a_name_not_found_in_an_empty_database_says_how_to_load_the_demo() {
    let home = Home::new();
    let empty = home.dir.path().join("empty").display().to_string();
    let mut cmd = Command::cargo_bin("entrevue").unwrap();
    cmd.env("XDG_DATA_HOME", home.dir.path().join("data"))
        .args(["--db", &empty, "-c", "who met Witkoff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no actor named 'Witkoff'; the database is empty — `load demo;` loads the bundled \
             Miami talks dataset",
        ));
    let mut cmd = Command::cargo_bin("entrevue").unwrap();
    cmd.env("XDG_DATA_HOME", home.dir.path().join("data"))
        .args(["--db", &empty, "--keep-going", "-c", "who met Witkoff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("the database is empty"));
    // With records, no such hint.
    home.cmd()
        .args(["-c", "who met Witkofff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("database is empty").not());
}

/// A table written to a file or a pipe holds every row (only a terminal gets a preview), and
/// every format prints the same rows as the library answers.
#[test]
fn tables_off_a_terminal_show_every_row_and_formats_agree() {
    let db = entrevue::Database::temporary().unwrap();
    db.execute("load demo;").unwrap();
    let question = "meetings including all return meeting, date";
    let expected = db.query(question).unwrap();
    assert!(expected.len() > 2);
    let home = Home::new();
    let run = |format: &str| {
        let out = home
            .cmd()
            .args(["--format", format])
            .args(["-c", &format!(".maxrows 2\n{question};")])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run("table");
    assert!(
        table.contains(&format!("{} rows", expected.len())),
        "{table}"
    );
    assert!(!table.contains('…'), "{table}");
    let csv = run("csv");
    let jsonl = run("jsonl");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let json = json.as_array().unwrap();
    assert_eq!(json.len(), expected.len());
    assert_eq!(csv.lines().count(), expected.len() + 1);
    assert_eq!(jsonl.lines().count(), expected.len());
    for (i, row) in expected.rows.iter().enumerate() {
        let (meeting, date) = (row[0].to_string(), row[1].to_string());
        assert!(table.contains(&format!(" {meeting} ")), "{table}");
        assert_eq!(csv.lines().nth(i + 1).unwrap(), format!("{meeting},{date}"));
        let line: serde_json::Value = serde_json::from_str(jsonl.lines().nth(i).unwrap()).unwrap();
        assert_eq!(line, json[i]);
        assert_eq!(json[i]["meeting"], meeting.as_str());
    }
}

/// What `entrevue --db DB ARGS` prints on a terminal COLUMNS wide: tables are fitted
/// to a terminal only, so the binary runs in a pseudo-terminal. Returns the output and whether
/// the program succeeded.
#[cfg(unix)]
fn on_terminal(db: &str, args: &[&str], columns: usize) -> (String, bool) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"));
    cmd.env("COLUMNS", columns.to_string())
        .env("TERM", "xterm")
        .args(["--db", db])
        .args(args);
    let mut session = rexpect::session::spawn_command(cmd, Some(60_000)).unwrap();
    let out = session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    let ok = matches!(status, rexpect::process::WaitStatus::Exited(_, 0));
    // rexpect hands over each byte as a character.
    let bytes: Vec<u8> = out.chars().map(|c| u8::try_from(c).unwrap()).collect();
    let out = String::from_utf8(bytes).unwrap();
    (out.replace("\r\n", "\n"), ok)
}

/// The cells of each line of a table's body (between the header rule and the bottom rule),
/// each trimmed of its padding.
#[cfg(unix)]
fn body_cells(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .skip_while(|line| !line.starts_with('╞'))
        .skip(1)
        .take_while(|line| line.starts_with('│'))
        .map(|line| {
            line.trim_start_matches('│')
                .trim_end_matches('│')
                .split('┆')
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

/// The values of an answer, one list per column, from its JSON (lists joined as a table does).
fn columns_of(home: &Home, question: &str) -> Vec<(String, Vec<String>)> {
    let out = home
        .cmd()
        .args(["--format", "json", "-c", question])
        .output()
        .unwrap();
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&out.stdout).unwrap();
    // In the order of the answer's columns (JSON objects sort their keys).
    let header = home
        .cmd()
        .args(["--format", "csv", "-c", &format!("{question} limit 1")])
        .output()
        .unwrap();
    let header = String::from_utf8(header.stdout).unwrap();
    let names = header
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string);
    names
        .map(|name| {
            let values = records
                .iter()
                .map(|r| match &r[&name] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                })
                .collect();
            (name, values)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_narrow_table_wraps_between_words_only() {
    let home = Home::new();
    let question = "meetings in Miami";
    let words: std::collections::HashSet<String> = columns_of(&home, question)
        .into_iter()
        .flat_map(|(_, values)| values)
        .flat_map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for columns in [80, 60, 59, 50] {
        // A new database, filled first without a terminal: on a slow machine the load would
        // draw its progress bar on the terminal too, among the table's lines.
        let db = home.dir.path().join(format!("new-{columns}"));
        let db = db.display().to_string();
        let loaded = std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
            .args(["--db", &db, "-c", "load demo"])
            .output()
            .unwrap();
        assert!(loaded.status.success(), "{loaded:?}");
        let (table, ok) = on_terminal(&db, &["-c", "meetings in Miami;"], columns);
        assert!(ok, "{table}");
        for line in table.lines() {
            assert!(
                line.chars().count() <= columns,
                "wider than {columns}:\n{table}"
            );
        }
        let cells = body_cells(&table);
        assert!(cells.len() >= 3, "{table}");
        // Each piece of text in a cell is a whole word of the answer: none was cut.
        for piece in cells.iter().flatten().flat_map(|c| c.split_whitespace()) {
            assert!(
                words.contains(piece),
                "{piece:?} is cut at {columns}:\n{table}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn an_empty_column_is_as_wide_as_its_header() {
    let home = Home::new();
    let answer = columns_of(&home, "sources of m04");
    assert!(answer
        .iter()
        .any(|(name, values)| name == "says" && values.iter().all(String::is_empty)));
    let (table, ok) = on_terminal(&home.db(), &["-c", "sources of m04"], 60);
    assert!(ok, "{table}");
    let header = table.lines().find(|l| l.contains("says")).unwrap();
    assert!(header.ends_with("┆ says │"), "{table}");
}

#[cfg(unix)]
#[test]
fn a_very_narrow_table_still_shows_all_its_text() {
    let home = Home::new();
    let question = "meetings in Miami";
    let answer = columns_of(&home, question);
    for columns in [20, 8, 1] {
        let (table, ok) = on_terminal(&home.db(), &["-c", question], columns);
        assert!(ok, "{table}");
        let cells = body_cells(&table);
        for (i, (name, values)) in answer.iter().enumerate() {
            let shown: String = cells.iter().filter_map(|row| row.get(i)).cloned().collect();
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(
                squeeze(&shown),
                squeeze(&values.concat()),
                "column {name} at {columns}:\n{table}"
            );
        }
    }
}

/// A script with a syntax error on its third line, between statements that write, a
/// dot-command, and a question after the error.
const STATEMENTS_AROUND_A_TYPO: &str = "add actor \"Before Typo\" kind person;\n\
.mode json\n\
who mett Putin; add actor \"Same Line\" kind person;\n\
add actor \"After Typo\" kind person;\n\
who is After Typo return value limit 1;\n";

/// How many of the typo script's actors the database holds.
fn typo_actors(home: &Home) -> usize {
    ["Before Typo", "Same Line", "After Typo"]
        .iter()
        .filter(|name| {
            home.cmd()
                .args(["-c", &format!("who is {name}")])
                .output()
                .unwrap()
                .status
                .success()
        })
        .count()
}

#[test]
fn keep_going_runs_standard_input_around_a_syntax_error() {
    let home = Home::new();
    let output = home
        .cmd()
        .arg("--keep-going")
        .write_stdin(STATEMENTS_AROUND_A_TYPO)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // One error, located in the whole input, with its line and caret.
    assert_eq!(stderr.matches("error").count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "<stdin>:3:5: expected `met`, `was` or `is` after `who`, found `mett`; did you mean \
             `met`?\n  who mett Putin; add actor \"Same Line\" kind person;\n      ^\n"
        ),
        "{stderr}"
    );
    // The dot-command before the error holds for the statements after it.
    assert!(stdout.contains("\"value\": \"After Typo\""), "{stdout}");
    assert_eq!(typo_actors(&home), 3);
}

#[test]
fn without_keep_going_a_syntax_error_runs_nothing_and_says_so() {
    let home = Home::new();
    let output = home
        .cmd()
        .write_stdin(STATEMENTS_AROUND_A_TYPO)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("<stdin>:3:5: expected `met`"), "{stderr}");
    assert!(stderr.contains("nothing was run"), "{stderr}");
    assert!(
        stderr.contains("--keep-going runs its statements one by one"),
        "{stderr}"
    );
    assert_eq!(typo_actors(&home), 0);
    // A failure after writes: nothing written is kept, and the note says so.
    home.cmd()
        .write_stdin("add actor \"Before Typo\" kind person;\nwho met Nobody;\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:2:9: no actor named 'Nobody'",
        ))
        .stderr(predicate::str::contains(
            "nothing the script wrote was kept",
        ));
    assert_eq!(typo_actors(&home), 0);
}

#[test]
fn keep_going_runs_dash_c_and_files_around_a_syntax_error() {
    let home = Home::new();
    let text = STATEMENTS_AROUND_A_TYPO.replace(".mode json\n", "");
    home.cmd()
        .args(["-c", &text])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2:5: expected `met`"));
    assert_eq!(typo_actors(&home), 0);
    home.cmd()
        .args(["--keep-going", "-c", &text])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("value\nAfter Typo\n"))
        .stderr(predicate::str::contains("2:5: expected `met`"))
        .stderr(predicate::str::contains("nothing was run").not());
    assert_eq!(typo_actors(&home), 3);

    let other = Home::new();
    let script = other.file("typo.ent", STATEMENTS_AROUND_A_TYPO);
    other
        .cmd()
        .args(["--keep-going", "run", &script])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{script}:3:5: expected `met`"
        )));
    assert_eq!(typo_actors(&other), 3);
}

/// Waits for a line equal to `marker` among the lines `lines` hands over, and returns the
/// lines up to it. The deadline is far beyond what the answer takes: it only turns a program
/// that never answers into a failure rather than a test that hangs.
fn wait_for_answer(lines: &std::sync::mpsc::Receiver<String>, marker: &str) -> String {
    let mut seen = String::new();
    loop {
        match lines.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line == marker {
                    return seen;
                }
            }
            Err(e) => panic!("no {marker:?} while standard input is open ({e}); seen: {seen}"),
        }
    }
}

#[test]
fn keep_going_answers_each_statement_on_standard_input_as_it_arrives() {
    use std::io::{BufRead, BufReader, Write};
    let home = Home::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("entrevue"))
        .args(["--db", &home.db(), "--keep-going"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let output = BufReader::new(child.stdout.take().unwrap());
    let (send, lines) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in output.lines() {
            if send.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // The answer to the first statement comes while standard input is still open.
    input.write_all(b"when did Witkoff meet Putin;\n").unwrap();
    input.flush().unwrap();
    let seen = wait_for_answer(&lines, "2025-12-02,Moscow,m03,meeting");
    assert_eq!(
        seen,
        "date,place,meeting,kind\n2025-12-02,Moscow,m03,meeting\n"
    );
    // A statement over two lines runs once its second line ends it.
    input.write_all(b"add actor \"Late Comer\"\n").unwrap();
    input.flush().unwrap();
    input
        .write_all(b"  kind person;\nwho is Late Comer return value limit 1;\n")
        .unwrap();
    input.flush().unwrap();
    wait_for_answer(&lines, "Late Comer");
    drop(input);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success());
}

/// A build without the feature `parquet` says so, and how to get it, and writes nothing.
#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_export_without_the_feature_says_how_to_build_it() {
    let home = Home::new();
    let out = home.dir.path().join("bundle");
    home.cmd()
        .args(["export", "--format", "parquet"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("built without Parquet support").and(
                predicate::str::contains("cargo build --release --features parquet"),
            ),
        );
    assert!(!out.exists());
}

/// The standard output of a successful run with these arguments.
fn printed(home: &Home, args: &[&str], stdin: &str) -> String {
    let out = home.cmd().args(args).write_stdin(stdin).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dates_print_in_edtf_when_asked() {
    let home = Home::new();
    // Umerov's meetings as fixtures/miami-talks/README.md dates them: m01 the approximate
    // week ~2025-11-24..2025-11-30, m07 the two days 2025-12-19..2025-12-20.
    let timeline = "timeline of Umerov return meeting, date";
    let expected = "meeting,date\nm01,2025-11-24~/2025-11-30~\nm02,2025-11-30\n\
                    m04,2025-12-05\nm05,2025-12-06\nm06,2025-12-19\nm07,2025-12-19/2025-12-20\n";
    assert_eq!(
        printed(&home, &["--dates", "edtf", "-c", timeline], ""),
        expected
    );
    let text = printed(&home, &["-c", timeline], "");
    assert!(text.contains("m01,~2025-11-24..2025-11-30\n"), "{text}");
    assert_eq!(
        printed(&home, &["--dates", "text", "-c", timeline], ""),
        text
    );
    // A source's `says` date (d000 "fin novembre") and a document's publication date.
    let sources = printed(
        &home,
        &[
            "--dates",
            "edtf",
            "-c",
            "sources of m02 return document, published, says",
        ],
        "",
    );
    assert!(sources.contains("d000,2025-12-20,2025-11~\n"), "{sources}");
    // m12 is undated, reported first on 2025-12-20 by d000 and d002: on or before that day.
    let bound = printed(
        &home,
        &[
            "--dates",
            "edtf",
            "--format",
            "json",
            "-c",
            "meetings with Dmitriev including all return meeting, date",
        ],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(&bound).unwrap();
    let m12 = json
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["meeting"] == "m12"))
        .unwrap_or_else(|| panic!("no m12 in {bound}"));
    assert_eq!(m12["date"], "../2025-12-20");
}

#[test]
fn the_dates_dot_command_switches_and_shows_the_style() {
    let home = Home::new();
    // Umerov met the United States at m01 (~2025-11-24..2025-11-30) and m06 (2025-12-19).
    let question = "when did Umerov meet \"United States\" return date, meeting;";
    let script =
        format!(".dates\n{question}\n.dates edtf\n.dates\n{question}\n.dates text\n{question}\n");
    let out = printed(&home, &["--keep-going"], &script);
    let lines: Vec<&str> = out.lines().filter(|l| *l != "date,meeting").collect();
    assert_eq!(
        lines,
        [
            "text",
            "~2025-11-24..2025-11-30,m01",
            "2025-12-19,m06",
            "edtf",
            "2025-11-24~/2025-11-30~,m01",
            "2025-12-19,m06",
            "~2025-11-24..2025-11-30,m01",
            "2025-12-19,m06",
        ],
        "{out}"
    );
    home.cmd()
        .write_stdin(".dates iso\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("usage: .dates ?edtf|text?"));
    home.cmd()
        .args(["--dates", "iso", "-c", "who is Witkoff"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("edtf"));
}

#[test]
fn edtf_dates_are_read_on_the_command_line_with_their_errors_located() {
    let home = Home::new();
    // Umerov's meetings lying wholly in the week of 2025-11-24 (m01 and m02, by the fixtures).
    let out = printed(
        &home,
        &[
            "-c",
            "timeline of Umerov during 2025-11-24/2025-11-30 return meeting",
        ],
        "",
    );
    assert_eq!(out, "meeting\nm01\nm02\n");
    // The README's example: m01 is the approximate week, m02 a day.
    let week = "timeline of Umerov during 2025-11-24/2025-11-30 return meeting, date";
    assert_eq!(
        printed(&home, &["--dates", "edtf", "-c", week], ""),
        "meeting,date\nm01,2025-11-24~/2025-11-30~\nm02,2025-11-30\n"
    );
    home.cmd()
        .args(["-c", "meetings during 2025-11-24/"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error: 1:28: expected a date like 2025-12-31, or `..` for an open end, after `/`",
        ))
        .stderr(predicate::str::contains(
            "  meetings during 2025-11-24/\n                             ^",
        ));
}

/// `entrevue compact` and `.compact` rewrite the files and keep every answer; a script that
/// reads goes on after `.compact` on the compacted database; one that writes refuses it.
#[test]
fn compact_keeps_the_answers_and_waits_for_the_script() {
    let home = Home::new();
    let question = "who met Witkoff";
    let before = home.cmd().args(["-c", question]).output().unwrap();
    assert!(before.status.success());
    home.cmd()
        .arg("compact")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("compacted: "));
    home.cmd()
        .args(["-c", question])
        .assert()
        .success()
        .stdout(before.stdout.clone());
    let mut expected = b"compacted: ".to_vec();
    let script = home.file("read.ent", &format!(".compact\n{question};\n"));
    let ran = home.cmd().args(["run", &script]).output().unwrap();
    assert!(ran.status.success(), "{ran:?}");
    assert!(ran.stdout.starts_with(&expected), "{ran:?}");
    expected = before.stdout;
    assert!(ran.stdout.ends_with(&expected), "{ran:?}");
    let writes = home.file(
        "write.ent",
        "add actor \"New Person\" kind person;\n.compact\n",
    );
    home.cmd()
        .args(["run", &writes])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
        "'.compact' rewrites the database as committed, so it cannot run in a script that writes",
    ));
    home.cmd()
        .args(["-c", "who is \"New Person\""])
        .assert()
        .failure();
}
