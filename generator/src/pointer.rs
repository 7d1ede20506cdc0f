//! JSON pointers (RFC 6901) in their URI-fragment form, `#/paths/~1carts/post`.

/// Escapes one reference token: `~` -> `~0`, `/` -> `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends `token` (escaped) to `base`.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// Appends `tokens`, a `/`-separated path of tokens that need no escaping (`allOf/0`).
pub fn append(base: &str, tokens: &str) -> String {
    format!("{base}/{tokens}")
}

/// Looks `pointer` (`#/a/b` or `/a/b`) up in `doc`.
pub fn resolve<'a>(doc: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return Some(doc);
    }
    let mut node = doc;
    for raw in p.strip_prefix('/')?.split('/') {
        let token = unescape(raw);
        node = match node {
            serde_json::Value::Object(map) => map.get(&token)?,
            serde_json::Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_resolves() {
        assert_eq!(join("#/paths", "/carts/{id}"), "#/paths/~1carts~1{id}");
        let doc = serde_json::json!({"paths": {"/a~b": {"get": [1, 2]}}});
        assert_eq!(
            resolve(&doc, "#/paths/~1a~0b/get/1"),
            Some(&serde_json::json!(2))
        );
        assert_eq!(resolve(&doc, "#/paths/nope"), None);
        assert_eq!(resolve(&doc, "#"), Some(&doc));
    }
}
