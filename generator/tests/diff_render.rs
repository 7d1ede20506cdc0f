//! The change report as people read it: snapshots of the text and Markdown output for a few
//! rule fixtures (`tests/diff/<rule-id>/`), and a diff over real history (`tests/diff/history/`:
//! the seed-era shape of a few Storefront endpoints against today's).

use std::path::Path;

use generator::diff::{self, render, Bump, Report};

fn report(case: &str) -> Report {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff")
        .join(case);
    let load = |name: &str| {
        let path = dir.join(name);
        generator::load_model(&path, &generator::Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    diff::diff(&load("old.yaml"), &load("new.yaml"))
}

fn snapshots(case: &str) {
    let report = report(case);
    insta::assert_snapshot!(format!("{case}.txt"), render::text(&report));
    insta::assert_snapshot!(format!("{case}.md"), render::markdown(&report));
}

#[test]
fn operation_moved() {
    snapshots("operation-moved");
}

#[test]
fn request_field_added_required() {
    snapshots("request-field-added-required");
}

#[test]
fn server_changed() {
    snapshots("server-changed");
}

#[test]
fn no_changes() {
    let report = Report::default();
    assert_eq!(render::text(&report), "No changes.\n");
    assert_eq!(
        render::markdown(&report),
        "### Spec changes\n\nNo changes.\n\n"
    );
}

/// The seed-era coupons endpoint moved, the loyalty endpoints' path parameter renamed, the
/// gift-card endpoints gone, servers added, and the coupons envelope tightened.
#[test]
fn history() {
    let report = report("history");
    let got: Vec<(&str, &str)> = report
        .changes
        .iter()
        .map(|c| (c.rule.id, c.location.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("operation-moved", "GET /carts/available-coupons"),
            (
                "param-added-optional",
                "GET /carts/available-coupons header `x-customer-group-id`"
            ),
            (
                "response-status-added",
                "GET /carts/available-coupons response 400"
            ),
            (
                "response-status-added",
                "GET /carts/available-coupons response 404"
            ),
            ("doc-changed", "GET /carts/available-coupons"),
            (
                "path-param-renamed",
                "GET /customers/{customer_id}/loyalty path `customer_id`"
            ),
            (
                "path-param-renamed",
                "GET /customers/{customer_id}/loyalty-points-activity path `customer_id`"
            ),
            (
                "doc-changed",
                "GET /customers/{customer_id}/loyalty-points-activity"
            ),
            ("operation-removed", "POST /carts/{id}/gift-card"),
            ("operation-removed", "DELETE /carts/{id}/gift-card"),
            ("server-added", "server 1"),
            ("server-added", "server 3"),
            (
                "response-field-became-required",
                "ListCouponsResponse.message"
            ),
            (
                "response-field-became-required",
                "ListCouponsResponse.success"
            ),
            (
                "response-field-became-required",
                "ListCouponsResponse.content"
            ),
            (
                "response-field-became-required",
                "ListCouponsResponseContent.coupons"
            ),
            ("schema-added", "ValidationErrorEnvelope"),
        ]
    );
    assert_eq!(report.bump(), Some(Bump::Major));
    assert_eq!(report.breaking_http(), 3);
    assert_eq!(report.breaking_server(), 8);
    insta::assert_snapshot!("history.txt", render::text(&report));
    insta::assert_snapshot!("history.md", render::markdown(&report));
}
