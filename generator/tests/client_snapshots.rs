//! Snapshot tests of the client emitter: the generated client of every fixture spec in
//! `tests/cases/<case>/openapi.yaml`, with pagination settings so that list operations show
//! their streams. The `generator-fixtures` crate compiles the same output (without them).

use generator::config::Pagination;
use generator::Options;

#[test]
fn cases() {
    insta::glob!("cases/*/openapi.yaml", |path| {
        let options = Options {
            pagination: Some(Pagination {
                page_param: "page".into(),
                limit_param: "limit".into(),
                next_page: "content.pagination.next_page".into(),
            }),
            ..Options::read_or_default(&path.with_file_name("options.toml")).unwrap()
        };
        let source = generator::client_source(path, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(source);
    });
}
