//! Operations: each path + method of the spec as plain data, its inline schemas named after it.

use heck::ToUpperCamelCase;
use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    StatusCode,
};

use super::shape::SchemaRef;
use super::types::TypeBuilder;
use super::{Prim, TypeRef};
use crate::docs;
use crate::error::{Error, Result};
use crate::load::LoadedSpec;
use crate::names::{self, NameSet};
use crate::path::PathTemplate;
use crate::pointer;

/// One operation of the spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Operation {
    /// The `operationId`, or one made from method and path when the spec has none.
    pub id: String,
    /// `snake_case` function name.
    pub fn_name: String,
    /// `UpperCamelCase` name, the prefix of the operation's types.
    pub type_name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as in the spec (`/carts/{id}`).
    pub path: String,
    /// First tag, or `default`.
    pub tag: String,
    /// `summary`.
    pub summary: Option<String>,
    /// Doc text from `description`.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters: path-item parameters overridden by operation ones, in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Documented responses, in status order.
    pub responses: Vec<Response>,
    /// Security requirements: alternatives, each a list of scheme names (empty: none needed).
    pub security: Vec<Vec<String>>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// How its success body wraps the content, when the spec's options name an envelope
    /// and the body has one (filled by `envelope::mark`).
    pub envelope: Option<super::envelope::SuccessEnvelope>,
    /// How it pages, when it is a list (`[spec.options.pagination]`; filled by
    /// `pagination::mark`).
    pub list: Option<super::pagination::ListOperation>,
}

/// What an operation's `security` gives its implementation (the request context's `auth`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// No credentials needed.
    None,
    /// Exactly one scheme, always present: its verified credential.
    One(String),
    /// Alternatives or combinations of schemes, one of which is always met.
    Alternatives,
    /// One scheme or "none": its verified credential when sent.
    OptionalOne(String),
    /// Alternatives of which one is "none": credentials when sent.
    Optional,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// `snake_case` Rust name.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Required (path parameters always are).
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Doc text.
    pub doc: Option<String>,
    /// For arrays in the query: repeated keys (`explode: true`, the default) or one
    /// comma-separated value.
    pub explode: bool,
    /// What the schema states about valid values beyond the type.
    pub constraints: super::Constraints,
    /// For an object in the query (a struct or a map): how its properties are sent.
    pub object: Option<ObjectStyle>,
    /// For a path parameter: its name in the server's route, when the route was registered
    /// by an operation whose path names it otherwise (`/a/{id}` beside `/a/{key}`).
    pub route_name: Option<String>,
}

/// How an object query parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// Each property its own key: `?color=red&size=2` (`style: form`, `explode: true`, the
    /// default).
    Form,
    /// `?filter[color]=red&filter[size]=2` (`style: deepObject`).
    DeepObject,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Media type (`application/json`, `multipart/form-data`, ...).
    pub content_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Its type.
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Text of another media type (`text/*`, XML): a `String`, sent as it is.
    Text,
    /// Any other media type (an image, a PDF, `application/octet-stream`, `*/*`): bytes, sent
    /// as they are.
    Binary,
}

impl BodyKind {
    /// How a body of media type `content_type` is encoded.
    pub fn of(content_type: &str) -> BodyKind {
        let base = content_type
            .split(';')
            .next()
            .unwrap_or(content_type)
            .trim()
            .to_ascii_lowercase();
        if base == "application/json" || base.ends_with("+json") {
            BodyKind::Json
        } else if base == "multipart/form-data" {
            BodyKind::Multipart
        } else if base == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if base.starts_with("text/") || base == "application/xml" || base.ends_with("+xml") {
            BodyKind::Text
        } else {
            BodyKind::Binary
        }
    }

    /// JSON, multipart or form: a body with a schema of its own.
    pub fn is_structured(self) -> bool {
        matches!(self, BodyKind::Json | BodyKind::Multipart | BodyKind::Form)
    }
}

