//! Bad inputs: every one stops the build with a message naming file, line and field,
//! and the previously published site stays exactly as it was.

mod common;

use common::{Run, Site, post, read_text, repo, snapshot};

/// A valid incident; entry `i` is file line `i + 2` (line 1 is the opening `---`).
const INCIDENT: [&str; 8] = [
    "title: Broken thing",           // 2
    "impact: minor",                 // 3
    "components: [web]",             // 4
    "started: 2026-11-01T10:00:00Z", // 5
    "updates:",                      // 6
    "  - at: 2026-11-01T10:00:00Z",  // 7
    "    status: investigating",     // 8
    "    text: Looking into it.",    // 9
];

/// The valid incident with the line starting with `key` replaced by `line`.
fn incident_with(key: &str, line: &str) -> String {
    let lines: Vec<&str> = INCIDENT
        .iter()
        .map(|l| if l.starts_with(key) { line } else { l })
        .collect();
    post(&lines)
}

/// The valid incident with `extra` lines appended (from file line 10 on).
fn incident_plus(extra: &[&str]) -> String {
    let mut lines = INCIDENT.to_vec();
    lines.extend_from_slice(extra);
    post(&lines)
}

const BAD: &str = "content/incidents/bad.md";
const CONFIG: &str = "content/site.yaml";

/// The fixture's site.yaml.
fn config() -> String {
    read_text(&repo().join("tests/fixtures/tiny").join(CONFIG))
}

/// The fixture's site.yaml with one piece of text replaced.
fn config_with(from: &str, to: &str) -> String {
    let text = config();
    assert!(text.contains(from), "fixture site.yaml lacks {from:?}");
    text.replacen(from, to, 1)
}

/// Build the tiny fixture, apply `edits`, build again: the second build must fail,
/// its stderr must contain every `expected` fragment, and `public/` must be
/// byte-for-byte what the first build wrote.
fn rejected(edits: &[(&str, &[u8])], expected: &[&str]) -> Run {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    let before = snapshot(&site.public());
    assert!(before.contains_key("index.html"));
    for (rel, bytes) in edits {
        site.write(rel, bytes);
    }
    let run = site.build(&[]);
    run.assert_failed().assert_stderr_has(expected);
    assert!(
        snapshot(&site.public()) == before,
        "a failed build changed public/"
    );
    run
}

/// [`rejected`] with a single broken file.
fn rejected_file(rel: &str, contents: impl AsRef<[u8]>, expected: &[&str]) -> Run {
    rejected(&[(rel, contents.as_ref())], expected)
}

#[test]
fn malformed_yaml() {
    // The classic slip: an unquoted colon in a title.
    rejected_file(
        BAD,
        incident_with("title:", "title: Outage: database down"),
        &[
            "content/incidents/bad.md:2:",
            "mapping values are not allowed",
        ],
    );
}

