//! What a server needs beyond the operations: the base path its routes live under (the path of
//! the first server URL, whose variables become path parameters), the routes (operations
//! grouped by path, checked for conflicts a router would refuse) and the headers of responses.

use heck::ToShoutySnakeCase;

use super::{Operation, Prim, Server, Status, TypeRef};
use crate::load::LoadedSpec;
use crate::names::{self, NameSet};
use crate::pointer;

/// The server side of a spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerModel {
    /// The path part of the first server URL, without a trailing `/` (`/api/v1/{store_id}`;
    /// empty for none).
    pub base_path: String,
    /// The variables of the base path, in order.
    pub base_variables: Vec<String>,
    /// Rust names (`snake_case`, unique) of the base path's variables, in the same order:
    /// the methods of the crate's `ServerVariables` trait.
    pub base_variable_fns: Vec<String>,
    /// One route per distinct path, in the order of first appearance.
    pub routes: Vec<Route>,
    /// Rust names (`SCREAMING_SNAKE`) of the security schemes, by scheme name, in scheme order.
    pub scheme_consts: Vec<(String, String)>,
    /// Declared response headers, per operation (index into `Model::operations`) and status.
    pub response_headers: Vec<ResponseHeaders>,
    /// Trait methods have no default (`[spec.options.server] strict`).
    pub strict: bool,
    /// What a router cannot serve, as (JSON pointer, construct): the server emitter reports
    /// the first as `Error::Unsupported`; other crates do not care.
    pub unsupported: Vec<(String, String)>,
}

/// A path and the operations (indices into `Model::operations`) served on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The full path (base path + operation path), in the `{param}` syntax.
    pub path: String,
    /// The operations on it, in spec order.
    pub operations: Vec<usize>,
}

/// The headers a response declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeaders {
    /// Index into `Model::operations`.
    pub operation: usize,
    /// The response's status.
    pub status: Status,
    /// The headers, in spec order.
    pub headers: Vec<ResponseHeader>,
}

/// One response header.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// Name on the wire.
    pub name: String,
    /// `snake_case` Rust name.
    pub rust_name: String,
    /// Its type (a primitive; anything else is sent as text).
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// Builds the server model.
pub fn build(
    spec: &LoadedSpec,
    operations: &[Operation],
    servers: &[Server],
    schemes: &[super::SecurityScheme],
) -> ServerModel {
    let mut unsupported = Vec::new();
    let (base_path, base_variables) = match servers.first() {
        Some(s) => base_path(&s.url),
        None => (String::new(), Vec::new()),
    };
    let mut routes: Vec<Route> = Vec::new();
    // the path with parameter names erased -> its first operation, to report conflicts
    let mut shapes: Vec<(String, usize)> = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        for segment in op.path.split('/') {
            if segment.starts_with(':') || segment.starts_with('*') {
                unsupported.push((
                    op.pointer.clone(),
                    format!("a path segment starting with `{}`", &segment[..1]),
                ));
            }
        }
        for var in &base_variables {
            if path_params(&op.path).any(|p| p == var) {
                unsupported.push((
                    op.pointer.clone(),
                    format!("a path parameter named like the server variable `{var}`"),
                ));
            }
        }
        let path = format!("{base_path}{}", op.path);
        if let Some(route) = routes.iter_mut().find(|r| r.path == path) {
            route.operations.push(i);
            continue;
        }
        let shape = erase_params(&path);
        if let Some((_, first)) = shapes.iter().find(|(s, _)| *s == shape) {
            unsupported.push((
                op.pointer.clone(),
                format!(
                    "paths that differ only in parameter names (`{}` and `{}`)",
                    operations[*first].path, op.path
                ),
            ));
        }
        shapes.push((shape, i));
        routes.push(Route {
            path,
            operations: vec![i],
        });
    }
    let mut consts = NameSet::default();
    let scheme_consts = schemes
        .iter()
        .map(|s| {
            let name = names::field_name(&s.name).to_shouty_snake_case();
            (s.name.clone(), consts.take(&name))
        })
        .collect();
    let mut response_headers = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        for r in &op.responses {
            let headers = headers_of(spec, op, r.status);
            if !headers.is_empty() {
                response_headers.push(ResponseHeaders {
                    operation: i,
                    status: r.status,
                    headers,
                });
            }
        }
    }
    let mut fns = NameSet::with_taken(["server_variable", "header", "principal"]);
    let base_variable_fns = base_variables
        .iter()
        .map(|v| fns.take(&names::field_name(v)))
        .collect();
    ServerModel {
        base_path,
        base_variables,
        base_variable_fns,
        routes,
        scheme_consts,
        response_headers,
        strict: false,
        unsupported,
    }
}

