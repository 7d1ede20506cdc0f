//! What a server needs beyond the operations: the base path its routes live under (the path of
//! the first server URL, whose variables become path parameters), the routes (operations
//! grouped by path, checked for conflicts a router would refuse) and the names of the security
//! schemes and server variables.

use heck::ToShoutySnakeCase;

use super::{Operation, Server};
use crate::error::Warning;
use crate::names::{self, NameSet};
use crate::path::PathTemplate;

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
    /// Trait methods have no default (`[spec.options.server] strict`).
    pub strict: bool,
    /// What a router cannot serve, as (JSON pointer, construct): the server emitter reports
    /// the first as `Error::Unsupported`; other crates do not care.
    pub unsupported: Vec<(String, String)>,
    /// Per operation (by index) whose path names its parameters otherwise than its route:
    /// (the operation's name, the route's name), applied to `Param::route_name`.
    pub route_names: Vec<(usize, Vec<(String, String)>)>,
    /// What a router serves otherwise than the spec says (moved into `Model::warnings`).
    pub warnings: Vec<Warning>,
    /// Operations no route leads to (the same method and path shape as an earlier one), by
    /// id: they have a trait method but no handler.
    pub unrouted: Vec<String>,
}

/// A path and the operations (indices into `Model::operations`) served on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The full path (base path + operation path), in the `{param}` syntax; the first
    /// operation's names when operations name its parameters differently.
    pub path: String,
    /// The operations on it, in spec order.
    pub operations: Vec<usize>,
}

/// Builds the server model.
pub fn build(
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
    // operation -> (its path parameter's name, the route's name for it)
    let mut route_names: Vec<(usize, Vec<(String, String)>)> = Vec::new();
    let mut warnings = Vec::new();
    let mut unrouted = Vec::new();
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
            if PathTemplate(&op.path).params().any(|p| p == var) {
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
        let shape = PathTemplate(&path).erased();
        if let Some((_, first)) = shapes.iter().find(|(s, _)| *s == shape) {
            // the same route with other parameter names (`/a/{id}`, `/a/{key}`): one route,
            // whose names this operation reads its parameters by, unless the method is taken
            let route = routes
                .iter_mut()
                .find(|r| r.operations.contains(first))
                .expect("a shape has its route");
            let taken = route
                .operations
                .iter()
                .any(|&o| operations[o].method == op.method);
            if taken {
                // one request, two operations: the router can call only the first
                warnings.push(Warning::new(
                    &op.pointer,
                    format!(
                        "`{} {}` is the same route as `{} {}`: the server routes it to the \
                         first, and this operation's method is never called",
                        op.method.to_uppercase(),
                        op.path,
                        op.method.to_uppercase(),
                        operations[*first].path,
                    ),
                ));
                unrouted.push(op.id.clone());
                continue;
            } else {
                let names: Vec<(String, String)> = PathTemplate(&path)
                    .params()
                    .zip(PathTemplate(&route.path).params())
                    .filter(|(mine, its)| mine != its)
                    .map(|(mine, its)| (mine.to_owned(), its.to_owned()))
                    .collect();
                route.operations.push(i);
                route_names.push((i, names));
                continue;
            }
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
    let mut fns = NameSet::with_taken(["server_variable", "header", "principal"]);
    let base_variable_fns = base_variables
        .iter()
        .map(|v| fns.take(&names::field_name(v)))
        .collect();
    ServerModel {
        route_names,
        warnings,
        unrouted,
        base_path,
        base_variables,
        base_variable_fns,
        routes,
        scheme_consts,
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
    let vars = PathTemplate(&path).params().map(str::to_owned).collect();
    (path, vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Prim, Status, TypeRef};

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
        let headers: Vec<(usize, Status, Vec<Header>)> = model
            .operations
            .iter()
            .enumerate()
            .flat_map(|(i, op)| op.responses.iter().map(move |r| (i, r)))
            .filter(|(_, r)| !r.headers.is_empty())
            .map(|(i, r)| {
                (
                    i,
                    r.status,
                    r.headers
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
        let model = crate::model::of_yaml(
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
                "a path parameter named like the server variable `store`",
                "a path segment starting with `:`",
            ]
        );
        assert_eq!(model.tags[0].trait_name, "Untagged");
        assert!(model.server.unrouted.is_empty());
        // `/a/{key}` is served by the route of `/a/{id}`, read by its name
        let put = &model.operations[1];
        assert_eq!(put.params[0].route_name.as_deref(), Some("id"));
        assert_eq!(model.server.routes[0].operations, [0, 1]);
    }

    #[test]
    fn a_second_operation_on_the_same_route_and_method_is_a_warning_not_a_refusal() {
        let model = crate::model::of_yaml(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v2/{name}:
    get:
      operationId: getName
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /v2/{parent}:
    get:
      operationId: getParent
      parameters: [{name: parent, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
"#,
        );
        assert!(model.server.unsupported.is_empty());
        assert_eq!(model.server.unrouted, ["getParent"]);
        let shown: Vec<String> = model.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["#/paths/~1v2~1{parent}/get: `GET /v2/{parent}` is the same route as `GET /v2/{name}`: \
              the server routes it to the first, and this operation's method is never called"]
        );
    }
}
