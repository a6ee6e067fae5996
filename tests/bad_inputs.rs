//! Walks `tests/bad_inputs/`: one bad input per `.case` file, each with the exact
//! error line `lantern check` must print.
//!
//! A case file is a few `key: value` header lines, a `====` line, then the file
//! content written at `target` inside a copy of `tests/fixtures/tiny`:
//!
//! ```text
//! # what the case is about
//! target: content/incidents/bad.md
//! expect: error: content/incidents/bad.md:3: field `impact`: …
//! ====
//! ---
//! title: …
//! ```

mod common;

use common::Site;
use std::fs;

struct Case {
    name: String,
    target: String,
    expect: String,
    content: String,
}

fn parse(name: &str, text: &str) -> Case {
    let (head, content) = text
        .split_once("\n====\n")
        .unwrap_or_else(|| panic!("{name}: no `====` line"));
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{name}: no `{key}` line"))
    };
    Case {
        name: name.to_string(),
        target: field("target:"),
        expect: field("expect:"),
        content: content.to_string(),
    }
}

fn cases() -> Vec<Case> {
    let dir = common::repo().join("tests/bad_inputs");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".case"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| parse(n, &fs::read_to_string(dir.join(n)).unwrap()))
        .collect()
}

#[test]
fn every_bad_input_gives_its_exact_error() {
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "the corpus should hold at least 40 cases, has {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let site = Site::fixture("tiny");
        site.write(&case.target, &case.content);
        let run = site.lantern(["check", "--root", "site"]);
        let printed = run.stderr.lines().any(|l| l.trim() == case.expect);
        if run.success() || !printed || run.stderr.contains("panicked") {
            failures.push(format!(
                "{}: expected line\n    {}\n  got (exit {:?}):\n{}",
                case.name, case.expect, run.code, run.stderr
            ));
        }
        assert!(!site.public().exists(), "{}: check wrote output", case.name);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
