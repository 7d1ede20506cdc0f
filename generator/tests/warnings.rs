//! Specs that are wrong but whose intent is clear: every spec in `tests/warnings/` generates,
//! with the warning its first line names (`# warning: <pointer>: <message>`) and no other, into
//! types as the reading the warning describes.

use std::path::Path;

use generator::Options;

#[test]
fn imperfect_specs_generate_with_their_warning() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warnings");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/warnings exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no warning cases");
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).expect("readable case");
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# warning: "))
            .unwrap_or_else(|| panic!("{}: first line must be `# warning: ...`", case.display()))
            .trim()
            .to_owned();
        match generator::load_model(case, &Options::default()) {
            Err(e) => failures.push(format!("{}: refused: {e}", case.display())),
            Ok(model) => {
                let got: Vec<String> = model.warnings.iter().map(ToString::to_string).collect();
                if got != [expected.clone()] {
                    failures.push(format!(
                        "{}:\n  expected: {expected}\n  got:      {got:?}",
                        case.display()
                    ));
                }
                if let Err(e) = generator::types_source(case, &Options::default()) {
                    failures.push(format!("{}: no types: {e}", case.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_missing_required_property_becomes_an_optional_json_value() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/warnings/required-property-not-defined.yaml");
    let source = generator::types_source(&case, &Options::default()).expect("generates");
    assert!(
        source.contains("pub name: Option<serde_json::Value>,"),
        "{source}"
    );
}
