//! The API's JSON envelope (`[spec.options.envelope]`): which success bodies wrap their
//! content in it, and which error bodies are the server runtime's error envelope. The server
//! emitter turns these into reply constructors (`GetCartReply::ok(content)`,
//! `::not_found(message)`).

use std::collections::BTreeMap;

use super::{Field, FieldRepr, Operation, Prim, TypeDef, TypeKind, TypeRef};
use crate::config::Envelope;

/// How an operation's success body wraps its content.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessEnvelope {
    /// The body's type.
    pub body: String,
    /// Rust name of the message field, and whether it is an `Option`.
    pub message: (String, bool),
    /// Rust name of the success flag, and whether it is an `Option`.
    pub success: (String, bool),
    /// The content field, when the body has one.
    pub content: Option<EnvelopeContent>,
    /// Other fields, all optional (`None` in the constructor).
    pub others: Vec<String>,
    /// The message of the `ok` constructor.
    pub ok_message: String,
    /// The body is `#[non_exhaustive]`: built with `new()`, which takes these fields (Rust
    /// names, in order), then the rest set one by one; `None`: built with a struct literal.
    pub constructor: Option<Vec<String>>,
}

/// The content field of a success envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeContent {
    /// Its Rust name.
    pub field: String,
    /// Its type (the constructor's argument).
    pub ty: TypeRef,
    /// How the field holds it (`Option` wrappers to add).
    pub repr: FieldRepr,
    /// Whether the field is boxed (a recursive type).
    pub boxed: bool,
}

/// Marks the success envelopes and error envelopes of `operations`.
pub fn mark(operations: &mut [Operation], types: &BTreeMap<String, TypeDef>, envelope: &Envelope) {
    for op in operations.iter_mut() {
        let success = op.success().map(|r| r.status);
        for r in op.responses.iter_mut() {
            let is_success = Some(r.status) == success;
            match &r.body {
                Some((_, ty)) if is_success => {
                    op.envelope = success_envelope(ty, types, envelope);
                }
                Some((_, ty)) => r.envelope_error = is_error_envelope(ty, types),
                // a documented error without a body is answered in the envelope too: one
                // shape for every error (a client that ignores the body loses nothing)
                None if !is_success => {
                    r.envelope_error = matches!(r.status, super::Status::Code(400..=599));
                }
                None => {}
            }
        }
    }
}

fn struct_fields<'a>(ty: &TypeRef, types: &'a BTreeMap<String, TypeDef>) -> Option<&'a [Field]> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    match &types.get(name)?.kind {
        TypeKind::Struct(s) if s.extra.is_none() && s.flattened.is_empty() => Some(&s.fields),
        _ => None,
    }
}

fn optional(f: &Field) -> bool {
    !matches!(f.repr, FieldRepr::Plain)
}

/// The envelope of a success body of type `ty`: a struct with the message and success fields
/// (a string and a boolean), maybe the content field, and nothing else that is required.
fn success_envelope(
    ty: &TypeRef,
    types: &BTreeMap<String, TypeDef>,
    envelope: &Envelope,
) -> Option<SuccessEnvelope> {
    let fields = struct_fields(ty, types)?;
    let non_exhaustive =
        matches!(&types.get(ty.named()?)?.kind, TypeKind::Struct(s) if s.non_exhaustive);
    let find = |json: &str| fields.iter().find(|f| f.json_name == json);
    let message = find(&envelope.message)?;
    let success = find(&envelope.success)?;
    if message.ty != TypeRef::Prim(Prim::String) || success.ty != TypeRef::Prim(Prim::Bool) {
        return None;
    }
    let content = find(&envelope.content);
    let mut others = Vec::new();
    for f in fields {
        let known = [&envelope.message, &envelope.success, &envelope.content];
        if known.contains(&&f.json_name) {
            continue;
        }
        if !optional(f) || f.repr == FieldRepr::Defaulted {
            return None;
        }
        others.push(f.name.clone());
    }
    Some(SuccessEnvelope {
        body: ty.named()?.to_owned(),
        message: (message.name.clone(), optional(message)),
        success: (success.name.clone(), optional(success)),
        content: content.map(|f| EnvelopeContent {
            field: f.name.clone(),
            ty: f.ty.clone(),
            repr: f.repr,
            boxed: f.boxed,
        }),
        others,
        ok_message: envelope.ok_message.clone(),
        constructor: non_exhaustive.then(|| {
            fields
                .iter()
                .filter(|f| f.is_constructor_argument(types))
                .map(|f| f.name.clone())
                .collect()
        }),
    })
}

