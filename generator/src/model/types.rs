//! Schemas -> named Rust types.
//!
//! Component schemas keep their names. Inline schemas that need a type of their own (objects,
//! string enums, unions) are named from where they are: the parent's name plus the property
//! name (`CartItem` + `seller_detail` = `CartItemSellerDetail`), `Item` for array items,
//! `Body`/`Response` for request/response bodies. Identical inline shapes share the first name they
//! were given. Names that collide get `2`, `3`, ... in spec order.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaData};
use serde_json::Value;

use super::shape::{shape, ObjectShape, SchemaRef, Shape};
use super::{
    Constraints, Discriminator, EnumVariant, Example, External, Field, FieldRepr, Prim, StructDef,
    TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant, Usage,
};
use crate::config::{glob_match, JsonType, Options};
use crate::docs;
use crate::error::{Error, Result, Warning};
use crate::load::LoadedSpec;
use crate::names::{self, NameSet};
use crate::pointer;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// One member of an object being built: properties, or a union flattened beside them.
enum Part<'a> {
    /// Properties, where they are, and the component they come from (which names their types).
    Object(ObjectShape<'a>, String, Option<String>),
    /// A member that is a union: its alternative's properties sit beside the others.
    Flatten(SchemaRef<'a>, String),
    /// A `oneOf`/`anyOf` beside properties in one schema (that schema, for its discriminator;
    /// the alternatives; `anyOf`; where).
    Union(&'a Schema, Vec<SchemaRef<'a>>, bool, String),
}

/// A converted schema: the type and whether `null` is allowed.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The Rust type.
    pub ty: TypeRef,
    /// `nullable: true` on the schema (or on the component it references).
    pub nullable: bool,
}

impl Converted {
    /// The type of an array item or map value: `Option<T>` when it may be null.
    fn nullable_ty(self) -> TypeRef {
        if self.nullable {
            TypeRef::Nullable(Box::new(self.ty))
        } else {
            self.ty
        }
    }
}

/// Builds the named types of a spec.
pub struct TypeBuilder<'a> {
    spec: &'a LoadedSpec,
    options: &'a Options,
    names: NameSet,
    /// Component schema name -> Rust name.
    components: BTreeMap<String, String>,
    /// Canonical JSON of an inline schema -> the Rust name it was given.
    inline: BTreeMap<String, String>,
    types: BTreeMap<String, TypeDef>,
    examples: Vec<Example>,
    warnings: Vec<Warning>,
}

/// The schema of a property that `required` names but `properties` does not define: any value.
static UNDEFINED_PROPERTY: std::sync::LazyLock<openapiv3::Schema> =
    std::sync::LazyLock::new(|| openapiv3::Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    });