/// A documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status it answers.
    pub status: Status,
    /// Doc text.
    pub doc: Option<String>,
    /// Media type and type of the body, if it has one.
    pub body: Option<(String, TypeRef)>,
    /// How the body is encoded (JSON, text or binary).
    pub kind: BodyKind,
    /// Name of the shared response component it comes from, if any.
    pub component: Option<String>,
    /// An error whose body is the server runtime's error envelope (`message`, `success`,
    /// `code`, `errors`), when the spec's options name an envelope: the server answers it
    /// with the runtime's error, not a typed variant (filled by `envelope::mark`).
    pub envelope_error: bool,
    /// The headers it declares, in spec order (`Content-Type` left out: the content says it).
    pub headers: Vec<ResponseHeader>,
}

/// A header a response declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// Name on the wire.
    pub name: String,
    /// `snake_case` Rust name, unique in its response.
    pub rust_name: String,
    /// Its type (a primitive; anything else is sent as text).
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
}

/// A response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range: `4XX` is `Range(4)`.
    Range(u16),
    /// `default`.
    Default,
}

impl ParamLocation {
    /// The location as the spec writes it (`path`, `query`, `header`, `cookie`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

impl Status {
    /// The status as a key of the spec's `responses` (`200`, `4XX`, `default`).
    pub fn key(&self) -> String {
        match self {
            Status::Code(c) => c.to_string(),
            Status::Range(r) => format!("{r}XX"),
            Status::Default => "default".to_owned(),
        }
    }

    /// Whether the status is a success (2xx).
    pub fn is_success(&self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(c),
            Status::Range(r) => *r == 2,
            Status::Default => false,
        }
    }

    /// `UpperCamelCase` name of the status, for enum variants (`404` -> `NotFound`).
    pub fn variant_name(&self) -> String {
        let known = match self {
            Status::Code(c) => match c {
                200 => "Ok",
                201 => "Created",
                202 => "Accepted",
                204 => "NoContent",
                301 => "MovedPermanently",
                302 => "Found",
                304 => "NotModified",
                400 => "BadRequest",
                401 => "Unauthorized",
                402 => "PaymentRequired",
                403 => "Forbidden",
                404 => "NotFound",
                405 => "MethodNotAllowed",
                406 => "NotAcceptable",
                409 => "Conflict",
                410 => "Gone",
                412 => "PreconditionFailed",
                413 => "PayloadTooLarge",
                415 => "UnsupportedMediaType",
                422 => "UnprocessableEntity",
                429 => "TooManyRequests",
                500 => "InternalServerError",
                501 => "NotImplemented",
                502 => "BadGateway",
                503 => "ServiceUnavailable",
                504 => "GatewayTimeout",
                _ => return format!("Status{c}"),
            },
            Status::Range(r) => return format!("Status{r}xx"),
            Status::Default => "Default",
        };
        known.to_owned()
    }
}

impl Operation {
    /// The response of a successful call: the first documented 2xx response.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }

    /// How the operation's credentials reach its implementation, from its `security`.
    pub fn auth(&self) -> AuthKind {
        let alternatives: Vec<&Vec<String>> = self.security.iter().collect();
        let optional = alternatives.iter().any(|a| a.is_empty());
        match alternatives.as_slice() {
            [] => AuthKind::None,
            _ if alternatives.iter().all(|a| a.is_empty()) => AuthKind::None,
            [only] if only.len() == 1 => AuthKind::One(only[0].clone()),
            _ if optional => {
                let given: Vec<&Vec<String>> =
                    alternatives.into_iter().filter(|a| !a.is_empty()).collect();
                match given.as_slice() {
                    [only] if only.len() == 1 => AuthKind::OptionalOne(only[0].clone()),
                    _ => AuthKind::Optional,
                }
            }
            _ => AuthKind::Alternatives,
        }
    }