/// The path part of a server URL without its trailing `/`, and the variables in it.
fn base_path(url: &str) -> (String, Vec<String>) {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            match after.find('/') {
                Some(j) => &after[j..],
                None => "",
            }
        }
        None => url,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = rest.trim_end_matches('/');
    let path = if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let vars = path_params(&path).map(str::to_owned).collect();
    (path, vars)
}

/// The `{name}`s of a path template.
fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// The path with every parameter name erased (`/a/{}/b`).
fn erase_params(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn resolve_ref<'a>(spec: &'a LoadedSpec, value: &'a serde_json::Value) -> &'a serde_json::Value {
    let mut value = value;
    // a chain of references is short; bound it anyway
    for _ in 0..8 {
        match value.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => match pointer::resolve(&spec.raw, r) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

fn headers_of(spec: &LoadedSpec, op: &Operation, status: Status) -> Vec<ResponseHeader> {
    let key = match status {
        Status::Code(c) => c.to_string(),
        Status::Range(r) => format!("{r}XX"),
        Status::Default => "default".to_owned(),
    };
    let at = pointer::join(&pointer::append(&op.pointer, "responses"), &key);
    let Some(response) = pointer::resolve(&spec.raw, &at) else {
        return Vec::new();
    };
    let response = resolve_ref(spec, response);
    let Some(headers) = response.get("headers").and_then(|h| h.as_object()) else {
        return Vec::new();
    };
    let mut names = NameSet::default();
    let mut out = Vec::new();
    for (name, header) in headers {
        // `Content-Type` is described by the content, not sent from a field
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let header = resolve_ref(spec, header);
        let schema = header.get("schema").map(|s| resolve_ref(spec, s));
        let ty = schema.map(prim_of).unwrap_or(TypeRef::Prim(Prim::String));
        out.push(ResponseHeader {
            name: name.clone(),
            rust_name: names.take(&names::field_name(name)),
            ty,
            required: header
                .get("required")
                .and_then(|r| r.as_bool())
                .unwrap_or(false),
            doc: crate::docs::paragraphs([header.get("description").and_then(|d| d.as_str())]),
        });
    }
    out
}

/// The primitive a header schema describes; text for anything else.
fn prim_of(schema: &serde_json::Value) -> TypeRef {
    let format = schema.get("format").and_then(|f| f.as_str());
    let prim = match schema.get("type").and_then(|t| t.as_str()) {
        Some("integer") if format == Some("int32") => Prim::I32,
        Some("integer") => Prim::I64,
        Some("number") if format == Some("float") => Prim::F32,
        Some("number") => Prim::F64,
        Some("boolean") => Prim::Bool,
        _ => Prim::String,
    };
    TypeRef::Prim(prim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(
            base_path("https://x.example.com/api/v1/{store_id}/storefront"),
            (
                "/api/v1/{store_id}/storefront".to_owned(),
                vec!["store_id".to_owned()]
            )
        );
        assert_eq!(
            base_path("https://{region}.example.com"),
            (String::new(), vec![])
        );
        assert_eq!(base_path("https://example.com/"), (String::new(), vec![]));
        assert_eq!(base_path("/v2/"), ("/v2".to_owned(), vec![]));
        assert_eq!(base_path("v2"), ("/v2".to_owned(), vec![]));
        assert_eq!(base_path(""), (String::new(), vec![]));
    }

    fn model_of(yaml: &str) -> crate::model::Model {
        let dir = std::env::temp_dir().join(format!(
            "server-model-{}-{}",
            std::process::id(),
            yaml.len()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("openapi.yaml");
        std::fs::write(&path, yaml).expect("write spec");
        let loaded = crate::load::load(&path).expect("loads");
        crate::model::Model::build(&loaded, &crate::Options::default()).expect("builds")
    }

    #[test]
    fn the_http_case() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/server_cases/http/openapi.yaml");
        let loaded = crate::load::load(&path).expect("loads");
        let model =
            crate::model::Model::build(&loaded, &crate::Options::default()).expect("builds");
        let server = &model.server;
        assert_eq!(server.base_path, "/v2/{tenant}");
        assert_eq!(server.base_variables, ["tenant"]);
        let routes: Vec<(&str, &[usize])> = server
            .routes
            .iter()
            .map(|r| (r.path.as_str(), r.operations.as_slice()))
            .collect();
        assert_eq!(
            routes,
            [
                ("/v2/{tenant}/things/{thing_id}", &[0, 1, 2][..]),
                ("/v2/{tenant}/things", &[3][..]),
                ("/v2/{tenant}/files", &[4][..]),
            ]
        );
        let tags: Vec<(&str, &str, &[usize])> = model
            .tags
            .iter()
            .map(|t| {
                (
                    t.module.as_str(),
                    t.trait_name.as_str(),
                    t.operations.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            tags,
            [
                ("things", "Things", &[0, 1, 2, 3][..]),
                ("files", "Files", &[4][..])
            ]
        );
        assert_eq!(
            server.scheme_consts,
            [
                ("Bearer".to_owned(), "BEARER".to_owned()),
                ("Basic".to_owned(), "BASIC".to_owned()),
                ("Key".to_owned(), "KEY".to_owned()),
                ("QueryKey".to_owned(), "QUERY_KEY".to_owned()),
            ]
        );
        type Header<'a> = (&'a str, &'a str, &'a TypeRef, bool);
        let headers: Vec<(usize, Status, Vec<Header>)> = server
            .response_headers
            .iter()
            .map(|h| {
                (
                    h.operation,
                    h.status,
                    h.headers
                        .iter()
                        .map(|x| (x.name.as_str(), x.rust_name.as_str(), &x.ty, x.required))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            headers,
            [
                (
                    0,
                    Status::Code(200),
                    vec![
                        (
                            "X-Rate-Remaining",
                            "x_rate_remaining",
                            &TypeRef::Prim(Prim::I64),
                            true
                        ),
                        ("ETag", "e_tag", &TypeRef::Prim(Prim::String), false),
                    ]
                ),
                (
                    1,
                    Status::Code(204),
                    vec![("Location", "location", &TypeRef::Prim(Prim::String), true)]
                ),
            ]
        );
        assert!(server.unsupported.is_empty());
    }

    #[test]
    fn what_a_router_refuses() {
        let model = model_of(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: '/api/{store}'}]
paths:
  /a/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /a/{key}:
    put:
      parameters: [{name: key, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /b/{store}:
    get:
      parameters: [{name: store, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /c/:x:
    get:
      responses: {'204': {description: ok}}
"#,
        );
        let problems: Vec<&str> = model
            .server
            .unsupported
            .iter()
            .map(|(_, what)| what.as_str())
            .collect();
        assert_eq!(
            problems,
            [
                "paths that differ only in parameter names (`/a/{id}` and `/a/{key}`)",
                "a path parameter named like the server variable `store`",
                "a path segment starting with `:`",
            ]
        );
        assert_eq!(model.tags[0].trait_name, "Untagged");
    }

    #[test]
    fn erased() {
        assert_eq!(erase_params("/a/{id}/b/{x}"), "/a/{}/b/{}");
        assert_eq!(erase_params("/a"), "/a");
    }
}
