//! One view of a schema, whichever way `openapiv3` parsed it (`SchemaKind::Type`, the
//! composition kinds, or `SchemaKind::Any` for schemas that mix keywords).

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{Error, Result};

/// What a schema is, for the type builder.
pub enum Shape<'a> {
    /// `type: object` (or properties without a type).
    Object(ObjectShape<'a>),
    /// `type: array`.
    Array(Option<SchemaRef<'a>>),
    /// `type: string` with its format and enum values.
    String {
        format: Option<String>,
        values: Vec<String>,
    },
    /// `type: integer`.
    Integer { format: Option<String> },
    /// `type: number`.
    Number { format: Option<String> },
    /// `type: boolean`.
    Boolean,
    /// `allOf`, with the schema's own object keywords (if any) as one more member.
    AllOf {
        members: Vec<SchemaRef<'a>>,
        own: Option<ObjectShape<'a>>,
        /// A `oneOf` (false) or `anyOf` (true) beside them in the same schema: one of its
        /// alternatives applies too (its properties sit beside the others).
        union: Option<(Vec<SchemaRef<'a>>, bool)>,
    },
    /// `oneOf`.
    OneOf(Vec<SchemaRef<'a>>),
    /// `anyOf`.
    AnyOf(Vec<SchemaRef<'a>>),
    /// No constraints: any JSON value.
    Any,
}

/// A schema or a reference to one (owned or boxed in the source document).
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// `$ref`.
    Ref(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

/// The object keywords of a schema.
pub struct ObjectShape<'a> {
    /// `properties`, in spec order.
    pub properties: Vec<(&'a str, SchemaRef<'a>)>,
    /// `required`.
    pub required: &'a [String],
    /// `additionalProperties`: `None` absent, `Some(None)` `true`/`{}`, `Some(Some(s))` a schema,
    /// and `false` is treated as absent (unknown fields are ignored when parsing).
    pub additional: Option<Option<SchemaRef<'a>>>,
}

impl<'a> SchemaRef<'a> {
    /// From an `openapiv3` reference-or-schema.
    pub fn of(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }

    /// From a boxed `openapiv3` reference-or-schema.
    pub fn of_boxed(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

fn props(map: &IndexMap<String, ReferenceOr<Box<Schema>>>) -> Vec<(&str, SchemaRef<'_>)> {
    map.iter()
        .map(|(k, v)| (k.as_str(), SchemaRef::of_boxed(v)))
        .collect()
}

fn additional(a: &Option<AdditionalProperties>) -> Option<Option<SchemaRef<'_>>> {
    match a {
        None | Some(AdditionalProperties::Any(false)) => None,
        Some(AdditionalProperties::Any(true)) => Some(None),
        Some(AdditionalProperties::Schema(s)) => match s.as_ref() {
            ReferenceOr::Item(schema) if is_empty(schema) => Some(None),
            other => Some(Some(SchemaRef::of(other))),
        },
    }
}

fn is_empty(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == Default::default())
}

fn format_of<T: serde::Serialize>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The shape of `schema`; `pointer` names it in errors.
pub fn shape<'a>(schema: &'a Schema, pointer: &str) -> Result<Shape<'a>> {
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Shape::Object(ObjectShape {
            properties: props(&o.properties),
            required: &o.required,
            additional: additional(&o.additional_properties),
        }),
        SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref().map(SchemaRef::of_boxed)),
        SchemaKind::Type(Type::String(s)) => Shape::String {
            format: format_of::<StringFormat>(&s.format),
            values: s.enumeration.iter().flatten().cloned().collect(),
        },
        SchemaKind::Type(Type::Integer(i)) => Shape::Integer {
            format: format_of(&i.format),
        },
        SchemaKind::Type(Type::Number(n)) => Shape::Number {
            format: format_of(&n.format),
        },
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::AllOf { all_of } => Shape::AllOf {
            members: all_of.iter().map(SchemaRef::of).collect(),
            own: None,
            union: None,
        },
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of.iter().map(SchemaRef::of).collect()),
        SchemaKind::AnyOf { any_of } => Shape::AnyOf(any_of.iter().map(SchemaRef::of).collect()),
        SchemaKind::Not { .. } => {
            return Err(Error::unsupported(
                pointer,
                "`not` schemas have no Rust type",
            ))
        }
        SchemaKind::Any(any) => {
            let has_object = !any.properties.is_empty() || any.additional_properties.is_some();
            let own = has_object.then(|| ObjectShape {
                properties: props(&any.properties),
                required: &any.required,
                additional: additional(&any.additional_properties),
            });
            if !any.one_of.is_empty() || !any.any_of.is_empty() {
                if !any.one_of.is_empty() && !any.any_of.is_empty() {
                    return Err(Error::unsupported(pointer, "oneOf and anyOf in one schema"));
                }
                if has_object || !any.all_of.is_empty() {
                    // shared properties (or allOf members) beside the alternatives: a struct
                    // of the shared part with the union flattened into it
                    let (alternatives, any_of) = if any.one_of.is_empty() {
                        (&any.any_of, true)
                    } else {
                        (&any.one_of, false)
                    };
                    return Ok(Shape::AllOf {
                        members: any.all_of.iter().map(SchemaRef::of).collect(),
                        own,
                        union: Some((alternatives.iter().map(SchemaRef::of).collect(), any_of)),
                    });
                }
                if !any.one_of.is_empty() {
                    return Ok(Shape::OneOf(any.one_of.iter().map(SchemaRef::of).collect()));
                }
                return Ok(Shape::AnyOf(any.any_of.iter().map(SchemaRef::of).collect()));
            }
            if !any.all_of.is_empty() {
                if let Some(t) = any.typ.as_deref() {
                    if t != "object" {
                        return Err(Error::unsupported(
                            pointer,
                            format!("allOf in a schema of type `{t}`"),
                        ));
                    }
                }
                return Ok(Shape::AllOf {
                    members: any.all_of.iter().map(SchemaRef::of).collect(),
                    own,
                    union: None,
                });
            }
            if any.not.is_some() {
                return Err(Error::unsupported(
                    pointer,
                    "`not` schemas have no Rust type",
                ));
            }
            match any.typ.as_deref() {
                None if own.is_some() => Shape::Object(own.expect("checked")),
                Some("object") => Shape::Object(own.unwrap_or(ObjectShape {
                    properties: Vec::new(),
                    required: &[],
                    additional: None,
                })),
                Some("array") => Shape::Array(any.items.as_ref().map(SchemaRef::of_boxed)),
                Some("string") => Shape::String {
                    format: any.format.clone(),
                    values: any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                },
                Some("integer") => Shape::Integer {
                    format: any.format.clone(),
                },
                Some("number") => Shape::Number {
                    format: any.format.clone(),
                },
                Some("boolean") => Shape::Boolean,
                None if any.items.is_some() => {
                    Shape::Array(any.items.as_ref().map(SchemaRef::of_boxed))
                }
                None => Shape::Any,
                Some(other) => {
                    return Err(Error::unsupported(
                        pointer,
                        format!("schema type `{other}`"),
                    ))
                }
            }
        }
    })
}

