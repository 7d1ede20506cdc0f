//! Negative tests: every spec in `tests/errors/` is rejected with the error its first line
//! names (`# error: <text the message must contain>`), never a panic or silently wrong code.

use std::path::Path;

use generator::Options;

#[test]
fn bad_specs_are_rejected_with_their_pointer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/errors exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected at least 10 error cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).expect("readable case");
        let expected = text
            .lines()
            .next()
            .and_then(|l| {
                l.strip_prefix("# error: ")
                    .or_else(|| l.strip_prefix("// error: "))
            })
            .unwrap_or_else(|| panic!("{}: first line must be `# error: ...`", case.display()))
            .trim()
            .to_owned();
        match generator::types_source(case, &Options::default()) {
            Ok(_) => failures.push(format!(
                "{}: generated code, expected `{expected}`",
                case.display()
            )),
            Err(e) => {
                let message = e.to_string();
                if !message.contains(&expected) {
                    failures.push(format!(
                        "{}:\n  expected: {expected}\n  got:      {message}",
                        case.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
