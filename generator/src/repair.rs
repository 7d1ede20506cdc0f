//! Repairs of a bundled document before it is read as OpenAPI: what a spec gets slightly wrong
//! but whose intent is clear (a parameter `in: Query`, a security scheme `type: APIKey`), each
//! with a [`Warning`] at its pointer, and path items given by a local `$ref` (valid OpenAPI that
//! the typed document does not resolve), inlined.

use serde_json::Value;

use crate::error::Warning;
use crate::pointer;

/// The repairs made to `doc`, as warnings.
pub fn repair(doc: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    inline_path_item_refs(doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let at = pointer::join("#/paths", path);
            repair_parameters(item.get_mut("parameters"), &at, &mut warnings);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                let op_at = pointer::join(&at, method);
                repair_parameters(op.get_mut("parameters"), &op_at, &mut warnings);
            }
        }
    }
    let components = doc.get_mut("components");
    if let Some(parameters) = components
        .and_then(|c| c.get_mut("parameters"))
        .and_then(Value::as_object_mut)
    {
        for (name, p) in parameters.iter_mut() {
            let at = pointer::join("#/components/parameters", name);
            fix_word(
                p,
                "in",
                &["query", "header", "path", "cookie"],
                &at,
                &mut warnings,
            );
        }
    }
    if let Some(schemes) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    {
        for (name, s) in schemes.iter_mut() {
            let at = pointer::join("#/components/securitySchemes", name);
            let kinds = ["apiKey", "http", "oauth2", "openIdConnect"];
            fix_word(s, "type", &kinds, &at, &mut warnings);
            if s.get("type").and_then(Value::as_str) == Some("apiKey") {
                fix_word(s, "in", &["query", "header", "cookie"], &at, &mut warnings);
            }
        }
    }
    warnings
}

/// The parameters of a path item or an operation (`$ref`s are left to the reader).
fn repair_parameters(parameters: Option<&mut Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(list) = parameters.and_then(Value::as_array_mut) else {
        return;
    };
    for (i, p) in list.iter_mut().enumerate() {
        let p_at = pointer::append(at, &format!("parameters/{i}"));
        fix_word(
            p,
            "in",
            &["query", "header", "path", "cookie"],
            &p_at,
            warnings,
        );
    }
}

/// When `node[key]` is one of `words` but for case (or surrounding blanks), that word, with a
/// warning.
fn fix_word(node: &mut Value, key: &str, words: &[&str], at: &str, warnings: &mut Vec<Warning>) {
    let Some(given) = node.get(key).and_then(Value::as_str) else {
        return;
    };
    if words.contains(&given) {
        return;
    }
    let Some(word) = words.iter().find(|w| w.eq_ignore_ascii_case(given.trim())) else {
        return;
    };
    warnings.push(Warning::new(
        &pointer::join(at, key),
        format!("`{given}` read as `{word}`"),
    ));
    node[key] = Value::String((*word).to_owned());
}

/// Replaces each path item that is a local `$ref` (`/pets: {$ref: '#/x-paths/Pets'}`) by what
/// it refers to, so that the reader sees the operations.
fn inline_path_item_refs(doc: &mut Value) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    let resolved: Vec<(String, Value)> = paths
        .iter()
        .filter_map(|(path, item)| {
            let reference = item.get("$ref")?.as_str()?;
            let target = doc.pointer(reference.strip_prefix('#')?)?;
            Some((path.clone(), target.clone()))
        })
        .collect();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, target) in resolved {
            paths.insert(path, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_of_the_wrong_case_are_read_with_a_warning() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "Query"}]}}},
            "components": {"securitySchemes": {"Key": {"type": "APIKey", "in": "HEADER", "name": "k"}}}
        });
        let warnings = repair(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0]["in"], "query");
        assert_eq!(
            doc["components"]["securitySchemes"]["Key"]["type"],
            "apiKey"
        );
        assert_eq!(doc["components"]["securitySchemes"]["Key"]["in"], "header");
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "#/paths/~1a/get/parameters/0/in: `Query` read as `query`",
                "#/components/securitySchemes/Key/type: `APIKey` read as `apiKey`",
                "#/components/securitySchemes/Key/in: `HEADER` read as `header`",
            ]
        );
    }

    #[test]
    fn unknown_words_are_left_for_the_reader_to_refuse() {
        let mut doc =
            json!({"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "body"}]}}}});
        assert!(repair(&mut doc).is_empty());
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0]["in"], "body");
    }

    #[test]
    fn a_path_item_ref_is_inlined() {
        let mut doc = json!({
            "paths": {"/a": {"$ref": "#/x-paths/A"}},
            "x-paths": {"A": {"get": {"operationId": "getA"}}}
        });
        repair(&mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "getA");
    }
}
