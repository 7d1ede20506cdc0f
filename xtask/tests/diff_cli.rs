//! `cargo xtask diff` as a user runs it: exit codes, formats, and reading the spec from git.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

fn pair(rule: &str) -> (String, String) {
    let dir = root().join("generator/tests/diff").join(rule);
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
    (path("old.yaml"), path("new.yaml"))
}

#[test]
fn fail_on_breaking_fails_only_on_breaking_changes() {
    let (old, new) = pair("operation-removed");
    let out = xtask(&[
        "diff",
        "--old",
        &old,
        "--new",
        &new,
        "--fail-on",
        "breaking",
    ]);
    assert!(
        !out.status.success(),
        "a removed operation must fail --fail-on breaking"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("operation-removed"), "{text}");

    let (old, new) = pair("operation-added");
    let out = xtask(&[
        "diff",
        "--old",
        &old,
        "--new",
        &new,
        "--fail-on",
        "breaking",
    ]);
    assert!(
        out.status.success(),
        "an added operation is not breaking: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = xtask(&["diff", "--old", &old, "--new", &new, "--fail-on", "major"]);
    assert!(out.status.success(), "an added operation is a minor change");
}

#[test]
fn json_and_markdown_formats() {
    let (old, new) = pair("request-field-added-required");
    let out = xtask(&["diff", "--old", &old, "--new", &new, "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(json["summary"]["bump"], "major");
    assert_eq!(
        json["changes"][0]["rule"]["id"],
        "request-field-added-required"
    );
    assert_eq!(json["changes"][0]["rule"]["http"], "breaking");

    let out = xtask(&["diff", "--old", &old, "--new", &new, "--format", "markdown"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("### Spec changes"), "{md}");
    assert!(md.contains("| `request-field-added-required` |"), "{md}");
}

#[test]
fn base_revision_reads_the_spec_from_git() {
    // the committed spec against itself in the work tree: HEAD must be readable, whatever the diff
    let out = xtask(&["diff", "--base", "HEAD", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert!(json["summary"]["changes"].is_number());

    let out = xtask(&["diff", "--base", "no-such-revision"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-revision"));
}
