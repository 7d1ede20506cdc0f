//! The intermediate model: plain data describing the types and operations of a spec, decided
//! before any code is written. Emitters read only this model, never the spec.

mod aliases;
mod analysis;
pub mod envelope;
pub mod multipart;
mod operations;
pub mod pagination;
pub mod server;
mod server_names;
mod shape;
pub mod tags;
mod types;

use std::collections::BTreeMap;

pub use analysis::children;
pub use operations::{
    AuthKind, Body, BodyKind, ObjectStyle, Operation, Param, ParamLocation, Response,
    ResponseHeader, Status,
};
pub use shape::constraints;

use crate::config::Options;
use crate::error::Result;
use crate::load::LoadedSpec;

/// Everything the emitters need to know about a spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// What the spec gets wrong whose intent is clear, sorted by pointer (see [`Warning`](crate::Warning)).
    pub warnings: Vec<crate::error::Warning>,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub api_version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Every named type, by Rust name (this is also the output order).
    pub types: BTreeMap<String, TypeDef>,
    /// Every operation, in spec order (paths in document order, methods in
    /// `get, put, post, delete, options, head, patch, trace` order).
    pub operations: Vec<Operation>,
    /// JSON examples found in the spec, with the type they must parse as.
    pub examples: Vec<Example>,
    /// Which optional crates the generated types use.
    pub uses: Uses,
    /// `servers`, in spec order.
    pub servers: Vec<Server>,
    /// `components.securitySchemes`, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Multipart body types, once each in order of first use, with how each field is sent.
    pub multipart: Vec<multipart::MultipartBody>,
    /// Tags in order of first appearance: module, client group and server trait names.
    pub tags: Vec<tags::Tag>,
    /// Base path, routes and names, for the server.
    pub server: server::ServerModel,
}

/// A server of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// URL template (`https://{region}.example.com/api/v1/{store_id}`).
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// The template's variables, in spec order.
    pub variables: Vec<ServerVariable>,
    /// Rust name (a variant of the client's `Server` enum): a one-word description, else the
    /// host's first label, `Local` for loopback, else `Server<n>`.
    pub rust_name: String,
}

/// A variable of a server URL template.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// Name in the template.
    pub name: String,
    /// `default`.
    pub default: String,
    /// `enum`: the allowed values (empty: any).
    pub values: Vec<String>,
    /// `description`.
    pub description: Option<String>,
    /// `snake_case` Rust name.
    pub rust_name: String,
}

/// A security scheme of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Name under `components.securitySchemes`, as operations' `security` uses it.
    pub name: String,
    /// What the scheme sends.
    pub kind: SecuritySchemeKind,
    /// `description`.
    pub description: Option<String>,
}

/// What a security scheme sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecuritySchemeKind {
    /// `Authorization: Bearer <token>` (`type: http, scheme: bearer`).
    Bearer,
    /// `Authorization: Basic ...` (`type: http, scheme: basic`).
    Basic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it goes.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// OAuth 2 or OpenID Connect: a bearer token obtained elsewhere.
    OAuth2,
}

/// Optional crates that generated types need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uses {
    /// `chrono` (date-time, date).
    pub chrono: bool,
    /// `uuid`.
    pub uuid: bool,
    /// `serde_with` (optional nullable fields of request types).
    pub serde_with: bool,
    /// `Cargo.toml` lines of the crates that type overrides use, sorted, once each.
    pub dependencies: Vec<String>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Doc text (already sanitized for rustdoc).
    pub doc: Option<String>,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// What it is.
    pub kind: TypeKind,
    /// How operations use it (filled in by the analysis).
    pub usage: Usage,
}

/// How operations use a type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Sent to the server (in a request body or parameter).
    pub input: bool,
    /// Received from the server (in a response).
    pub output: bool,
    /// Part of a `multipart/form-data` body: built field by field, never serialized as JSON.
    pub multipart: bool,
    /// Reachable from a request (parameter or body) and holding something a server checks
    /// beyond serde: a string enum, a discriminated union, or a field with a [`Check`]
    /// (filled in by the analysis; the server emits an `impl Validate` for it).
    pub validate: bool,
}

