//! Snapshot tests: the generated types of every fixture spec in `tests/cases/<case>/openapi.yaml`
//! (one case per construct). The same cases are compiled, and their behaviour tested, by the
//! `generator-fixtures` crate.

use generator::Options;

#[test]
fn cases() {
    insta::glob!("cases/*/openapi.yaml", |path| {
        let source = generator::types_source(path, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(source);
    });
}