impl<'a> TypeBuilder<'a> {
    /// A builder for `spec`.
    pub fn new(spec: &'a LoadedSpec, options: &'a Options) -> Self {
        TypeBuilder {
            spec,
            options,
            names: NameSet::default(),
            components: BTreeMap::new(),
            inline: BTreeMap::new(),
            types: BTreeMap::new(),
            examples: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn component_schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.spec
            .openapi
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
    }

    /// Reserves the names of all component schemas, in spec order, before anything else is
    /// named: components always get their own names.
    pub fn declare_components(&mut self) -> Result<()> {
        for (name, _) in self.component_schemas() {
            let rust = self.names.take(&names::type_name(name));
            self.components.insert(name.clone(), rust);
        }
        Ok(())
    }

    /// Converts every component schema into its named type.
    pub fn convert_components(&mut self) -> Result<()> {
        for (name, schema) in self.component_schemas() {
            let at = pointer::join("#/components/schemas", name);
            let rust = self.components[name].clone();
            let schema = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.resolve_ref(reference, &at)?;
                    let ty = self.convert(SchemaRef::Ref(reference), &rust, &at)?.ty;
                    self.insert(TypeDef {
                        name: rust,
                        doc: docs::paragraphs([target.schema_data.description.as_deref()]),
                        pointer: at,
                        kind: TypeKind::Alias(ty),
                        usage: Usage::default(),
                    });
                    continue;
                }
                ReferenceOr::Item(schema) => schema,
            };
            if let Some(example) = &schema.schema_data.example {
                self.examples.push(Example {
                    pointer: pointer::join(&at, "example"),
                    ty: TypeRef::Named(rust.clone()),
                    value: example.clone(),
                });
            }
            let kind = self.define_kind(schema, &rust, &at)?;
            self.insert(TypeDef {
                name: rust,
                doc: doc_of(&schema.schema_data),
                pointer: at,
                kind,
                usage: Usage::default(),
            });
        }
        Ok(())
    }

    /// The types and examples collected.
    pub fn finish(self) -> (BTreeMap<String, TypeDef>, Vec<Example>, Vec<Warning>) {
        (self.types, self.examples, self.warnings)
    }

    /// Records a warning.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// Records an example (of an operation body) to be checked against `ty`.
    pub fn add_example(&mut self, pointer: String, ty: TypeRef, value: Value) {
        self.examples.push(Example { pointer, ty, value });
    }

    fn insert(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    /// Looks up a `#/components/schemas/...` reference.
    pub fn resolve_ref(&self, reference: &str, at: &str) -> Result<&'a Schema> {
        let unresolved = || Error::UnresolvedRef {
            pointer: at.to_owned(),
            reference: reference.to_owned(),
        };
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(unresolved)?;
        let name = pointer::unescape(name);
        let mut seen = Vec::new();
        let mut schema = self
            .component_schemas()
            .find(|(n, _)| **n == name)
            .map(|(_, s)| s)
            .ok_or_else(unresolved)?;
        loop {
            match schema {
                ReferenceOr::Item(s) => return Ok(s),
                ReferenceOr::Reference { reference } => {
                    if seen.contains(reference) {
                        return Err(Error::invalid(
                            at,
                            format!("$ref cycle through `{reference}`"),
                        ));
                    }
                    seen.push(reference.clone());
                    let next = reference
                        .strip_prefix(SCHEMA_PREFIX)
                        .ok_or_else(unresolved)?;
                    let next = pointer::unescape(next);
                    schema = self
                        .component_schemas()
                        .find(|(n, _)| **n == next)
                        .map(|(_, s)| s)
                        .ok_or_else(unresolved)?;
                }
            }
        }
    }

    fn component_name(&self, reference: &str, at: &str) -> Result<String> {
        let name = reference.strip_prefix(SCHEMA_PREFIX).map(pointer::unescape);
        name.and_then(|n| self.components.get(&n).cloned())
            .ok_or_else(|| Error::UnresolvedRef {
                pointer: at.to_owned(),
                reference: reference.to_owned(),
            })
    }

    /// Converts a schema used somewhere (a property, an item, a body) into a type reference,
    /// defining a named type for it when it needs one. `hint` names such a type.
    pub fn convert(&mut self, schema: SchemaRef<'a>, hint: &str, at: &str) -> Result<Converted> {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                let target = self.resolve_ref(reference, at)?;
                let name = self.component_name(reference, at)?;
                return Ok(Converted {
                    ty: TypeRef::Named(name),
                    nullable: target.schema_data.nullable,
                });
            }
            SchemaRef::Inline(schema) => schema,
        };
        let nullable = schema.schema_data.nullable;
        let ty = match shape(schema, at)? {
            Shape::Object(obj) if obj.properties.is_empty() => match obj.additional {
                Some(Some(value)) => {
                    let inner = self.convert(
                        value,
                        &format!("{hint}Value"),
                        &pointer::join(at, "additionalProperties"),
                    )?;
                    TypeRef::Map(Box::new(inner.nullable_ty()))
                }
                _ => TypeRef::JsonObject,
            },
            Shape::Array(items) => match items {
                Some(items) => {
                    let inner =
                        self.convert(items, &format!("{hint}Item"), &pointer::join(at, "items"))?;
                    TypeRef::Vec(Box::new(inner.nullable_ty()))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            Shape::String { format, values } if values.is_empty() => {
                TypeRef::Prim(string_prim(format.as_deref()))
            }
            Shape::Integer { format, .. } => TypeRef::Prim(match format.as_deref() {
                Some("int32") => Prim::I32,
                _ => Prim::I64,
            }),
            Shape::Number { format, .. } => TypeRef::Prim(match format.as_deref() {
                Some("float") => Prim::F32,
                _ => Prim::F64,
            }),
            Shape::Boolean => TypeRef::Prim(Prim::Bool),
            Shape::Any => TypeRef::Json,
            Shape::AllOf {
                members,
                own: None,
                union: None,
            } if members.len() == 1 => {
                // `allOf: [$ref]` with `nullable`/`description` beside it: the member's type
                let inner = self.convert(members[0], hint, &pointer::append(at, "allOf/0"))?;
                return Ok(Converted {
                    ty: inner.ty,
                    nullable: nullable || inner.nullable,
                });
            }
            _ => TypeRef::Named(self.define_inline(schema, hint, at)?),
        };
        Ok(Converted { ty, nullable })
    }

    /// Defines (or reuses) a named type for an inline schema.
    fn define_inline(&mut self, schema: &'a Schema, hint: &str, at: &str) -> Result<String> {
        let key = canonical_key(schema);
        if let Some(name) = self.inline.get(&key) {
            return Ok(name.clone());
        }
        let hint = schema
            .schema_data
            .title
            .as_deref()
            .map(names::type_name)
            .unwrap_or_else(|| hint.to_owned());
        let name = self.names.take(&hint);
        self.inline.insert(key, name.clone());
        let kind = self.define_kind(schema, &name, at)?;
        self.insert(TypeDef {
            name: name.clone(),
            doc: doc_of(&schema.schema_data),
            pointer: at.to_owned(),
            kind,
            usage: Usage::default(),
        });
        Ok(name)
    }

    /// The kind of the named type `name` defined by `schema`.
    fn define_kind(&mut self, schema: &'a Schema, name: &str, at: &str) -> Result<TypeKind> {
        Ok(match shape(schema, at)? {
            Shape::Object(obj) if !obj.properties.is_empty() => TypeKind::Struct(self.struct_def(
                name,
                at,
                vec![Part::Object(obj, at.to_owned(), None)],
            )?),
            Shape::String { values, .. } if !values.is_empty() => {
                let mut taken = NameSet::default();
                let mut variants: Vec<EnumVariant> = Vec::new();
                for value in values {
                    if variants.iter().any(|v| v.value == value) {
                        continue;
                    }
                    variants.push(EnumVariant {
                        name: taken.take(&names::variant_name(&value)),
                        value,
                    });
                }
                TypeKind::StringEnum(variants)
            }
            Shape::AllOf {
                members,
                own,
                union,
            } => {
                let constrained = if own.is_none() && union.is_none() {
                    self.constrained_member(&members, at)?
                } else {
                    None
                };
                if members.len() == 1 && own.is_none() && union.is_none() {
                    let inner = self.convert(members[0], name, &pointer::append(at, "allOf/0"))?;
                    TypeKind::Alias(inner.ty)
                } else if let Some((i, member)) = constrained {
                    // a primitive, array or enum that the other members only constrain or
                    // describe: that type
                    let inner =
                        self.convert(member, name, &pointer::append(at, &format!("allOf/{i}")))?;
                    TypeKind::Alias(inner.ty)
                } else {
                    let mut parts = Vec::new();
                    for (i, member) in members.iter().enumerate() {
                        self.collect_object(
                            *member,
                            &pointer::append(at, &format!("allOf/{i}")),
                            &mut parts,
                            None,
                            0,
                        )?;
                    }
                    if let Some(own) = own {
                        parts.push(Part::Object(own, at.to_owned(), None));
                    }
                    if let Some((alternatives, any_of)) = union {
                        parts.push(Part::Union(schema, alternatives, any_of, at.to_owned()));
                    }
                    TypeKind::Struct(self.struct_def(name, at, parts)?)
                }
            }
            Shape::OneOf(members) => {
                TypeKind::Union(self.union_def(schema, name, at, members, false)?)
            }
            Shape::AnyOf(members) => {
                TypeKind::Union(self.union_def(schema, name, at, members, true)?)
            }
            _ => {
                // a primitive, array or map: none of these defines a type of its own, so
                // converting the schema as a use of itself gives the aliased type
                TypeKind::Alias(self.convert(SchemaRef::Inline(schema), name, at)?.ty)
            }
        })
    }

    /// The one member of an `allOf` that is not an object, when every other member only
    /// constrains or describes it (`allOf: [{$ref: Code}, {maxLength: 8}]`).
    fn constrained_member(
        &mut self,
        members: &[SchemaRef<'a>],
        at: &str,
    ) -> Result<Option<(usize, SchemaRef<'a>)>> {
        let mut typed = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_at = pointer::append(at, &format!("allOf/{i}"));
            let schema = match member {
                SchemaRef::Ref(reference) => self.resolve_ref(reference, &member_at)?,
                SchemaRef::Inline(schema) => schema,
            };
            let only_constraints = matches!(member, SchemaRef::Inline(_))
                && matches!(shape(schema, &member_at)?, Shape::Any);
            if !only_constraints {
                typed.push((i, *member, schema, member_at));
            }
        }
        let [(i, member, schema, member_at)] = typed.as_slice() else {
            return Ok(None);
        };
        let object_like = matches!(
            shape(schema, member_at)?,
            Shape::Object(_) | Shape::AllOf { .. } | Shape::OneOf(_) | Shape::AnyOf(_) | Shape::Any
        );
        Ok((!object_like).then_some((*i, *member)))
    }

    /// Gathers the object parts of an `allOf` member (through references and nested `allOf`s).
    fn collect_object(
        &mut self,
        member: SchemaRef<'a>,
        at: &str,
        out: &mut Vec<Part<'a>>,
        origin: Option<String>,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(Error::unsupported(
                at,
                "allOf nested more than 32 levels (a cycle?)",
            ));
        }
        let (schema, schema_at, origin) = match member {
            SchemaRef::Ref(reference) => {
                let schema = self.resolve_ref(reference, at)?;
                let name = reference.strip_prefix(SCHEMA_PREFIX).unwrap_or(reference);
                (
                    schema,
                    format!("{SCHEMA_PREFIX}{name}"),
                    Some(self.component_name(reference, at)?),
                )
            }
            SchemaRef::Inline(schema) => (schema, at.to_owned(), origin),
        };
        match shape(schema, &schema_at)? {
            Shape::Object(obj) => out.push(Part::Object(obj, schema_at, origin)),
            Shape::AllOf {
                members,
                own,
                union,
            } => {
                for (i, m) in members.iter().enumerate() {
                    let member_at = pointer::append(&schema_at, &format!("allOf/{i}"));
                    self.collect_object(*m, &member_at, out, origin.clone(), depth + 1)?;
                }
                if let Some((alternatives, any_of)) = union {
                    out.push(Part::Union(schema, alternatives, any_of, schema_at.clone()));
                }
                if let Some(own) = own {
                    out.push(Part::Object(own, schema_at, origin));
                }
            }
            // a union among the members: its alternatives' properties sit beside the others
            Shape::OneOf(_) | Shape::AnyOf(_) => out.push(Part::Flatten(member, at.to_owned())),
            Shape::Any => {}
            _ => {
                return Err(Error::unsupported(
                    at,
                    "allOf member that is not an object or a union (an array or primitive cannot be merged)",
                ))
            }
        }
        Ok(())
    }

    /// A struct from one or more object parts (more than one for a merged `allOf`).
    fn struct_def(&mut self, name: &str, at: &str, parts: Vec<Part<'a>>) -> Result<StructDef> {
        // merge: a property named again later replaces the earlier schema but keeps its place
        let mut order: Vec<&'a str> = Vec::new();
        let mut props: BTreeMap<&'a str, (SchemaRef<'a>, String, Option<String>)> = BTreeMap::new();
        let mut required: Vec<&'a str> = Vec::new();
        let mut extra = None;
        let mut flatten = Vec::new();
        let mut unions = Vec::new();
        for part in &parts {
            let (part, part_at, origin) = match part {
                Part::Object(obj, part_at, origin) => (obj, part_at, origin),
                Part::Flatten(member, member_at) => {
                    flatten.push((*member, member_at.clone()));
                    continue;
                }
                Part::Union(schema, alternatives, any_of, union_at) => {
                    unions.push((*schema, alternatives.clone(), *any_of, union_at.clone()));
                    continue;
                }
            };
            for (prop, schema) in &part.properties {
                if !props.contains_key(prop) {
                    order.push(prop);
                }
                let prop_at = pointer::join(&pointer::join(part_at, "properties"), prop);
                props.insert(prop, (*schema, prop_at, origin.clone()));
            }
            required.extend(part.required.iter().map(String::as_str));
            if let Some(Some(value)) = part.additional {
                extra = Some((value, pointer::join(part_at, "additionalProperties")));
            }
        }
        // `required` naming a property `properties` does not define: the intent (a property of
        // that name) is clear, its type is not
        let undefined: Vec<&'a str> = required
            .iter()
            .copied()
            .filter(|r| !props.contains_key(r))
            .collect();
        for r in undefined {
            self.warn(Warning::new(
                at,
                format!(
                    "required property `{r}` is not defined in `properties`: it is an optional \
                     `serde_json::Value` field"
                ),
            ));
            order.push(r);
            props.insert(
                r,
                (
                    SchemaRef::Inline(&UNDEFINED_PROPERTY),
                    pointer::join(at, "required"),
                    None,
                ),
            );
            required.retain(|x| *x != r);
        }
        // `extra` is the name of the additionalProperties map: a property of that name moves aside
        let mut field_names = match extra {
            Some(_) => NameSet::with_taken(["extra"]),
            None => NameSet::default(),
        };
        let mut fields = Vec::with_capacity(order.len());
        for prop in order {
            let (schema, prop_at, origin) = props
                .remove(prop)
                .expect("every ordered property is in the map");
            // inline types are named after the schema that defines them
            let parent = origin.as_deref().unwrap_or(name);
            let hint = format!("{parent}{}", names::type_name(prop).trim_end_matches('_'));
            let converted = self.convert(schema, &hint, &prop_at)?;
            let data = match schema {
                SchemaRef::Inline(s) => Some(&s.schema_data),
                SchemaRef::Ref(_) => None,
            };
            let is_password = match schema {
                SchemaRef::Inline(s) => {
                    matches!(shape(s, &prop_at)?, Shape::String { format: Some(ref f), .. } if f == "password")
                }
                SchemaRef::Ref(_) => false,
            };
            let default = data.and_then(|d| d.default.clone());
            let constraints = super::shape::constraints(schema);
            // (an external type's default is documented, not applied: it has no literal)
            let ty = match self.type_override(name, prop, &converted.ty, &constraints) {
                Some(external) => TypeRef::External(Box::new(external)),
                None => converted.ty,
            };
            fields.push(Field {
                name: field_names.take(&names::field_name(prop)),
                json_name: prop.to_owned(),
                doc: data.and_then(doc_of),
                ty,
                required: required.contains(&prop),
                nullable: converted.nullable,
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                default,
                redact: is_password || self.options.redact.iter().any(|p| glob_match(p, prop)),
                boxed: false,
                repr: FieldRepr::Plain,
                constraints,
            });
        }
        let extra = match extra {
            Some((value, extra_at)) => {
                Some(self.convert(value, &format!("{name}Extra"), &extra_at)?.ty)
            }
            None => None,
        };
        let mut flattened = Vec::new();
        for (member, member_at) in flatten {
            let hint = format!("{name}OneOf");
            let ty = self.convert(member, &hint, &member_at)?.ty;
            let field = match &ty {
                TypeRef::Named(n) => {
                    names::field_name(n.strip_prefix(name).filter(|s| !s.is_empty()).unwrap_or(n))
                }
                _ => "one_of".to_owned(),
            };
            flattened.push(super::Flattened {
                name: field_names.take(&field),
                ty,
            });
        }
        for (schema, alternatives, any_of, union_at) in unions {
            let keyword = if any_of { "AnyOf" } else { "OneOf" };
            let union_name = self.names.take(&format!("{name}{keyword}"));
            let union_at = pointer::append(&union_at, if any_of { "anyOf" } else { "oneOf" });
            let def = self.union_def(schema, &union_name, &union_at, alternatives, any_of)?;
            self.insert(TypeDef {
                name: union_name.clone(),
                doc: Some(format!(
                    "The alternatives of [`{name}`] ({}), whose properties sit beside its own.",
                    keyword.to_ascii_lowercase().replace("of", "Of")
                )),
                pointer: union_at,
                kind: TypeKind::Union(def),
                usage: Usage::default(),
            });
            flattened.push(super::Flattened {
                name: field_names.take(&names::field_name(keyword)),
                ty: TypeRef::Named(union_name),
            });
        }
        Ok(StructDef {
            fields,
            extra,
            flattened,
            non_exhaustive: self.options.non_exhaustive,
        })
    }

    fn union_def(
        &mut self,
        schema: &'a Schema,
        name: &str,
        at: &str,
        members: Vec<SchemaRef<'a>>,
        any_of: bool,
    ) -> Result<UnionDef> {
        let keyword = if any_of { "anyOf" } else { "oneOf" };
        if members.is_empty() {
            return Err(Error::invalid(at, format!("empty {keyword}")));
        }
        // `Unknown` is the catch-all variant of discriminated unions
        let mut taken = NameSet::with_taken(["Unknown"]);
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_at = pointer::append(at, &format!("{keyword}/{i}"));
            // an inline alternative with a `title` is named by it (as every titled schema is)
            let hint = format!("{name}Variant{i}");
            if schema.schema_data.discriminator.is_some() {
                let target = match member {
                    SchemaRef::Ref(r) => self.resolve_ref(r, &member_at)?,
                    SchemaRef::Inline(s) => s,
                };
                if !matches!(
                    shape(target, &member_at)?,
                    Shape::Object(_) | Shape::AllOf { .. }
                ) {
                    return Err(Error::unsupported(
                        &member_at,
                        "an alternative of a discriminated union that is not an object",
                    ));
                }
            }
            let converted = self.convert(*member, &hint, &member_at)?;
            let variant = match member {
                SchemaRef::Inline(s) if s.schema_data.title.is_some() => {
                    names::type_name(s.schema_data.title.as_deref().unwrap_or_default())
                }
                _ => variant_name_for(&converted.ty, name),
            };
            let boxed = matches!(&converted.ty, TypeRef::Named(n) if !self.is_string_enum(n));
            variants.push(UnionVariant {
                name: taken.take(&variant),
                ty: converted.ty,
                boxed,
            });
        }
        let discriminator = match &schema.schema_data.discriminator {
            None => None,
            Some(d) => {
                let mut mapping = Vec::new();
                for (value, target) in &d.mapping {
                    let reference = if target.starts_with('#') {
                        target.clone()
                    } else {
                        format!("{SCHEMA_PREFIX}{target}")
                    };
                    let index = members.iter().position(|m| matches!(m, SchemaRef::Ref(r) if *r == reference)).ok_or_else(|| {
                        Error::invalid(
                            &pointer::append(at, "discriminator/mapping"),
                            format!("`{value}` maps to `{target}`, which is not one of the {keyword} alternatives"),
                        )
                    })?;
                    mapping.push((value.clone(), index));
                }
                for (i, member) in members.iter().enumerate() {
                    match member {
                        SchemaRef::Ref(r) if !mapping.iter().any(|(_, idx)| *idx == i) => {
                            let implicit = r.strip_prefix(SCHEMA_PREFIX).map(pointer::unescape).unwrap_or_default();
                            mapping.push((implicit, i));
                        }
                        SchemaRef::Inline(_) if !mapping.iter().any(|(_, idx)| *idx == i) => {
                            return Err(Error::unsupported(
                                &pointer::append(at, &format!("{keyword}/{i}")),
                                "an inline alternative of a discriminated union needs an explicit mapping",
                            ))
                        }
                        _ => {}
                    }
                }
                Some(Discriminator {
                    property: d.property_name.clone(),
                    mapping,
                })
            }
        };
        Ok(UnionDef {
            unknown: discriminator.is_some(),
            variants,
            discriminator,
            any_of,
        })
    }

    /// Whether the named type is (or will be) a struct: an object schema.
    /// The type of property `prop` of struct `owner` that the first matching type override
    /// gives, if any matches.
    fn type_override(
        &self,
        owner: &str,
        prop: &str,
        ty: &TypeRef,
        constraints: &Constraints,
    ) -> Option<External> {
        let TypeRef::Prim(wire) = ty else {
            return None;
        };
        let json_type = match wire {
            Prim::String | Prim::DateTime | Prim::Date | Prim::Uuid => JsonType::String,
            Prim::I32 | Prim::I64 => JsonType::Integer,
            Prim::F32 | Prim::F64 => JsonType::Number,
            Prim::Bool => JsonType::Boolean,
            Prim::Binary => return None,
        };
        let format = constraints.format.as_deref();
        let o = self
            .options
            .type_overrides
            .iter()
            .find(|o| o.applies(owner, prop, json_type, format))?;
        Some(External {
            rust: o.rust.clone(),
            wire: *wire,
            with: o.with.clone(),
        })
    }

    pub fn is_struct(&self, name: &str) -> bool {
        if let Some(def) = self.types.get(name) {
            return matches!(def.kind, TypeKind::Struct(_));
        }
        // a component not converted yet: look at its schema
        self.components
            .iter()
            .find(|(_, rust)| rust.as_str() == name)
            .and_then(|(component, _)| {
                let schemas = &self.spec.openapi.components.as_ref()?.schemas;
                match schemas.get(component)? {
                    openapiv3::ReferenceOr::Item(schema) => Some(schema),
                    openapiv3::ReferenceOr::Reference { .. } => None,
                }
            })
            .is_some_and(|schema| {
                matches!(
                    shape(schema, "#"),
                    Ok(Shape::Object(_) | Shape::AllOf { .. })
                )
            })
    }

    fn is_string_enum(&self, name: &str) -> bool {
        if let Some(def) = self.types.get(name) {
            return matches!(def.kind, TypeKind::StringEnum(_));
        }
        // a component not converted yet: look at its schema
        self.components
            .iter()
            .find(|(_, rust)| *rust == name)
            .and_then(|(spec_name, _)| self.component_schemas().find(|(n, _)| *n == spec_name))
            .and_then(|(_, s)| match s {
                ReferenceOr::Item(s) => shape(s, "").ok(),
                ReferenceOr::Reference { .. } => None,
            })
            .is_some_and(|s| matches!(s, Shape::String { values, .. } if !values.is_empty()))
    }
}

