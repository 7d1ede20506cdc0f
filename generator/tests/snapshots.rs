//! Snapshot tests: the generated types of every fixture spec in `tests/cases/<case>/openapi.yaml`
//! (one case per construct), with the options of its `options.toml` if it has one. The same
//! cases are compiled, and their behaviour tested, by the `generator-fixtures` crate.

use generator::Options;

#[test]
fn cases() {
    insta::glob!("cases/*/openapi.yaml", |path| {
        let options = Options::read_or_default(&path.with_file_name("options.toml")).unwrap();
        let source = generator::types_source(path, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(source);
    });
}