/// Whether an error body of type `ty` is the runtime's error envelope: a struct whose fields
/// are among `message` (string), `success` (boolean), `code` (string) and `errors` (an
/// object), with `message` present.
fn is_error_envelope(ty: &TypeRef, types: &BTreeMap<String, TypeDef>) -> bool {
    let Some(fields) = struct_fields(ty, types) else {
        return false;
    };
    let has_message = fields.iter().any(|f| f.json_name == "message");
    has_message
        && fields.iter().all(|f| match f.json_name.as_str() {
            "message" | "code" => f.ty == TypeRef::Prim(Prim::String),
            "success" => f.ty == TypeRef::Prim(Prim::Bool),
            "errors" => matches!(f.ty, TypeRef::JsonObject | TypeRef::Map(_)) && optional(f),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::config::{Envelope, Options};
    use crate::model::{FieldRepr, Model, TypeRef};

    fn model(yaml: &str) -> Model {
        let spec = crate::load::parse_str(yaml, std::path::Path::new("t.yaml")).expect("spec");
        let options = Options {
            envelope: Some(Envelope {
                message: "message".into(),
                success: "success".into(),
                content: "content".into(),
                ok_message: "OK".into(),
            }),
            ..Options::default()
        };
        Model::build(&spec, &options).expect("model")
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: get-thing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [message, success, content]
                properties:
                  message: {type: string}
                  success: {type: boolean}
                  content: {type: object, properties: {name: {type: string}}}
        "404":
          description: missing
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
        "410":
          description: no body
        "409":
          description: other shape
          content:
            application/json:
              schema: {type: object, properties: {reason: {type: string}}}
    delete:
      operationId: delete-thing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [message, success, id]
                properties:
                  message: {type: string}
                  success: {type: boolean}
                  id: {type: string}
components:
  schemas:
    Error:
      type: object
      required: [message, success, code]
      properties:
        message: {type: string}
        success: {type: boolean}
        code: {type: string}
        errors: {type: object}
"##;

    #[test]
    fn a_body_with_message_success_and_content_is_an_envelope() {
        let m = model(SPEC);
        let get = &m.operations[0];
        let env = get.envelope.as_ref().expect("envelope");
        assert_eq!(env.body, "GetThingResponse");
        assert_eq!(env.message, ("message".to_owned(), false));
        let content = env.content.as_ref().expect("content");
        assert_eq!(content.ty, TypeRef::Named("GetThingResponseContent".into()));
        assert_eq!(content.repr, FieldRepr::Plain);
    }

    #[test]
    fn error_bodies_of_the_runtime_shape_are_error_envelopes_and_others_are_not() {
        let m = model(SPEC);
        let get = &m.operations[0];
        let flags: Vec<(String, bool)> = get
            .errors()
            .map(|r| (r.status.key(), r.envelope_error))
            .collect();
        let want = [("404", true), ("409", false), ("410", true)].map(|(k, v)| (k.to_owned(), v));
        assert_eq!(flags, want);
    }

    #[test]
    fn a_required_field_besides_the_envelope_means_no_constructor() {
        let m = model(SPEC);
        assert_eq!(m.operations[1].envelope, None);
    }

    #[test]
    fn without_the_option_nothing_is_marked() {
        let spec = crate::load::parse_str(SPEC, std::path::Path::new("t.yaml")).expect("spec");
        let m = Model::build(&spec, &Options::default()).expect("model");
        assert!(m.operations.iter().all(|o| o.envelope.is_none()));
        assert!(m
            .operations
            .iter()
            .flat_map(|o| &o.responses)
            .all(|r| !r.envelope_error));
    }
}