    /// The documented responses other than [`Operation::success`], in status order.
    pub fn errors(&self) -> impl Iterator<Item = &Response> {
        let success = self.success().map(|r| r.status);
        self.responses
            .iter()
            .filter(move |r| Some(r.status) != success)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Builds every operation of the spec, defining the types of inline schemas on the way.
pub fn build<'a>(spec: &'a LoadedSpec, types: &mut TypeBuilder<'a>) -> Result<Vec<Operation>> {
    let mut operations = Vec::new();
    let mut ids = NameSet::default();
    let mut fn_names = NameSet::default();
    for (path, item) in spec.openapi.paths.paths.iter() {
        let path_at = pointer::join("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(Error::unsupported(
                    &path_at,
                    "$ref of a path item (bundle it in place)",
                ))
            }
        };
        let ops = [
            &item.get,
            &item.put,
            &item.post,
            &item.delete,
            &item.options,
            &item.head,
            &item.patch,
            &item.trace,
        ];
        for (method, op) in METHODS.iter().zip(ops) {
            let Some(op) = op else { continue };
            let at = pointer::join(&path_at, method);
            let id = match &op.operation_id {
                Some(id) => id.clone(),
                None => synthesized_id(method, path),
            };
            if ids.contains(&id) {
                return Err(Error::invalid(&at, format!("duplicate operationId `{id}`")));
            }
            ids.take(&id);
            let fn_name = fn_names.take(&names::field_name(&id));
            let type_name = names::type_name(&id).trim_end_matches('_').to_owned();
            let mut params = Vec::new();
            let mut seen = Vec::new();
            // operation parameters override path-item ones with the same name and location
            let op_params: Vec<(&ReferenceOr<Parameter>, String)> = op
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p,
                        pointer::join(&pointer::join(&at, "parameters"), &i.to_string()),
                    )
                })
                .collect();
            let item_params: Vec<(&ReferenceOr<Parameter>, String)> = item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p,
                        pointer::join(&pointer::join(&path_at, "parameters"), &i.to_string()),
                    )
                })
                .collect();
            // `body` is the client builder's field of the request body
            let mut param_names = NameSet::with_taken(["body"]);
            for (p, p_at) in op_params.into_iter().chain(item_params) {
                let (location, data, deep_object) = resolve_parameter(spec, p, &p_at)?;
                if seen.contains(&(data.name.clone(), location)) {
                    continue;
                }
                seen.push((data.name.clone(), location));
                params.push(param(
                    types,
                    &type_name,
                    &mut param_names,
                    (location, deep_object),
                    data,
                    &p_at,
                )?);
            }
            check_path_params(path, &params, &at)?;
            let body = match &op.request_body {
                None => None,
                Some(rb) => body(
                    spec,
                    types,
                    &type_name,
                    rb,
                    &pointer::join(&at, "requestBody"),
                )?,
            };
            let mut responses = Vec::new();
            let responses_at = pointer::join(&at, "responses");
            if let Some(default) = &op.responses.default {
                responses.push(response(
                    spec,
                    types,
                    &type_name,
                    Status::Default,
                    default,
                    &pointer::join(&responses_at, "default"),
                )?);
            }
            for (status, r) in op.responses.responses.iter() {
                let status = match status {
                    StatusCode::Code(c) => Status::Code(*c),
                    StatusCode::Range(r) => Status::Range(*r),
                };
                let key = status.key();
                responses.push(response(
                    spec,
                    types,
                    &type_name,
                    status,
                    r,
                    &pointer::join(&responses_at, &key),
                )?);
            }
            responses.sort_by_key(|r| r.status);
            let security: Vec<Vec<String>> = op
                .security
                .as_ref()
                .or(spec.openapi.security.as_ref())
                .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
                .unwrap_or_default();
            check_security(spec, &security, &at)?;
            operations.push(Operation {
                id,
                fn_name,
                type_name,
                method: method.to_uppercase(),
                path: path.clone(),
                tag: op
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| super::tags::UNTAGGED.to_owned()),
                summary: op.summary.clone(),
                doc: docs::paragraphs([op.description.as_deref()]),
                deprecated: op.deprecated,
                params,
                body,
                responses,
                security,
                pointer: at,
                envelope: None,
                list: None,
            });
        }
    }
    Ok(operations)
}

/// `get /carts/{id}/items` -> `get-carts-by-id-items`.
fn synthesized_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for (seg, param) in PathTemplate(path).segments() {
        match param {
            Some(param) => parts.push(format!("by-{param}")),
            None => parts.push(seg.to_owned()),
        }
    }
    parts.join("-")
}

