//! Snapshot tests of the server emitter: the server code of every fixture spec in
//! `tests/cases/<case>/openapi.yaml` and of the server-only ones in
//! `tests/server_cases/<case>/openapi.yaml`, as one source. The `generator-fixtures` crate
//! compiles the same output (`server_cases`).

use generator::Options;

#[test]
fn cases() {
    insta::glob!("cases/*/openapi.yaml", |path| {
        let source = generator::server_source(
            path,
            &Options::read_or_default(&path.with_file_name("options.toml")).unwrap(),
            "crate::types",
            "crate::support",
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(source);
    });
}

#[test]
fn server_cases() {
    insta::glob!("server_cases/*/openapi.yaml", |path| {
        let options = Options::read_or_default(&path.with_file_name("options.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let source = generator::server_source(path, &options, "crate::types", "crate::support")
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(source);
    });
}