/// The constraints a schema states (none for a reference: they belong to the referenced type).
pub fn constraints(schema: SchemaRef<'_>) -> super::Constraints {
    use super::Constraints;
    let SchemaRef::Inline(schema) = schema else {
        return Constraints::default();
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Constraints {
            format: format_of::<StringFormat>(&s.format),
            min_length: s.min_length,
            max_length: s.max_length,
            pattern: s.pattern.clone(),
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Number(n)) => Constraints {
            format: format_of(&n.format),
            minimum: n.minimum,
            maximum: n.maximum,
            exclusive_minimum: n.exclusive_minimum,
            exclusive_maximum: n.exclusive_maximum,
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Integer(i)) => Constraints {
            format: format_of(&i.format),
            minimum: i.minimum.map(|v| v as f64),
            maximum: i.maximum.map(|v| v as f64),
            exclusive_minimum: i.exclusive_minimum,
            exclusive_maximum: i.exclusive_maximum,
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Array(a)) => Constraints {
            min_items: a.min_items,
            max_items: a.max_items,
            ..Constraints::default()
        },
        SchemaKind::Any(any) => Constraints {
            format: any.format.clone(),
            minimum: any.minimum,
            maximum: any.maximum,
            exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
            exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
            min_length: any.min_length,
            max_length: any.max_length,
            pattern: any.pattern.clone(),
            min_items: any.min_items,
            max_items: any.max_items,
        },
        _ => Constraints::default(),
    }
}