/// The component a local `$ref` names (`#/components/<kind>/<name>`, in `components`), with
/// its name; `Error::UnresolvedRef` at `at` when there is none.
fn component<'a, T>(
    components: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    kind: &str,
    reference: &str,
    at: &str,
) -> Result<(&'a ReferenceOr<T>, String)> {
    let name = reference
        .strip_prefix("#/components/")
        .and_then(|r| r.strip_prefix(kind))
        .and_then(|r| r.strip_prefix('/'))
        .map(pointer::unescape);
    name.and_then(|name| components?.get(&name).map(|found| (found, name)))
        .ok_or_else(|| Error::UnresolvedRef {
            pointer: at.to_owned(),
            reference: reference.to_owned(),
        })
}

/// The item a reference or item stands for (one level of `$ref`; a reference to a reference
/// is unresolved), with its JSON pointer and its component name when it is a reference.
fn item<'a, T>(
    r: &'a ReferenceOr<T>,
    components: impl FnOnce(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    spec: &'a LoadedSpec,
    kind: &str,
    at: &str,
) -> Result<(&'a T, String, Option<String>)> {
    match r {
        ReferenceOr::Item(item) => Ok((item, at.to_owned(), None)),
        ReferenceOr::Reference { reference } => {
            match component(
                spec.openapi.components.as_ref().map(components),
                kind,
                reference,
                at,
            )? {
                (ReferenceOr::Item(item), name) => Ok((
                    item,
                    pointer::join(&format!("#/components/{kind}"), &name),
                    Some(name),
                )),
                (ReferenceOr::Reference { .. }, _) => Err(Error::UnresolvedRef {
                    pointer: at.to_owned(),
                    reference: reference.clone(),
                }),
            }
        }
    }
}

fn resolve_parameter<'a>(
    spec: &'a LoadedSpec,
    p: &'a ReferenceOr<Parameter>,
    at: &str,
) -> Result<(ParamLocation, &'a ParameterData, bool)> {
    let parameter = match p {
        ReferenceOr::Item(p) => p,
        ReferenceOr::Reference { reference } => {
            let components = spec.openapi.components.as_ref().map(|c| &c.parameters);
            match component(components, "parameters", reference, at)?.0 {
                ReferenceOr::Item(p) => p,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::unsupported(
                        at,
                        "a parameter component that is itself a $ref",
                    ))
                }
            }
        }
    };
    Ok(match parameter {
        Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data, false),
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => (
            ParamLocation::Query,
            parameter_data,
            *style == openapiv3::QueryStyle::DeepObject,
        ),
        Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data, false),
        Parameter::Cookie { parameter_data, .. } => (ParamLocation::Cookie, parameter_data, false),
    })
}

fn param<'a>(
    types: &mut TypeBuilder<'a>,
    op_type: &str,
    names_taken: &mut NameSet,
    (location, deep_object): (ParamLocation, bool),
    data: &'a ParameterData,
    at: &str,
) -> Result<Param> {
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(s) => SchemaRef::of(s),
        ParameterSchemaOrContent::Content(_) => {
            return Err(Error::unsupported(
                at,
                "parameter with `content` (use `schema`)",
            ))
        }
    };
    let hint = format!("{op_type}{}", data.name.to_upper_camel_case());
    let ty = match types
        .convert(schema, &hint, &pointer::join(at, "schema"))?
        .ty
    {
        // a parameter's text has no null: `nullable` items are read as plain items
        TypeRef::Vec(inner) => match *inner {
            TypeRef::Nullable(item) => TypeRef::Vec(item),
            item => TypeRef::Vec(Box::new(item)),
        },
        ty => ty,
    };
    match (&ty, location) {
        (TypeRef::Vec(inner), _) if !matches!(**inner, TypeRef::Prim(_) | TypeRef::Named(_)) => {
            return Err(Error::unsupported(
                at,
                "array parameter of arrays or objects",
            ))
        }
        _ => {}
    }
    let explode = data.explode.unwrap_or(true);
    let is_object = match &ty {
        TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => true,
        TypeRef::Named(n) => types.is_struct(n),
        _ => false,
    };
    let object =
        match (is_object, location) {
            (false, _) => None,
            (true, ParamLocation::Query) if deep_object => Some(ObjectStyle::DeepObject),
            (true, ParamLocation::Query) if explode => Some(ObjectStyle::Form),
            (true, _) => return Err(Error::unsupported(
                at,
                "an object parameter other than in the query as `deepObject` or exploded `form` \
                 (its properties have no agreed text form)",
            )),
        };
    let mut constraints = super::shape::constraints(schema);
    if let Some(w) =
        super::analysis::pattern_warning(&mut constraints, &pointer::join(at, "schema"))
    {
        types.warn(w);
    }
    Ok(Param {
        route_name: None,
        object,
        name: data.name.clone(),
        rust_name: names_taken.take(&names::field_name(&data.name)),
        location,
        required: data.required || location == ParamLocation::Path,
        ty,
        doc: docs::paragraphs([data.description.as_deref()]),
        explode,
        constraints,
    })
}

