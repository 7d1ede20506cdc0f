//! The runtime on its own: a hand-written handler (as the generator writes them) takes requests
//! apart through `Incoming`, and answers what it found as JSON.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use server_runtime::{
    AuthError, AuthRequest, Backend, Config, Credentials, ErrorResponse, Errors, Form, Incoming,
    KeyLocation, Scheme, Verified,
};
use std::sync::Arc;
use tower::ServiceExt;

struct Keys;

impl Backend for Keys {
    type Principal = String;
    type Error = ErrorResponse;

    async fn verify_api_key(
        &self,
        key: &str,
        request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        Ok(format!("{}:{key}", request.scheme))
    }

    async fn verify_basic(
        &self,
        user: &str,
        password: &str,
        _request: &AuthRequest<'_>,
    ) -> Result<String, AuthError> {
        if password == "secret" {
            Ok(user.to_owned())
        } else {
            Err(AuthError::invalid("wrong password"))
        }
    }
}

const QUERY_KEY: Scheme = Scheme::ApiKey {
    name: "QueryKey",
    location: KeyLocation::Query,
    key: "api_key",
};
const COOKIE_KEY: Scheme = Scheme::ApiKey {
    name: "CookieKey",
    location: KeyLocation::Cookie,
    key: "session",
};
const BASIC: Scheme = Scheme::Basic { name: "Basic" };

#[derive(serde::Deserialize, serde::Serialize)]
struct Item {
    name: String,
    count: i32,
}

async fn params(
    State(shared): State<Arc<server_runtime::Shared<Keys>>>,
    request: Request,
) -> Response {
    let (incoming, body) = match Incoming::new(request, &shared.config, &["tenant"]).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    // optional credentials: a query key, a cookie, or nothing
    let ctx = match incoming
        .authenticate::<Keys, Option<Credentials<String>>>(
            &shared.backend,
            "params",
            &[&[QUERY_KEY], &[COOKIE_KEY], &[]],
        )
        .await
    {
        Ok(ctx) => ctx,
        Err(e) => return e.into_response(),
    };
    let mut errors = Errors::default();
    let id = incoming.path::<i64>("id", &mut errors);
    let tags = incoming.query_array_optional::<String>("tags", false, &mut errors);
    let ids = incoming.query_array_required::<u32>("ids", true, &mut errors);
    let trace = incoming.header_array_optional::<String>("x-trace", &mut errors);
    let lang = incoming.cookie_optional::<String>("lang", &mut errors);
    let item = match incoming.json::<Item>(body, false, &mut errors).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let (Some(id), Some(tags), Some(ids), Some(trace), Some(lang), Some(item)) =
        (id, tags, ids, trace, lang, item)
    else {
        return errors.into_response();
    };
    server_runtime::json(
        200,
        &json!({
            "id": id, "tags": tags, "ids": ids, "trace": trace, "lang": lang, "item": item,
            "principal": ctx.principal(), "tenant": ctx.server_variable("tenant"),
        }),
    )
}

async fn form(
    State(shared): State<Arc<server_runtime::Shared<Keys>>>,
    request: Request,
) -> Response {
    let (incoming, body) = match Incoming::new(request, &shared.config, &[]).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let ctx = match incoming
        .authenticate::<Keys, Verified<String>>(&shared.backend, "form", &[&[BASIC]])
        .await
    {
        Ok(ctx) => ctx,
        Err(e) => return e.into_response(),
    };
    let mut errors = Errors::default();
    match incoming.form::<Item>(body, true, &mut errors).await {
        Ok(Some(Some(item))) => server_runtime::json(
            200,
            &json!({"item": item, "user": ctx.principal(), "credential": ctx.auth.credential}),
        ),
        Ok(_) => errors.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn upload(
    State(shared): State<Arc<server_runtime::Shared<Keys>>>,
    request: Request,
) -> Response {
    let (incoming, body) = match Incoming::new(request, &shared.config, &[]).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let mut errors = Errors::default();
    let form: Form = match incoming.multipart(body, true, &mut errors).await {
        Ok(Some(Some(form))) => form,
        Ok(_) => return errors.into_response(),
        Err(e) => return e.into_response(),
    };
    let count = form.text_required::<i32>("count", &mut errors);
    let labels = form.text_array_optional::<String>("labels", &mut errors);
    let items = form.json_array_optional::<Item>("items", &mut errors);
    let meta = form.json_optional::<Value>("meta", &mut errors);
    let files = form.files_optional("files", &mut errors);
    let level = match form.text_optional::<i32>("level", &mut errors) {
        Some(Some(v)) => Some(v),
        Some(None) => server_runtime::default_value::<i32>("3", "level", &mut errors),
        None => None,
    };
    let (Some(count), Some(labels), Some(items), Some(meta), Some(files), Some(level)) =
        (count, labels, items, meta, files, level)
    else {
        return errors.into_response();
    };
    let files: Vec<Value> = files
        .unwrap_or_default()
        .into_iter()
        .map(|f| json!([f.file_name, f.content_type, f.bytes.len()]))
        .collect();
    server_runtime::json(
        201,
        &json!({"count": count, "labels": labels, "items": items, "meta": meta, "files": files, "level": level}),
    )
}

fn router() -> Router {
    let shared = Arc::new(server_runtime::Shared {
        backend: Arc::new(Keys),
        config: Config::default().with_multipart_limit(1024),
    });
    Router::new()
        .route("/t/{tenant}/things/{id}", post(params))
        .route("/form", post(form))
        .route("/upload", post(upload))
        .fallback(server_runtime::not_found)
        .method_not_allowed_fallback(server_runtime::method_not_allowed)
        .with_state(shared)
}

async fn call(request: http::Request<Body>) -> (u16, Value) {
    let response = router().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("readable")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn parameters_of_every_location() {
    let request = http::Request::post("/t/acme/things/7?tags=a,b&ids=1&ids=2&api_key=k")
        .header("x-trace", "one, two")
        .header("cookie", "lang=en; other=1")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name": "n", "count": 2}"#))
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "id": 7, "tags": ["a", "b"], "ids": [1, 2], "trace": ["one", "two"], "lang": "en",
            "item": {"name": "n", "count": 2}, "principal": "QueryKey:k", "tenant": "acme",
        })
    );
}

