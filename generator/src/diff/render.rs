//! The report as text (terminals), Markdown (review comments) and JSON (tools).

use std::fmt::Write as _;

use super::{Bump, Impact, Report, RULES};

fn impact(i: Impact) -> &'static str {
    match i {
        Impact::Info => "info",
        Impact::NonBreaking => "non-breaking",
        Impact::Breaking => "BREAKING",
    }
}

fn bump(b: Option<Bump>) -> &'static str {
    match b {
        None => "none",
        Some(Bump::Patch) => "patch",
        Some(Bump::Minor) => "minor",
        Some(Bump::Major) => "major",
    }
}

fn reaches(ops: &[String]) -> String {
    match ops.len() {
        0 => String::new(),
        1..=6 => ops.join(", "),
        n => format!("{}, and {} more", ops[..5].join(", "), n - 5),
    }
}

fn summary(report: &Report) -> String {
    if report.changes.is_empty() {
        return "No changes.".to_owned();
    }
    format!(
        "{} change(s): {} breaking for HTTP clients, {} breaking for server implementors; the generated crates need a {} version bump.",
        report.changes.len(),
        report.breaking_http(),
        report.breaking_server(),
        bump(report.bump())
    )
}

/// Plain text, one block per change.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(report));
    for c in &report.changes {
        let _ = writeln!(out);
        let detail = if c.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", c.detail)
        };
        let _ = writeln!(out, "{} {}{}", c.rule.id, c.location, detail);
        let _ = writeln!(
            out,
            "  http: {}  server: {}  rust: {}",
            impact(c.rule.http),
            impact(c.rule.server),
            bump(Some(c.rule.rust))
        );
        if !c.operations.is_empty() {
            let _ = writeln!(out, "  reaches: {}", reaches(&c.operations));
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markdown for a review comment: a summary and a table.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Spec changes\n\n{}\n", summary(report));
    if report.changes.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "| change | where | what | HTTP clients | server traits | Rust crates | operations |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for c in &report.changes {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            c.rule.id,
            md_escape(&c.location),
            md_escape(&c.detail),
            impact(c.rule.http),
            impact(c.rule.server),
            bump(Some(c.rule.rust)),
            md_escape(&reaches(&c.operations))
        );
    }
    out
}

/// JSON: the report with every change's rule, and the totals.
pub fn json(report: &Report) -> String {
    let value = serde_json::json!({
        "summary": {
            "changes": report.changes.len(),
            "breaking_http": report.breaking_http(),
            "breaking_server": report.breaking_server(),
            "bump": report.bump(),
        },
        "changes": report.changes,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The rules table as Markdown (`docs/diff-rules.md`).
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Change rules of `cargo xtask diff`\n\n\
         Printed by `cargo xtask diff --rules` from `generator/src/diff/rules.rs`, the one place\n\
         where changes are classified. For each kind of change: what it means for HTTP clients\n\
         of the API, for implementors of the generated server traits, and the semver bump the\n\
         generated Rust crates need.\n\n\
         | id | HTTP clients | server traits | Rust crates | why |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            impact(r.http),
            impact(r.server),
            bump(Some(r.rust)),
            r.summary
        );
    }
    out
}