fn check_path_params(path: &str, params: &[Param], at: &str) -> Result<()> {
    let template = PathTemplate(path);
    for name in template.params() {
        if !params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.name == name)
        {
            return Err(Error::invalid(
                at,
                format!("path parameter `{name}` is not declared"),
            ));
        }
    }
    if !template.is_closed() {
        return Err(Error::invalid(at, "unclosed `{` in path"));
    }
    for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
        if template.position(&p.name).is_none() {
            return Err(Error::invalid(
                at,
                format!("path parameter `{}` is not in the path", p.name),
            ));
        }
    }
    Ok(())
}

fn check_security(spec: &LoadedSpec, security: &[Vec<String>], at: &str) -> Result<()> {
    let schemes = spec
        .openapi
        .components
        .as_ref()
        .map(|c| &c.security_schemes);
    for name in security.iter().flatten() {
        if !schemes.is_some_and(|s| s.contains_key(name)) {
            return Err(Error::invalid(
                at,
                format!("security scheme `{name}` is not defined"),
            ));
        }
    }
    Ok(())
}

fn body<'a>(
    spec: &'a LoadedSpec,
    types: &mut TypeBuilder<'a>,
    op_type: &str,
    rb: &'a ReferenceOr<RequestBody>,
    at: &str,
) -> Result<Option<Body>> {
    let (rb, at, _) = item(rb, |c| &c.request_bodies, spec, "requestBodies", at)?;
    let Some((content_type, media, kind)) = pick_media(&rb.content) else {
        return Ok(None);
    };
    let media_at = pointer::join(&pointer::join(&at, "content"), content_type);
    if !kind.is_structured() {
        return Ok(Some(Body {
            content_type: concrete_media_type(content_type),
            kind,
            ty: raw_type(kind),
            required: rb.required,
            doc: docs::paragraphs([rb.description.as_deref()]),
        }));
    }
    let Some(schema) = &media.schema else {
        return Err(Error::unsupported(
            &media_at,
            "request body without a schema",
        ));
    };
    let ty = types
        .convert(
            SchemaRef::of(schema),
            &format!("{op_type}Body"),
            &pointer::join(&media_at, "schema"),
        )?
        .ty;
    if kind == BodyKind::Multipart && !matches!(ty, TypeRef::Named(_)) {
        return Err(Error::unsupported(
            &media_at,
            "multipart body that is not an object",
        ));
    }
    if kind == BodyKind::Json {
        collect_examples(types, media, &ty, &media_at);
    }
    Ok(Some(Body {
        content_type: content_type.to_owned(),
        kind,
        ty,
        required: rb.required,
        doc: docs::paragraphs([rb.description.as_deref()]),
    }))
}

/// The type of a raw body: text or bytes.
fn raw_type(kind: BodyKind) -> TypeRef {
    match kind {
        BodyKind::Text => TypeRef::Prim(Prim::String),
        _ => TypeRef::Bytes,
    }
}

fn collect_examples<'a>(types: &mut TypeBuilder<'a>, media: &MediaType, ty: &TypeRef, at: &str) {
    if let Some(example) = &media.example {
        types.add_example(pointer::join(at, "example"), ty.clone(), example.clone());
    }
    for (name, example) in media.examples.iter() {
        if let ReferenceOr::Item(e) = example {
            if let Some(value) = &e.value {
                let example_at = pointer::join(&pointer::join(at, "examples"), name);
                types.add_example(
                    pointer::join(&example_at, "value"),
                    ty.clone(),
                    value.clone(),
                );
            }
        }
    }
}

