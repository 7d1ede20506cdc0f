//! Every operation of the spec reaches its own trait method: the table of (method, path,
//! operation id) comes from the generator's model of `spec/storefront.yaml`, and for each a
//! valid request (path and required parameters, the credentials the operation needs, a minimal
//! valid body, JSON or multipart, built from the model) goes through the router to a backend
//! that implements nothing. The method's default answers 501 with the envelope, through
//! `Backend::not_implemented`, which records the operation id.

mod server_support;

use std::path::PathBuf;

use axum::body::Body;
use generator::model::{
    BodyKind, FieldRepr, Model, Operation, ParamLocation, Prim, SecuritySchemeKind, TypeKind,
    TypeRef,
};
use http::Request;
use serde_json::Value;
use server_support::{send, Recorder, BASE};

fn model() -> Model {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = generator::ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
    let spec = config
        .specs
        .iter()
        .find(|s| s.name == "storefront")
        .expect("the storefront spec is configured");
    let loaded = generator::load::load(&root.join(&spec.path)).expect("the spec loads");
    Model::build(&loaded, &spec.options).expect("the model builds")
}

/// A minimal valid value of `ty` (the generator's sampler: every required field, the first
/// value of every enum, the mapped or first alternative of every union, one item per array).
fn sample(ty: &TypeRef, model: &Model, _depth: usize) -> Value {
    generator::samples::Samples::minimal(model).of(ty)
}

/// A value as the text of a parameter or a multipart field.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const BOUNDARY: &str = "XyZzYboundary";

/// A multipart body with every required field of the struct `ty`.
fn multipart(ty: &TypeRef, model: &Model) -> Vec<u8> {
    let TypeRef::Named(name) = ty else {
        panic!("multipart bodies are named structs")
    };
    let TypeKind::Struct(s) = &model.types[name].kind else {
        panic!("multipart bodies are structs")
    };
    let mut out = String::new();
    for f in s.fields.iter().filter(|f| f.repr == FieldRepr::Plain) {
        let item = match &f.ty {
            TypeRef::Vec(inner) => &**inner,
            t => t,
        };
        out.push_str(&format!("--{BOUNDARY}\r\n"));
        if *item == TypeRef::Prim(Prim::Binary) {
            out.push_str(&format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n",
                f.json_name
            ));
        } else {
            out.push_str(&format!(
                "Content-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
                f.json_name,
                text(&sample(item, model, 0))
            ));
        }
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out.into_bytes()
}

/// A valid request for `op`.
fn request(op: &Operation, model: &Model) -> Request<Body> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut builder = Request::builder().method(op.method.as_str());
    for p in op.params.iter().filter(|p| p.required) {
        let item = match &p.ty {
            TypeRef::Vec(inner) => &**inner,
            t => t,
        };
        let value = text(&sample(item, model, 0));
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.name), &value),
            ParamLocation::Query => query.push(format!("{}={value}", p.name)),
            ParamLocation::Header => builder = builder.header(p.name.as_str(), value),
            ParamLocation::Cookie => {
                builder = builder.header("cookie", format!("{}={value}", p.name))
            }
        }
    }
    if let Some(alternative) = op.security.first() {
        for name in alternative {
            let scheme = model
                .security_schemes
                .iter()
                .find(|s| s.name == *name)
                .expect("declared scheme");
            match &scheme.kind {
                SecuritySchemeKind::Bearer | SecuritySchemeKind::OAuth2 => {
                    builder = builder.header("authorization", "Bearer t0k3n")
                }
                SecuritySchemeKind::Basic => {
                    builder = builder.header("authorization", "Basic dXNlcjpwYXNz")
                }
                SecuritySchemeKind::ApiKey { location, name } => match location {
                    ParamLocation::Query => query.push(format!("{name}=k3y")),
                    ParamLocation::Cookie => {
                        builder = builder.header("cookie", format!("{name}=k3y"))
                    }
                    _ => builder = builder.header(name.as_str(), "k3y"),
                },
            }
        }
    }
    let mut uri = format!("{BASE}{path}");
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&query.join("&"));
    }
    let builder = builder.uri(uri);
    let body = match &op.body {
        None => Body::empty(),
        Some(b) => match b.kind {
            BodyKind::Json => {
                return builder
                    .header("content-type", "application/json")
                    .body(Body::from(sample(&b.ty, model, 0).to_string()))
                    .expect("a valid request")
            }
            BodyKind::Multipart => {
                return builder
                    .header(
                        "content-type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(Body::from(multipart(&b.ty, model)))
                    .expect("a valid request")
            }
            BodyKind::Text | BodyKind::Binary => {
                return builder
                    .header("content-type", b.content_type.as_str())
                    .body(Body::from("sample"))
                    .expect("a valid request")
            }
            BodyKind::Form => Body::empty(),
        },
    };
    builder.body(body).expect("a valid request")
}