#[test]
fn malformed_yaml_unclosed_list() {
    let run = rejected_file(
        BAD,
        incident_with("components:", "components: [web"),
        &["content/incidents/bad.md:"],
    );
    // The list opens on line 4; the parser notices on line 5. Either is fair.
    assert!(
        ["bad.md:4:", "bad.md:5:"]
            .iter()
            .any(|l| run.stderr.contains(l)),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_yaml_mentions_only_file_lines() {
    let run = rejected_file(
        BAD,
        incident_with("components:", "components: [web"),
        &["content/incidents/bad.md:"],
    );
    // The list opens on file line 4 and the parser notices on file line 5; the
    // message says "at line 4 column 8", which is line 4 of the YAML block (file line 5).
    assert!(
        !run.stderr.contains(" at line "),
        "message carries a YAML-relative position:\n{}",
        run.stderr
    );
}

#[test]
fn unknown_key_gets_a_did_you_mean_hint() {
    rejected_file(
        BAD,
        incident_with("impact:", "impakt: minor"),
        &[
            "content/incidents/bad.md:3:",
            "unknown field `impakt`",
            "did you mean `impact`?",
        ],
    );
}

#[test]
fn unknown_key_inside_an_update() {
    rejected_file(
        BAD,
        incident_with("    status:", "    stauts: investigating"),
        &[
            "content/incidents/bad.md:8:",
            "field `updates[0]`",
            "did you mean `status`?",
        ],
    );
}

#[test]
fn missing_title() {
    let lines: Vec<&str> = INCIDENT[1..].to_vec();
    rejected_file(
        BAD,
        post(&lines),
        &["content/incidents/bad.md:2:", "missing field `title`"],
    );
}

#[test]
fn empty_title() {
    rejected_file(
        BAD,
        incident_with("title:", "title: \"  \""),
        &[
            "content/incidents/bad.md:2:",
            "field `title`",
            "must not be empty",
        ],
    );
}

#[test]
fn bad_timestamp() {
    rejected_file(
        BAD,
        incident_with("started:", "started: yesterday"),
        &[
            "content/incidents/bad.md:",
            "`yesterday` is not a valid timestamp",
        ],
    );
}

#[test]
fn bad_timestamp_names_its_line_and_field() {
    rejected_file(
        BAD,
        incident_with("started:", "started: yesterday"),
        &["content/incidents/bad.md:5:", "field `started`"],
    );
}

#[test]
fn timestamp_without_offset() {
    rejected_file(
        BAD,
        incident_plus(&[
            "  - at: 2026-11-01T11:00:00",
            "    status: identified",
            "    text: Found it.",
        ]),
        &[
            "content/incidents/bad.md:10:",
            "field `updates[1].at`",
            "`2026-11-01T11:00:00` has no UTC offset",
        ],
    );
}

#[test]
fn timestamp_without_offset_names_its_line_and_field() {
    rejected_file(
        BAD,
        incident_with("started:", "started: 2026-11-01T10:00:00"),
        &[
            "content/incidents/bad.md:5:",
            "field `started`",
            "has no UTC offset",
        ],
    );
}

#[test]
fn offset_hint_suggests_a_valid_timestamp() {
    let site = Site::fixture("tiny");
    site.write(BAD, incident_with("started:", "started: 2026-11-01 10:00"));
    let run = site.build(&[]);
    run.assert_failed();
    let hint = run
        .stderr
        .split("write it as e.g. `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .unwrap_or_else(|| panic!("no suggested timestamp in:\n{}", run.stderr))
        .to_string();
    site.write(BAD, incident_with("started:", &format!("started: {hint}")));
    site.build(&[]).assert_ok();
}

#[test]
fn unknown_component_gets_a_hint() {
    rejected_file(
        BAD,
        incident_with("components:", "components: [databse]"),
        &[
            "content/incidents/bad.md:4:",
            "field `components`",
            "unknown component `databse`",
            "did you mean `database`?",
        ],
    );
}

#[test]
fn bad_impact_value() {
    rejected_file(
        BAD,
        incident_with("impact:", "impact: huge"),
        &[
            "content/incidents/bad.md:3:",
            "field `impact`",
            "`huge`",
            "`none`, `minor`, `major`, `critical`",
        ],
    );
}

#[test]
fn impact_of_the_wrong_type_lists_the_valid_values() {
    let run = rejected_file(
        BAD,
        incident_with("impact:", "impact: [minor]"),
        &[
            "content/incidents/bad.md:3:",
            "field `impact`",
            "`none`, `minor`, `major`, `critical`",
        ],
    );
    assert!(!run.stderr.contains("YAML tag"), "{}", run.stderr);
}

#[test]
fn empty_file() {
    rejected_file(BAD, "", &["content/incidents/bad.md", "the file is empty"]);
}

#[test]
fn empty_front_matter() {
    rejected_file(
        BAD,
        "---\n---\nJust a body.\n",
        &["content/incidents/bad.md:2:", "front matter is empty"],
    );
}

#[test]
fn no_front_matter() {
    rejected_file(
        BAD,
        "# Outage\n\nThe database is down.\n",
        &["content/incidents/bad.md:1:", "no front matter"],
    );
}

#[test]
fn front_matter_never_closed() {
    rejected_file(
        BAD,
        "---\ntitle: Open\n",
        &["content/incidents/bad.md:1:", "never closed"],
    );
}

#[test]
fn binary_garbage() {
    rejected_file(
        BAD,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe",
        &["content/incidents/bad.md:1:", "not UTF-8"],
    );
}

#[test]
fn latin1_text_names_the_line_of_the_bad_byte() {
    rejected_file(
        BAD,
        b"---\ntitle: Caf\xe9 is closed\n---\n",
        &["content/incidents/bad.md:2:", "not UTF-8"],
    );
}

#[test]
fn resolved_before_started() {
    let mut lines = INCIDENT.to_vec();
    lines.insert(4, "resolved: 2026-11-01T09:00:00Z"); // line 6
    rejected_file(
        BAD,
        post(&lines),
        &[
            "content/incidents/bad.md:6:",
            "field `resolved`",
            "before `started`",
        ],
    );
}

#[test]
fn maintenance_ending_before_it_starts() {
    rejected_file(
        "content/maintenance/bad.md",
        post(&[
            "title: Upgrade",
            "components: [database]",
            "scheduled_start: 2026-11-20T10:00:00Z",
            "scheduled_end: 2026-11-20T09:00:00Z", // line 5
        ]),
        &[
            "content/maintenance/bad.md:5:",
            "field `scheduled_end`",
            "after `scheduled_start`",
        ],
    );
}

#[test]
fn ongoing_incident_whose_last_update_is_resolved() {
    rejected_file(
        BAD,
        incident_plus(&[
            "  - at: 2026-11-01T11:00:00Z", // line 10
            "    status: resolved",
            "    text: Fixed.",
        ]),
        &[
            "content/incidents/bad.md:10:",
            "field `updates[1]`",
            "no `resolved` time",
            "resolved: 2026-11-01T11:00:00Z",
        ],
    );
}

#[test]
fn update_status_of_the_wrong_kind() {
    rejected_file(
        BAD,
        incident_plus(&[
            "  - at: 2026-11-01T11:00:00Z",
            "    status: completed", // line 11
            "    text: Done.",
        ]),
        &[
            "content/incidents/bad.md:11:",
            "field `updates[1].status`",
            "`completed` is not an incident status",
            "`investigating`",
        ],
    );
}

#[test]
fn line_over_one_mebibyte() {
    let long = format!(
        "---\ntitle: Long\ndate: 2026-11-20T10:00:00Z\n---\n{}\n",
        "a".repeat((1 << 20) + 1)
    );
    rejected_file(
        "content/news/bad.md",
        long,
        &["content/news/bad.md:5:", "longer than 1 MiB"],
    );
}

#[test]
fn config_unknown_key_gets_a_hint() {
    rejected_file(
        CONFIG,
        config_with("contact:", "contacts:"),
        &[
            "content/site.yaml:5:",
            "unknown field `contacts`",
            "did you mean `contact`?",
        ],
    );
}

#[test]
fn config_bad_timezone() {
    rejected_file(
        CONFIG,
        config_with("timezone: Europe/Berlin", "timezone: Mars/Olympus"),
        &[
            "content/site.yaml:4:",
            "field `timezone`",
            "`Mars/Olympus` is not an IANA time zone",
        ],
    );
}

#[test]
fn config_invalid_component_id() {
    rejected_file(
        CONFIG,
        config_with("id: database", "id: Data Base"),
        &[
            "content/site.yaml:10:",
            "field `components[1].id`",
            "`Data Base` is not a valid component id",
        ],
    );
}

#[test]
fn config_bad_base_url() {
    rejected_file(
        CONFIG,
        config_with(
            "base_url: https://status.tiny.example/",
            "base_url: status.tiny.example",
        ),
        &[
            "content/site.yaml:3:",
            "field `base_url`",
            "not an absolute URL",
        ],
    );
}

#[test]
fn config_bad_duration_names_the_nested_field() {
    let text = format!("{}health:\n  stale_after: soon\n", config());
    rejected_file(
        CONFIG,
        text,
        &[
            "content/site.yaml:12:",
            "field `health.stale_after`",
            "`soon` is not a duration",
        ],
    );
}

#[test]
fn several_broken_files_are_all_reported() {
    let typo = incident_with("impact:", "impakt: minor");
    let unknown = post(&[
        "title: About the database",
        "date: 2026-11-20T10:00:00Z",
        "components: [nope]",
    ]);
    rejected(
        &[
            ("content/incidents/a.md", typo.as_bytes()),
            ("content/news/b.md", b""),
            ("content/maintenance/c.md", b"no front matter\n"),
            ("content/news/d.md", unknown.as_bytes()),
        ],
        &[
            "content/incidents/a.md:3:",
            "content/news/b.md",
            "content/maintenance/c.md:1:",
            "content/news/d.md:4:",
            "4 error(s)",
        ],
    );
}

#[test]
fn broken_config_and_broken_post_are_both_reported() {
    let typo = incident_with("impact:", "impakt: minor");
    let config = config_with("timezone: Europe/Berlin", "timezone: Nowhere");
    rejected(
        &[(BAD, typo.as_bytes()), (CONFIG, config.as_bytes())],
        &["content/site.yaml:4:", "content/incidents/bad.md:3:"],
    );
}