/// The media type the generated code uses: JSON first, then multipart, form, text, and any
/// other (bytes). A wildcard media type (`*/*`, `image/*`) is sent as
/// `application/octet-stream` or `image/*`'s own kind as the spec gives it.
fn pick_media(
    content: &indexmap::IndexMap<String, MediaType>,
) -> Option<(&str, &MediaType, BodyKind)> {
    let order = [
        BodyKind::Json,
        BodyKind::Multipart,
        BodyKind::Form,
        BodyKind::Text,
        BodyKind::Binary,
    ];
    order.into_iter().find_map(|wanted| {
        content
            .iter()
            .find(|(ct, _)| BodyKind::of(ct) == wanted)
            .map(|(ct, media)| (ct.as_str(), media, wanted))
    })
}

/// The media type a raw body is sent with: the spec's, but `application/octet-stream` for one
/// with a wildcard (or that cannot be a header value).
fn concrete_media_type(content_type: &str) -> String {
    // a header value must be visible ASCII
    let valid = content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
    if content_type.contains('*') || !valid {
        "application/octet-stream".to_owned()
    } else {
        content_type.to_owned()
    }
}

fn response<'a>(
    spec: &'a LoadedSpec,
    types: &mut TypeBuilder<'a>,
    op_type: &str,
    status: Status,
    r: &'a ReferenceOr<openapiv3::Response>,
    at: &str,
) -> Result<Response> {
    let (r, at, component) = item(r, |c| &c.responses, spec, "responses", at)?;
    let hint = match (&component, status) {
        (Some(name), _) => format!(
            "{}Response",
            names::type_name(name).trim_end_matches("Response")
        ),
        (None, Status::Code(200)) => format!("{op_type}Response"),
        (None, Status::Code(c)) => format!("{op_type}Response{c}"),
        (None, Status::Range(r)) => format!("{op_type}Response{r}xx"),
        (None, Status::Default) => format!("{op_type}DefaultResponse"),
    };
    let picked = pick_media(&r.content);
    let kind = picked.map_or(BodyKind::Json, |(_, _, kind)| kind);
    let body = match picked {
        None => None,
        Some((ct, _, kind)) if !kind.is_structured() => {
            Some((concrete_media_type(ct), raw_type(kind)))
        }
        Some((ct, media, kind)) => {
            let media_at = pointer::join(&pointer::join(&at, "content"), ct);
            if kind != BodyKind::Json {
                return Err(Error::unsupported(
                    &media_at,
                    "a response body that is a form (multipart or urlencoded)",
                ));
            }
            match &media.schema {
                None => None,
                Some(schema) => {
                    let ty = types
                        .convert(
                            SchemaRef::of(schema),
                            &hint,
                            &pointer::join(&media_at, "schema"),
                        )?
                        .ty;
                    collect_examples(types, media, &ty, &media_at);
                    Some((ct.to_owned(), ty))
                }
            }
        }
    };
    Ok(Response {
        status,
        doc: docs::paragraphs([Some(r.description.as_str())]),
        body,
        kind,
        component,
        envelope_error: false,
        headers: headers(spec, types, r, &at)?,
    })
}

/// The headers of a response, but `Content-Type`.
fn headers<'a>(
    spec: &'a LoadedSpec,
    types: &TypeBuilder<'a>,
    r: &'a openapiv3::Response,
    at: &str,
) -> Result<Vec<ResponseHeader>> {
    let mut names = NameSet::default();
    let mut out = Vec::new();
    for (name, header) in &r.headers {
        // `Content-Type` is described by the content, not sent from a field
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let header_at = pointer::join(&pointer::join(at, "headers"), name);
        let (header, header_at, _) = item(header, |c| &c.headers, spec, "headers", &header_at)?;
        let ty = match &header.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => prim_of(schema),
            ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
                prim_of(types.resolve_ref(reference, &pointer::join(&header_at, "schema"))?)
            }
            ParameterSchemaOrContent::Content(_) => TypeRef::Prim(Prim::String),
        };
        out.push(ResponseHeader {
            name: name.clone(),
            rust_name: names.take(&names::field_name(name)),
            ty,
            required: header.required,
            doc: docs::paragraphs([header.description.as_deref()]),
        });
    }
    Ok(out)
}

