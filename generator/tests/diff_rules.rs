//! One pair of specs per rule of the change report (`tests/diff/<rule-id>/{old,new}.yaml`): each
//! pair must fire its rule, nothing else but the ids listed in its optional `also.txt`, and the
//! rule's three classifications must be the ones written below. The table is repeated here on
//! purpose: changing how a change is classified takes an edit in both places.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::diff::{self, Bump, Impact, RULES};

use Bump::{Major, Minor, Patch};
use Impact::{Breaking, Info, NonBreaking};

/// Every rule: id, HTTP clients, server implementors, generated crates.
const EXPECTED: &[(&str, Impact, Impact, Bump)] = &[
    // operations
    ("operation-added", NonBreaking, NonBreaking, Minor),
    ("operation-removed", Breaking, Breaking, Major),
    ("operation-moved", Breaking, NonBreaking, Patch),
    ("operation-deprecated", Info, Info, Minor),
    ("operation-undeprecated", Info, Info, Patch),
    ("operation-id-changed", NonBreaking, Breaking, Major),
    ("operation-tag-changed", NonBreaking, Breaking, Major),
    // parameters
    ("param-added-required", Breaking, NonBreaking, Major),
    ("param-added-optional", NonBreaking, NonBreaking, Minor),
    ("param-removed", Info, Breaking, Major),
    ("param-became-required", Breaking, NonBreaking, Major),
    ("param-became-optional", NonBreaking, Breaking, Major),
    ("param-moved", Breaking, NonBreaking, Patch),
    ("path-param-renamed", Info, Breaking, Major),
    ("param-type-changed", Breaking, Breaking, Major),
    ("param-constraint-tightened", Breaking, NonBreaking, Patch),
    ("param-constraint-loosened", NonBreaking, Info, Patch),
    // request bodies
    ("request-body-added-required", Breaking, NonBreaking, Major),
    (
        "request-body-added-optional",
        NonBreaking,
        NonBreaking,
        Minor,
    ),
    ("request-body-removed", Breaking, Breaking, Major),
    ("request-body-became-required", Breaking, NonBreaking, Major),
    ("request-body-became-optional", NonBreaking, Breaking, Major),
    ("request-content-type-changed", Breaking, Breaking, Major),
    ("request-body-type-changed", Breaking, Breaking, Major),
    // fields of types sent to the server
    ("request-field-added-required", Breaking, NonBreaking, Major),
    (
        "request-field-added-optional",
        NonBreaking,
        NonBreaking,
        Major,
    ),
    (
        "request-field-added-optional-non-exhaustive",
        NonBreaking,
        NonBreaking,
        Minor,
    ),
    ("request-field-removed", Info, Breaking, Major),
    (
        "request-field-became-required",
        Breaking,
        NonBreaking,
        Major,
    ),
    (
        "request-field-became-optional",
        NonBreaking,
        Breaking,
        Major,
    ),
    ("request-field-type-changed", Breaking, Breaking, Major),
    ("request-field-nullable-added", NonBreaking, Breaking, Major),
    (
        "request-field-nullable-removed",
        Breaking,
        NonBreaking,
        Major,
    ),
    ("request-enum-value-added", NonBreaking, Breaking, Major),
    ("request-enum-value-removed", Breaking, NonBreaking, Major),
    ("request-constraint-tightened", Breaking, NonBreaking, Patch),
    ("request-constraint-loosened", NonBreaking, Info, Patch),
    (
        "request-field-became-read-only",
        Breaking,
        NonBreaking,
        Major,
    ),
    ("request-field-became-writable", NonBreaking, Info, Major),
    // fields of types received from the server
    (
        "response-field-added-required",
        NonBreaking,
        Breaking,
        Major,
    ),
    (
        "response-field-added-optional",
        NonBreaking,
        NonBreaking,
        Major,
    ),
    (
        "response-field-added-optional-non-exhaustive",
        NonBreaking,
        NonBreaking,
        Minor,
    ),
    ("response-field-removed", Breaking, NonBreaking, Major),
    (
        "response-field-became-optional",
        Breaking,
        NonBreaking,
        Major,
    ),
    (
        "response-field-became-required",
        NonBreaking,
        Breaking,
        Major,
    ),
    ("response-field-type-changed", Breaking, Breaking, Major),
    (
        "response-field-nullable-added",
        Breaking,
        NonBreaking,
        Major,
    ),
    (
        "response-field-nullable-removed",
        NonBreaking,
        Breaking,
        Major,
    ),
    (
        "response-field-became-write-only",
        Breaking,
        NonBreaking,
        Major,
    ),
    (
        "response-field-became-readable",
        NonBreaking,
        Breaking,
        Major,
    ),
    ("response-enum-value-added", Info, NonBreaking, Major),
    ("response-enum-value-removed", NonBreaking, Breaking, Major),
    ("response-constraint-changed", Info, Info, Patch),
    // unions and aliases
    ("union-variant-added", Info, NonBreaking, Major),
    ("union-variant-removed", Breaking, Breaking, Major),
    ("type-kind-changed", Breaking, Breaking, Major),
    // responses
    ("response-status-added", Info, NonBreaking, Minor),
    ("response-status-removed", Info, Breaking, Major),
    ("response-body-type-changed", Breaking, Breaking, Major),
    ("response-content-type-changed", Breaking, Breaking, Major),
    // security
    ("security-added", Breaking, Breaking, Major),
    ("security-removed", NonBreaking, Breaking, Major),
    ("security-changed", Breaking, Breaking, Major),
    // servers
    ("server-added", NonBreaking, Info, Minor),
    ("server-removed", Breaking, Info, Major),
    ("server-changed", Breaking, Info, Patch),
    // schemas
    ("schema-added", NonBreaking, NonBreaking, Minor),
    ("schema-removed", Info, Info, Major),
    ("schema-became-non-exhaustive", Info, Info, Major),
    ("field-rust-type-changed", Info, Breaking, Major),
    ("default-changed", Info, Info, Patch),
    ("default-added", Info, Breaking, Major),
    ("default-removed", Info, Breaking, Major),
    ("doc-changed", Info, Info, Patch),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn expected(id: &str) -> (Impact, Impact, Bump) {
    let (_, http, server, rust) = EXPECTED
        .iter()
        .find(|(e, ..)| *e == id)
        .unwrap_or_else(|| panic!("`{id}` is not in EXPECTED"));
    (*http, *server, *rust)
}

fn report(dir: &Path) -> diff::Report {
    let load = |name: &str| {
        let path = dir.join(name);
        // the fixture's options.toml, if it has one (`non_exhaustive = true`), or
        // old.toml / new.toml when the options change
        let stem = name.trim_end_matches(".yaml");
        let own = dir.join(format!("{stem}.toml"));
        let file = if own.exists() {
            own
        } else {
            dir.join("options.toml")
        };
        let options = generator::Options::read_or_default(&file)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        generator::load_model(&path, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    diff::diff(&load("old.yaml"), &load("new.yaml"))
}

#[test]
fn the_table_here_is_the_rules_table() {
    let here: Vec<&str> = EXPECTED.iter().map(|(id, ..)| *id).collect();
    let rules: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(here, rules, "EXPECTED lists the rules in RULES order");
    for r in RULES {
        assert_eq!(
            (r.http, r.server, r.rust),
            expected(r.id),
            "classifications of `{}`",
            r.id
        );
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let folders: BTreeSet<String> = std::fs::read_dir(fixtures())
        .expect("tests/diff")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "history")
        .collect();
    let rules: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    let missing: Vec<_> = rules.difference(&folders).collect();
    let unknown: Vec<_> = folders.difference(&rules).collect();
    assert!(
        missing.is_empty(),
        "rules without a folder in tests/diff: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "folders in tests/diff that name no rule: {unknown:?}"
    );
}

#[test]
fn every_fixture_fires_its_rule_and_nothing_else() {
    let mut failures = Vec::new();
    for rule in RULES {
        let dir = fixtures().join(rule.id);
        let also: BTreeSet<String> = std::fs::read_to_string(dir.join("also.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        for id in &also {
            assert!(
                RULES.iter().any(|r| r.id == id),
                "{}/also.txt: unknown rule `{id}`",
                rule.id
            );
        }
        let report = report(&dir);
        let fired = report.rule_ids();
        let Some(change) = report.changes.iter().find(|c| c.rule.id == rule.id) else {
            failures.push(format!("{}: did not fire; fired: {fired:?}", rule.id));
            continue;
        };
        let got = (change.rule.http, change.rule.server, change.rule.rust);
        if got != expected(rule.id) {
            failures.push(format!(
                "{}: classified {got:?}, expected {:?}",
                rule.id,
                expected(rule.id)
            ));
        }
        let others: Vec<_> = fired
            .iter()
            .filter(|id| **id != rule.id && !also.contains(**id))
            .collect();
        if !others.is_empty() {
            failures.push(format!(
                "{}: also fired {others:?} (list them in also.txt if unavoidable)",
                rule.id
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn identical_specs_have_no_changes() {
    for rule in RULES {
        let path = fixtures().join(rule.id).join("new.yaml");
        let model = generator::load_model(&path, &generator::Options::default()).expect("loads");
        let report = diff::diff(&model, &model);
        assert!(
            report.changes.is_empty(),
            "{}: {:?}",
            rule.id,
            report.rule_ids()
        );
        assert_eq!(report.bump(), None);
    }
}

#[test]
fn docs_list_the_rules_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diff-rules.md");
    let docs = std::fs::read_to_string(&path).expect("docs/diff-rules.md");
    assert!(
        docs == diff::render::rules_markdown(),
        "docs/diff-rules.md is stale: run `cargo xtask diff --rules > docs/diff-rules.md`"
    );
}

/// The report between two specs given as text, for cases that are about noise rather than a rule.
fn report_of(name: &str, old: &str, new: &str) -> diff::Report {
    let dir = std::env::temp_dir().join(format!("generator-diff-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let load = |file: &str, text: &str| {
        let path = dir.join(file);
        std::fs::write(&path, text).expect("write spec");
        generator::load_model(&path, &generator::Options::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let report = diff::diff(&load("old.yaml", old), &load("new.yaml", new));
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// A spec with one operation: `servers` and the schemas of a query parameter and of a field of
/// the response, as YAML flow mappings.
fn spec(servers: &str, param: &str, field: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: Items, version: 1.0.0}}
servers: {servers}
paths:
  /items:
    get:
      operationId: list-items
      parameters:
      - {{name: limit, in: query, schema: {param}}}
      responses:
        '200':
          description: The items.
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Item'}}
components:
  schemas:
    Item:
      type: object
      required: [count]
      properties:
        count: {field}
"
    )
}

const ONE_SERVER: &str = "[{url: 'https://api.example.com'}]";
const INT: &str = "{type: integer}";

#[test]
fn a_format_that_changes_the_type_is_one_change() {
    let int32 = "{type: integer, format: int32}";
    let int64 = "{type: integer, format: int64}";
    let report = report_of(
        "format-param",
        &spec(ONE_SERVER, int32, INT),
        &spec(ONE_SERVER, int64, INT),
    );
    assert_eq!(report.rule_ids(), ["param-type-changed"]);
    let report = report_of(
        "format-field",
        &spec(ONE_SERVER, INT, int32),
        &spec(ONE_SERVER, INT, int64),
    );
    assert_eq!(report.rule_ids(), ["response-field-type-changed"]);
}

#[test]
fn servers_are_matched_by_url_and_descriptions_are_not_changes() {
    let three = "[{url: 'https://a.example.com'}, {url: 'https://b.example.com'}, {url: 'https://c.example.com'}]";
    let two = "[{url: 'https://a.example.com'}, {url: 'https://c.example.com'}]";
    let report = report_of(
        "server-middle",
        &spec(three, INT, INT),
        &spec(two, INT, INT),
    );
    assert_eq!(report.rule_ids(), ["server-removed"]);
    assert_eq!(report.changes[0].location, "server 2");
    let var = |description: &str, default: &str| {
        format!("[{{url: 'https://{{region}}.example.com', variables: {{region: {{default: {default}, description: {description}}}}}}}]")
    };
    let report = report_of(
        "server-var-doc",
        &spec(&var("Where.", "eu"), INT, INT),
        &spec(&var("The region.", "eu"), INT, INT),
    );
    assert_eq!(report.rule_ids(), Vec::<&str>::new());
    let report = report_of(
        "server-var-default",
        &spec(&var("Where.", "eu"), INT, INT),
        &spec(&var("Where.", "us"), INT, INT),
    );
    assert_eq!(report.rule_ids(), ["server-changed"]);
}

#[test]
fn a_default_of_a_required_field_changes_no_rust_type() {
    let report = report_of(
        "default-required",
        &spec(ONE_SERVER, INT, INT),
        &spec(ONE_SERVER, INT, "{type: integer, default: 1}"),
    );
    assert_eq!(report.rule_ids(), ["default-changed"]);
    assert_eq!(report.bump(), Some(Bump::Patch));
}

#[test]
fn a_moved_operation_is_compared_with_its_old_self() {
    let old = spec(ONE_SERVER, INT, INT);
    let new = old
        .replace("  /items:", "  /products:")
        .replace("schema: {type: integer}}", "schema: {type: string}}");
    let report = report_of("moved-and-changed", &old, &new);
    assert_eq!(report.rule_ids(), ["operation-moved", "param-type-changed"]);
}