/// The kinds of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with named fields.
    Struct(StructDef),
    /// A string enum; unknown values parse into an `Unknown(String)` variant.
    StringEnum(Vec<EnumVariant>),
    /// `oneOf`/`anyOf`: one of several types.
    Union(UnionDef),
    /// Another name for a type (`pub type X = ...`).
    Alias(TypeRef),
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Type of `additionalProperties` when the object has both properties and extra entries.
    pub extra: Option<TypeRef>,
    /// Unions among the members of an `allOf`, whose properties sit beside the fields.
    pub flattened: Vec<Flattened>,
    /// `#[non_exhaustive]` ([`Options::non_exhaustive`]): other crates build it with its
    /// constructor or `Default`, so a new optional field is a minor change.
    pub non_exhaustive: bool,
}

/// A union flattened into a struct (`#[serde(flatten)]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flattened {
    /// Rust field name.
    pub name: String,
    /// The union.
    pub ty: TypeRef,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// Name on the wire.
    pub json_name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// The field's type, before `Option`s.
    pub ty: TypeRef,
    /// In the schema's `required` list.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// `readOnly: true`: only the server sets it.
    pub read_only: bool,
    /// `writeOnly: true`: only the client sends it.
    pub write_only: bool,
    /// `default`, when it is a literal the generated code can express.
    pub default: Option<serde_json::Value>,
    /// `Debug` prints a redaction instead of the value.
    pub redact: bool,
    /// The field's type contains its parent: stored in a `Box`.
    pub boxed: bool,
    /// How the field is represented (filled in by the analysis).
    pub repr: FieldRepr,
    /// What the schema states about valid values beyond the type.
    pub constraints: Constraints,
}

/// What a schema states about valid values beyond the type: bounds, lengths, pattern, format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `format` as written (`email`, `date-time`, ...), also those with no Rust type of their own.
    pub format: Option<String>,
    /// `minimum` (exclusive when `exclusive_minimum`).
    pub minimum: Option<f64>,
    /// `maximum` (exclusive when `exclusive_maximum`).
    pub maximum: Option<f64>,
    /// `exclusiveMinimum: true`.
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum: true`.
    pub exclusive_maximum: bool,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
}

/// A check of [`Constraints`] that applies to a value of some type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A string's length, pattern or `format: email`.
    Text,
    /// A number's range.
    Range,
    /// An array's item count.
    Items,
}

impl Constraints {
    /// The check these constraints give a value of `ty`, if any applies to it.
    pub fn check(&self, ty: &TypeRef) -> Option<Check> {
        match ty {
            TypeRef::Prim(Prim::String)
                if self.min_length.is_some()
                    || self.max_length.is_some()
                    || self.pattern.is_some()
                    || self.format.as_deref() == Some("email") =>
            {
                Some(Check::Text)
            }
            TypeRef::Prim(Prim::I32 | Prim::I64 | Prim::F32 | Prim::F64)
                if self.minimum.is_some() || self.maximum.is_some() =>
            {
                Some(Check::Range)
            }
            TypeRef::External(e) if self.minimum.is_some() || self.maximum.is_some() => {
                self.check(&e.wire_ref())
            }
            TypeRef::Vec(_) if self.min_items.is_some() || self.max_items.is_some() => {
                Some(Check::Items)
            }
            _ => None,
        }
    }
}

/// How a field is represented in Rust and on the wire.
///
/// | required | nullable | repr |
/// |---|---|---|
/// | yes | no | `T` |
/// | yes | yes | `Option<T>`, `None` is sent as `null` |
/// | no | no | `Option<T>`, `None` is left out; or `T` with its `default` |
/// | no | yes | in types sent to the server `Option<Option<T>>` (absent, `null`, value); else `Option<T>` |
///
/// A read-only field is not required in types sent to the server, nor a write-only one in
/// types received from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldRepr {
    /// `T`.
    #[default]
    Plain,
    /// `Option<T>`; `None` is sent as `null`.
    Nullable,
    /// `Option<T>`; `None` is left out.
    Optional,
    /// `T` with `#[serde(default = ...)]` from the schema's `default`.
    Defaulted,
    /// `Option<Option<T>>`: absent, `null` or a value.
    OptionalNullable,
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// The string on the wire.
    pub value: String,
}