/// The primitive a header schema describes; text for anything else.
fn prim_of(schema: &openapiv3::Schema) -> TypeRef {
    use openapiv3::{IntegerFormat, NumberFormat, SchemaKind, Type, VariantOrUnknownOrEmpty};
    let prim = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i))
            if i.format == VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) =>
        {
            Prim::I32
        }
        SchemaKind::Type(Type::Integer(_)) => Prim::I64,
        SchemaKind::Type(Type::Number(n))
            if n.format == VariantOrUnknownOrEmpty::Item(NumberFormat::Float) =>
        {
            Prim::F32
        }
        SchemaKind::Type(Type::Number(_)) => Prim::F64,
        SchemaKind::Type(Type::Boolean(_)) => Prim::Bool,
        _ => Prim::String,
    };
    TypeRef::Prim(prim)
}

#[cfg(test)]
mod tests {
    use super::AuthKind;
    use crate::config::Options;
    use crate::model::Model;

    #[test]
    fn each_security_shape_gives_its_auth_kind() {
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
security: [{Bearer: []}]
paths:
  /a: {get: {operationId: one, responses: {"204": {description: ok}}}}
  /b: {get: {operationId: none, security: [], responses: {"204": {description: ok}}}}
  /c: {get: {operationId: either, security: [{Bearer: []}, {Key: []}], responses: {"204": {description: ok}}}}
  /d: {get: {operationId: both, security: [{Bearer: [], Key: []}], responses: {"204": {description: ok}}}}
  /e: {get: {operationId: maybe-one, security: [{Bearer: []}, {}], responses: {"204": {description: ok}}}}
  /f: {get: {operationId: maybe-either, security: [{Bearer: []}, {Key: []}, {}], responses: {"204": {description: ok}}}}
components:
  securitySchemes:
    Bearer: {type: http, scheme: bearer}
    Key: {type: apiKey, in: header, name: X-Key}
"#;
        let loaded = crate::load::parse_str(spec, std::path::Path::new("t.yaml")).expect("spec");
        let model = Model::build(&loaded, &Options::default()).expect("model");
        let kinds: Vec<AuthKind> = model.operations.iter().map(|o| o.auth()).collect();
        assert_eq!(
            kinds,
            [
                AuthKind::One("Bearer".into()),
                AuthKind::None,
                AuthKind::Alternatives,
                AuthKind::Alternatives,
                AuthKind::OptionalOne("Bearer".into()),
                AuthKind::Optional,
            ]
        );
    }

    #[test]
    fn operations_and_parameters_get_rust_names_that_cannot_collide() {
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items/{type}:
    post:
      operationId: create-item
      parameters:
        - {name: type, in: path, required: true, schema: {type: string}}
        - {name: body, in: query, schema: {type: string}}
        - {name: page-size, in: query, schema: {type: integer}}
        - {name: pageSize, in: header, schema: {type: integer}}
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"204": {description: ok}}
  /things:
    get: {responses: {"204": {description: ok}}}
"#;
        let loaded = crate::load::parse_str(spec, std::path::Path::new("t.yaml")).expect("spec");
        let model = Model::build(&loaded, &Options::default()).expect("model");
        let create = &model.operations[0];
        assert_eq!(
            (create.fn_name.as_str(), create.type_name.as_str()),
            ("create_item", "CreateItem")
        );
        let names: Vec<&str> = create.params.iter().map(|p| p.rust_name.as_str()).collect();
        // a keyword gets a `_`; `body` stays free for the body; two wire names that meet in
        // snake case get distinct Rust names
        assert_eq!(names, ["type_", "body_2", "page_size", "page_size_2"]);
        // no operationId: named after the method and path
        assert_eq!(model.operations[1].fn_name, "get_things");
    }
}
