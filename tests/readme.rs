//! Every example in README.md runs: each ```entrevue block is piped into the real binary, on
//! one default database created with the demo data, and what it prints must equal the ```text
//! block that follows it (standard error when that block starts with "error:").

use assert_cmd::Command;

/// (statements, expected output) pairs, in README order.
fn examples() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) => current = Some((lang.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.push(current.take().unwrap()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    let mut pairs = Vec::new();
    for window in blocks.windows(2) {
        if let [(lang, statements), (next, output)] = window {
            if lang == "entrevue" {
                assert_eq!(
                    next, "text",
                    "every entrevue block in README.md is followed by its output"
                );
                pairs.push((statements.clone(), output.clone()));
            }
        }
    }
    pairs
}

#[test]
fn readme_examples_print_what_the_readme_says() {
    let home = tempfile::tempdir().unwrap();
    let entrevue = || {
        let mut cmd = Command::cargo_bin("entrevue").unwrap();
        cmd.env("XDG_DATA_HOME", home.path());
        cmd
    };
    // The first run creates the default database with the demo data.
    entrevue().args(["-c", "who is Witkoff"]).assert().success();
    let examples = examples();
    assert!(
        examples.len() >= 5,
        "README.md has only {} runnable examples",
        examples.len()
    );
    for (statements, expected) in examples {
        let output = entrevue().write_stdin(statements.clone()).output().unwrap();
        if expected.starts_with("error:") {
            assert!(!output.status.success(), "{statements} should fail");
            assert_eq!(
                String::from_utf8_lossy(&output.stderr),
                expected,
                "for:\n{statements}"
            );
        } else {
            assert_eq!(
                String::from_utf8_lossy(&output.stderr),
                "",
                "for:\n{statements}"
            );
            assert_eq!(
                String::from_utf8_lossy(&output.stdout),
                expected,
                "for:\n{statements}"
            );
            assert!(output.status.success());
        }
    }
}