#[tokio::test]
async fn optional_credentials_and_bodies() {
    let request = http::Request::post("/t/acme/things/7?ids=1")
        .body(Body::empty())
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["principal"], Value::Null);
    assert_eq!(body["item"], Value::Null);
    let request = http::Request::post("/t/acme/things/7?ids=1")
        .header("cookie", "session=s")
        .body(Body::empty())
        .expect("valid");
    assert_eq!(call(request).await.1["principal"], "CookieKey:s");
}

#[tokio::test]
async fn every_problem_is_named() {
    let request = http::Request::post("/t/acme/things/x?ids=1&ids=minus&tags=")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name": 5}"#))
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "VALIDATION_ERROR");
    assert_eq!(body["success"], false);
    let errors = &body["errors"];
    assert_eq!(errors["id"], "expected an integer, got `x`");
    assert_eq!(
        errors["ids[1]"],
        "expected a non-negative integer, got `minus`"
    );
    assert!(errors["name"]
        .as_str()
        .unwrap_or_default()
        .starts_with("invalid type: integer `5`"));
    let request = http::Request::post("/t/acme/things/1")
        .body(Body::empty())
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"]["ids"], "is required");
    assert_eq!(body["message"], "invalid request: ids: is required");
}

#[tokio::test]
async fn basic_credentials_and_forms() {
    let request = http::Request::post("/form")
        .header("authorization", "Basic dXNlcjpzZWNyZXQ=")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=a+b&count=3"))
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"item": {"name": "a b", "count": 3}, "user": "user", "credential": "user"})
    );
    let request = http::Request::post("/form")
        .header("authorization", "Basic dXNlcjp3cm9uZw==")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=a"))
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(
        (status, body["message"].clone()),
        (401, json!("wrong password"))
    );
    let request = http::Request::post("/form")
        .header("authorization", "Basic dXNlcjpzZWNyZXQ=")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=a&count=many"))
        .expect("valid");
    let (status, body) = call(request).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"]["count"],
        "expected an integer (int32), got `many`"
    );
    let request = http::Request::post("/form")
        .header("authorization", "Basic dXNlcjpzZWNyZXQ=")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=a"))
        .expect("valid");
    assert_eq!(call(request).await.1["errors"]["count"], "is required");
}

fn multipart(parts: &[(&str, Option<&str>, &str)]) -> http::Request<Body> {
    let mut body = String::new();
    for (name, file, contents) in parts {
        body.push_str("--B\r\n");
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/plain\r\n\r\n"
            )),
            None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
        }
        body.push_str(contents);
        body.push_str("\r\n");
    }
    body.push_str("--B--\r\n");
    http::Request::post("/upload")
        .header("content-type", "multipart/form-data; boundary=B")
        .body(Body::from(body))
        .expect("valid")
}

#[tokio::test]
async fn multipart_fields_of_every_kind() {
    let (status, body) = call(multipart(&[
        ("count", None, "4"),
        ("labels", None, "x"),
        ("labels[]", None, "y"),
        ("items", None, r#"{"name": "a", "count": 1}"#),
        ("items", None, r#"{"name": "b", "count": 2}"#),
        ("meta", None, r#"{"k": [1]}"#),
        ("files", Some("a.txt"), "hello"),
        ("files", Some("b.txt"), "hi"),
    ]))
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({
            "count": 4, "labels": ["x", "y"],
            "items": [{"name": "a", "count": 1}, {"name": "b", "count": 2}],
            "meta": {"k": [1]}, "files": [["a.txt", "text/plain", 5], ["b.txt", "text/plain", 2]],
            "level": 3,
        })
    );
    let (status, body) = call(multipart(&[
        ("count", None, "four"),
        ("count", None, "4"),
        ("items", None, "{"),
    ]))
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"]["count"], "is given more than once");
    assert!(body["errors"]["items[0]"].is_string(), "{body}");
    let big = "x".repeat(2000);
    let (status, body) = call(multipart(&[("count", None, &big)])).await;
    assert_eq!(
        (status, body["code"].clone()),
        (413, json!("PAYLOAD_TOO_LARGE"))
    );
}

#[tokio::test]
async fn fallbacks_and_envelopes() {
    let (status, body) = call(
        http::Request::get("/nope")
            .body(Body::empty())
            .expect("valid"),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "no operation at GET /nope", "success": false, "code": "NOT_FOUND"})
    );
    let (status, body) = call(
        http::Request::get("/form")
            .body(Body::empty())
            .expect("valid"),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (405, json!("METHOD_NOT_ALLOWED"))
    );
    let e = ErrorResponse::new(9999, "X", "y").with_error("a", "b");
    assert_eq!(e.status_code(), http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(e.to_string(), "9999 X: y; a: b");
    assert_eq!(
        e.to_json(),
        json!({"message": "y", "success": false, "code": "X", "errors": {"a": "b"}})
    );
}