#[tokio::test]
async fn every_operation_reaches_its_trait_method() {
    let model = model();
    assert_eq!(model.operations.len(), 193, "the spec's operations");
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let mut failures = Vec::new();
    for op in &model.operations {
        let answer = send(&router, request(op, &model)).await;
        let calls = backend.take();
        if answer.status != 501 || calls != [op.id.as_str()] || answer.code() != "NOT_IMPLEMENTED" {
            failures.push(format!(
                "{} {} ({}): {} {} -> reached {calls:?}",
                op.method, op.path, op.id, answer.status, answer.body
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations were not routed to their method:\n{}",
        failures.len(),
        model.operations.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_default_answer_is_501_with_the_envelope() {
    let router = storefront_server::router(Recorder::default());
    let answer = send(
        &router,
        Request::get(format!("{BASE}/carts/c1"))
            .header("authorization", "Bearer t")
            .body(Body::empty())
            .expect("a valid request"),
    )
    .await;
    answer.assert_envelope(501, "NOT_IMPLEMENTED");
    assert_eq!(
        answer.body["message"],
        "the operation `get-cart` is not implemented by this server"
    );
    assert!(answer.body.get("errors").is_none(), "{}", answer.body);
}

/// `request(op)` with its parts changed by `edit`.
async fn mistaken(
    op: &Operation,
    model: &Model,
    edit: impl FnOnce(&mut http::request::Parts, &mut Vec<u8>),
) -> Request<Body> {
    use http_body_util::BodyExt;
    let (mut parts, body) = request(op, model).into_parts();
    let mut bytes = body.collect().await.expect("in memory").to_bytes().to_vec();
    edit(&mut parts, &mut bytes);
    Request::from_parts(parts, Body::from(bytes))
}

/// Every operation answers each kind of client mistake with a 4xx error envelope before its
/// trait method is called: never a 5xx, never a panic, whatever the operation.
#[tokio::test]
async fn every_operation_rejects_client_mistakes_with_a_4xx_envelope() {
    let model = model();
    let backend = Recorder::default();
    let router = storefront_server::router(backend.clone());
    let mut failures = Vec::new();
    let mut tried = 0;
    for op in &model.operations {
        let mut cases: Vec<(&str, Request<Body>)> = Vec::new();
        if let Some(b) = op.body.as_ref().filter(|b| b.kind == BodyKind::Json) {
            cases.push((
                "malformed JSON",
                mistaken(op, &model, |_, body| *body = b"{\"items\": [".to_vec()).await,
            ));
            cases.push((
                "a JSON array for an object",
                mistaken(op, &model, |_, body| *body = b"[1, 2]".to_vec()).await,
            ));
            cases.push((
                "a JSON string",
                mistaken(op, &model, |_, body| *body = b"\"x\"".to_vec()).await,
            ));
            cases.push((
                "text/plain",
                mistaken(op, &model, |parts, _| {
                    parts.headers.insert(
                        "content-type",
                        "text/plain".parse().expect("a header value"),
                    );
                })
                .await,
            ));
            let has_required = matches!(&b.ty, TypeRef::Named(n) if matches!(&model.types[n].kind,
                TypeKind::Struct(s) if s.fields.iter().any(|f| f.repr == FieldRepr::Plain)));
            if has_required && b.required {
                cases.push((
                    "an empty object",
                    mistaken(op, &model, |_, body| *body = b"{}".to_vec()).await,
                ));
            }
        }
        if op
            .body
            .as_ref()
            .is_some_and(|b| b.kind == BodyKind::Multipart)
        {
            cases.push((
                "a multipart body without a boundary",
                mistaken(op, &model, |parts, _| {
                    parts.headers.insert(
                        "content-type",
                        "multipart/form-data".parse().expect("a header value"),
                    );
                })
                .await,
            ));
        }
        for p in op
            .params
            .iter()
            .filter(|p| p.required && p.location != ParamLocation::Path)
        {
            let name = p.name.clone();
            let location = p.location;
            cases.push((
                "a required parameter left out",
                mistaken(op, &model, move |parts, _| match location {
                    ParamLocation::Header => {
                        parts.headers.remove(name.as_str());
                    }
                    _ => {
                        let uri = parts.uri.to_string();
                        let (path, query) = uri.split_once('?').unwrap_or((&uri, ""));
                        let kept: Vec<&str> = query
                            .split('&')
                            .filter(|kv| !kv.starts_with(&format!("{name}=")))
                            .collect();
                        parts.uri = format!("{path}?{}", kept.join("&")).parse().expect("a uri");
                    }
                })
                .await,
            ));
        }
        if !op.security.is_empty() && !op.security.iter().any(Vec::is_empty) {
            cases.push((
                "no credentials",
                mistaken(op, &model, |parts, _| {
                    parts.headers.remove("authorization");
                    parts.headers.remove("x-api-key");
                })
                .await,
            ));
        }
        if op.params.iter().any(|p| p.location == ParamLocation::Path) {
            cases.push((
                "a path parameter that is not valid percent-encoding",
                mistaken(op, &model, |parts, _| {
                    // string samples are `sample`
                    let uri = parts.uri.to_string().replace("/sample", "/%FF%FE");
                    if let Ok(uri) = uri.parse() {
                        parts.uri = uri;
                    }
                })
                .await,
            ));
        }
        for (what, request) in cases {
            tried += 1;
            let answer = send(&router, request).await;
            let calls = backend.take();
            let status = answer.status.as_u16();
            if !(400..500).contains(&status) || answer.body["success"] != false || !calls.is_empty()
            {
                failures.push(format!(
                    "{} {} ({}), {what}: {status} {} -> reached {calls:?}",
                    op.method, op.path, op.id, answer.body
                ));
            }
        }
    }
    assert!(tried > 500, "only {tried} mistakes tried");
    assert!(
        failures.is_empty(),
        "{} of {tried} mistakes were not a 4xx envelope:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn operations_lists_every_operation_with_its_route() {
    let model = model();
    assert_eq!(storefront_server::OPERATIONS.len(), model.operations.len());
    for op in &model.operations {
        let route = format!("{}{}", storefront_server::BASE_PATH, op.path);
        let found = storefront_server::OperationInfo::find(
            storefront_server::OPERATIONS,
            &op.method,
            &route,
        );
        assert_eq!(
            found.map(|o| o.id),
            Some(op.id.as_str()),
            "{} {route}",
            op.method
        );
    }
}