/// A `oneOf`/`anyOf` type.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The alternatives, in spec order (the order in which parsing tries them).
    pub variants: Vec<UnionVariant>,
    /// The property that says which alternative a value is, when the spec names one.
    pub discriminator: Option<Discriminator>,
    /// `anyOf` rather than `oneOf` (parsing is the same; the docs say which).
    pub any_of: bool,
    /// Has an `Unknown(serde_json::Value)` arm for a value that is none of the alternatives:
    /// discriminated unions (a tag value it does not know) and unions the API sends (a shape
    /// it does not know), so that a new alternative never fails a whole response. Decided by
    /// `analysis.rs`; a server rejects `Unknown` in a request with a 400.
    pub unknown: bool,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Its payload.
    pub ty: TypeRef,
    /// Payload stored in a `Box` (named payloads are, to keep the enum small).
    pub boxed: bool,
}

/// A `discriminator` of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// The property name on the wire.
    pub property: String,
    /// Discriminator value -> index into `variants`, in mapping order.
    pub mapping: Vec<(String, usize)>,
}

/// A reference to a type, as used in a field, a variant or a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A generated type.
    Named(String),
    /// A primitive.
    Prim(Prim),
    /// A type of another crate that a `codegen.toml` type override puts in place of a
    /// primitive (only ever a field's type).
    External(Box<External>),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// The bytes of a body of a binary media type (`bytes::Bytes`, as the runtimes re-export
    /// it); only ever the type of a whole request or response body.
    Bytes,
    /// `Option<T>`: an array item or map value that may be `null` (`nullable: true` on the
    /// items or `additionalProperties` schema). Fields and parameters say whether they may be
    /// null through their `FieldRepr` instead.
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
}

/// A type of another crate standing in for a primitive ([`crate::config::TypeOverride`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct External {
    /// The Rust type, as a path (`rust_decimal::Decimal`).
    pub rust: String,
    /// The primitive it replaces: its wire form, for samples, examples and the diff.
    pub wire: Prim,
    /// The serde `with` module of its wire form, when its own `Serialize` is not it.
    pub with: Option<String>,
}

/// Primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prim {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`integer`, `format: int64`).
    I64,
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`number`, `format: double`).
    F64,
    /// `chrono::DateTime<chrono::Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// A file (`format: binary`), only in multipart bodies.
    Binary,
}

/// A JSON example of the spec and the type it must parse as.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is.
    pub pointer: String,
    /// The type it is an example of.
    pub ty: TypeRef,
    /// The example.
    pub value: serde_json::Value,
}

impl Field {
    /// Whether the struct's `new()` takes this field as an argument: a required field
    /// (nullable or not) without a spec default and with more than one possible value; the
    /// others it sets (`None`, the default, the enum's only value).
    pub fn is_constructor_argument(&self, types: &BTreeMap<String, TypeDef>) -> bool {
        match self.repr {
            FieldRepr::Optional | FieldRepr::OptionalNullable | FieldRepr::Defaulted => false,
            FieldRepr::Nullable => true,
            FieldRepr::Plain => {
                // an external type's default has no literal: the caller gives the value
                let literal_default =
                    self.default.is_some() && !matches!(self.ty, TypeRef::External(_));
                self.boxed || (!literal_default && !self.has_one_value(types))
            }
        }
    }

    /// The field's type is a string enum of one value.
    pub fn has_one_value(&self, types: &BTreeMap<String, TypeDef>) -> bool {
        let TypeRef::Named(n) = &self.ty else {
            return false;
        };
        matches!(types.get(n).map(|d| &d.kind), Some(TypeKind::StringEnum(v)) if v.len() == 1)
    }
}

impl External {
    /// The primitive it stands for, as a type reference.
    pub fn wire_ref(&self) -> TypeRef {
        TypeRef::Prim(self.wire)
    }
}

