//! The project's spec (`spec/storefront.yaml`): it parses as OpenAPI 3.0 with `openapiv3`, every
//! `$ref` resolves, operationIds are unique, and every component is used.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/storefront.yaml")
}

fn raw() -> Value {
    generator::load::load(&spec_path())
        .expect("the spec loads")
        .raw
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|c| refs(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

#[test]
fn parses_as_openapi_3_0() {
    let text = std::fs::read_to_string(spec_path()).expect("readable spec");
    let doc: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("openapiv3 reads the spec");
    assert!(doc.openapi.starts_with("3.0."), "version {}", doc.openapi);
    assert!(
        doc.paths.paths.len() > 100,
        "{} paths",
        doc.paths.paths.len()
    );
}

#[test]
fn every_ref_resolves() {
    let raw = raw();
    let mut all = Vec::new();
    refs(&raw, &mut all);
    assert!(!all.is_empty());
    let broken: Vec<_> = all
        .iter()
        .filter(|r| generator::pointer::resolve(&raw, r).is_none())
        .collect();
    assert!(broken.is_empty(), "unresolved: {broken:?}");
}

#[test]
fn operation_ids_are_unique_and_present() {
    let raw = raw();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (path, item) in raw["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if method == "parameters" {
                continue;
            }
            match op["operationId"].as_str() {
                None => problems.push(format!("{method} {path}: no operationId")),
                Some(id) if !seen.insert(id.to_owned()) => {
                    problems.push(format!("{method} {path}: duplicate operationId {id}"))
                }
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(seen.len(), 193, "188 current operations + 5 seed-era ones");
}

#[test]
fn every_component_is_used() {
    let raw = raw();
    let mut used = Vec::new();
    refs(&raw, &mut used);
    // security schemes are used by name in `security`, not by $ref
    let mut schemes = BTreeSet::new();
    let mut collect = |reqs: &Value| {
        for req in reqs.as_array().into_iter().flatten() {
            schemes.extend(req.as_object().into_iter().flat_map(|m| m.keys().cloned()));
        }
    };
    collect(&raw["security"]);
    for item in raw["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            collect(&op["security"]);
        }
    }
    let used: BTreeSet<String> = used.into_iter().collect();
    let mut unused = Vec::new();
    for (kind, entries) in raw["components"].as_object().expect("components") {
        for name in entries.as_object().expect("component section").keys() {
            let pointer = format!("#/components/{kind}/{}", generator::pointer::escape(name));
            let is_used = if kind == "securitySchemes" {
                schemes.contains(name)
            } else {
                used.contains(&pointer)
            };
            if !is_used {
                unused.push(pointer);
            }
        }
    }
    assert!(unused.is_empty(), "unused components: {unused:#?}");
}