fn string_prim(format: Option<&str>) -> Prim {
    match format {
        Some("date-time") => Prim::DateTime,
        Some("date") => Prim::Date,
        Some("uuid") => Prim::Uuid,
        Some("binary") => Prim::Binary,
        _ => Prim::String,
    }
}

fn variant_name_for(ty: &TypeRef, parent: &str) -> String {
    match ty {
        TypeRef::Named(n) => n
            .strip_prefix(parent)
            .filter(|s| !s.is_empty() && !s.starts_with(char::is_numeric))
            .unwrap_or(n)
            .to_owned(),
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "Bool",
            Prim::I32 | Prim::I64 => "Integer",
            Prim::F32 | Prim::F64 => "Number",
            Prim::DateTime => "DateTime",
            Prim::Date => "Date",
            Prim::Uuid => "Uuid",
            Prim::Binary => "Binary",
        }
        .to_owned(),
        TypeRef::External(e) => variant_name_for(&e.wire_ref(), parent),
        TypeRef::Vec(inner) => format!("{}List", variant_name_for(inner, parent)),
        TypeRef::Map(inner) => format!("{}Map", variant_name_for(inner, parent)),
        TypeRef::Nullable(inner) => format!("Optional{}", variant_name_for(inner, parent)),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::JsonObject => "Object".to_owned(),
    }
}

fn doc_of(data: &SchemaData) -> Option<String> {
    docs::paragraphs([data.title.as_deref(), data.description.as_deref()])
}

/// A key that is equal for two inline schemas of the same shape: their JSON without prose.
fn canonical_key(schema: &Schema) -> String {
    fn strip(v: &mut Value, is_property_map: bool) {
        match v {
            Value::Object(map) => {
                if !is_property_map {
                    for k in ["description", "example", "externalDocs"] {
                        map.remove(k);
                    }
                }
                for (k, child) in map.iter_mut() {
                    strip(child, !is_property_map && k == "properties");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| strip(i, false)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(schema).unwrap_or(Value::Null);
    strip(&mut v, false);
    v.to_string()
}