impl TypeRef {
    /// The named type this reference is or contains, if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.named(),
            _ => None,
        }
    }
}

impl Model {
    /// Builds the model of a loaded spec.
    pub fn build(spec: &LoadedSpec, options: &Options) -> Result<Model> {
        for o in &options.type_overrides {
            o.check()?;
        }
        let mut builder = types::TypeBuilder::new(spec, options);
        builder.declare_components()?;
        let operations = operations::build(spec, &mut builder)?;
        builder.convert_components()?;
        let (mut types, examples, mut warnings) = builder.finish();
        warnings.extend(spec.warnings.iter().cloned());
        let mut operations = operations;
        analysis::analyse(&mut types, &operations, &mut warnings)?;
        if let Some(envelope) = &options.envelope {
            envelope::mark(&mut operations, &types, envelope);
        }
        let uses = analysis::uses(&types, options);
        pagination::mark(&mut operations, &types, options.pagination.as_ref());
        aliases::assign(&mut operations, &mut types);
        let info = &spec.openapi.info;
        let mut servers: Vec<Server> = spec
            .openapi
            .servers
            .iter()
            .map(|s| Server {
                url: s.url.clone(),
                description: s.description.clone(),
                variables: s
                    .variables
                    .iter()
                    .flat_map(|v| v.iter())
                    .map(|(name, v)| ServerVariable {
                        name: name.clone(),
                        default: v.default.clone(),
                        values: v.enumeration.clone(),
                        description: v.description.clone(),
                        rust_name: String::new(),
                    })
                    .collect(),
                rust_name: String::new(),
            })
            .collect();
        server_names::assign(&mut servers);
        let security_schemes = security_schemes(spec)?;
        let mut server = server::build(&operations, Vec::as_slice(&servers), &security_schemes);
        server.strict = options.server.strict;
        warnings.append(&mut server.warnings);
        for (i, renamed) in &server.route_names {
            for p in &mut operations[*i].params {
                if let Some((_, route)) = renamed.iter().find(|(mine, _)| *mine == p.name) {
                    p.route_name = Some(route.clone());
                }
            }
        }
        let tags = tags::build(&operations);
        let multipart = multipart::bodies(&operations, &types);
        warnings.sort();
        warnings.dedup();
        Ok(Model {
            title: info.title.clone(),
            api_version: info.version.clone(),
            description: info.description.clone(),
            types,
            operations,
            examples,
            uses,
            servers,
            security_schemes,
            multipart,
            tags,
            server,
            warnings,
        })
    }
}

fn security_schemes(spec: &LoadedSpec) -> Result<Vec<SecurityScheme>> {
    use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme as S};
    let mut out = Vec::new();
    let Some(components) = &spec.openapi.components else {
        return Ok(out);
    };
    for (name, scheme) in &components.security_schemes {
        let at = crate::pointer::join("#/components/securitySchemes", name);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(crate::Error::unsupported(
                &at,
                "a security scheme that is a $ref",
            ));
        };
        let (kind, description) = match scheme {
            S::HTTP {
                scheme,
                description,
                ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (SecuritySchemeKind::Bearer, description),
                "basic" => (SecuritySchemeKind::Basic, description),
                other => {
                    return Err(crate::Error::unsupported(
                        &at,
                        format!("HTTP authentication scheme `{other}`"),
                    ))
                }
            },
            S::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let location = match location {
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                (
                    SecuritySchemeKind::ApiKey {
                        location,
                        name: name.clone(),
                    },
                    description,
                )
            }
            S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                (SecuritySchemeKind::OAuth2, description)
            }
        };
        out.push(SecurityScheme {
            name: name.clone(),
            kind,
            description: description.clone(),
        });
    }
    Ok(out)
}

/// The model of a spec given as YAML text, with default options (for unit tests).
#[cfg(test)]
pub(crate) fn of_yaml(yaml: &str) -> Model {
    let spec = crate::load::parse_str(yaml, std::path::Path::new("t.yaml")).expect("spec");
    Model::build(&spec, &Options::default()).expect("model")
}
