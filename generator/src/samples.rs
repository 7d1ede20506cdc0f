//! Sample JSON values of a model's types that the spec accepts: required fields (and, when
//! asked, the optional ones), the first value of an enum, the mapped or first alternative of a
//! union, and strings, numbers and arrays within their `format`, bounds and lengths. The one
//! sampler of the project: the generated conformance test calls every operation with them, and
//! tests and benchmarks of the generated crates build their inputs with them.

use serde_json::{json, Map, Value};

use crate::model::{Constraints, Model, Prim, TypeKind, TypeRef};

/// Past this depth, structs get their required fields only and arrays no items (recursive
/// types end).
const DEPTH_LIMIT: usize = 8;

/// A sampler over a model.
#[derive(Debug, Clone, Copy)]
pub struct Samples<'m> {
    model: &'m Model,
    /// Items in every array (at least its `minItems`, at most its `maxItems`).
    items: usize,
    /// Optional fields too.
    optional: bool,
}

impl<'m> Samples<'m> {
    /// The smallest valid values: required fields only, one item per array.
    pub fn minimal(model: &'m Model) -> Samples<'m> {
        Samples {
            model,
            items: 1,
            optional: false,
        }
    }

    /// Complete values: every field, `items` items per array.
    pub fn complete(model: &'m Model, items: usize) -> Samples<'m> {
        Samples {
            model,
            items,
            optional: true,
        }
    }

    /// A value of `ty`.
    pub fn of(&self, ty: &TypeRef) -> Value {
        self.value(ty, None, 0)
    }

    /// A value of `ty` within `constraints` (those of a field or a parameter).
    pub fn of_constrained(&self, ty: &TypeRef, constraints: &Constraints) -> Value {
        self.value(ty, Some(constraints), 0)
    }

    /// A value of the named type.
    pub fn named(&self, name: &str) -> Value {
        self.of(&TypeRef::Named(name.to_owned()))
    }

    fn value(&self, ty: &TypeRef, c: Option<&Constraints>, depth: usize) -> Value {
        match ty {
            TypeRef::Prim(p) => prim(*p, c),
            TypeRef::External(e) => prim(e.wire, c),
            TypeRef::Nullable(inner) => self.value(inner, c, depth),
            TypeRef::Vec(inner) => {
                let min = c.and_then(|c| c.min_items).unwrap_or(0);
                let max = c.and_then(|c| c.max_items).unwrap_or(usize::MAX);
                let n = if depth > DEPTH_LIMIT {
                    min
                } else {
                    self.items.max(min).min(max)
                };
                Value::Array((0..n).map(|_| self.value(inner, None, depth + 1)).collect())
            }
            TypeRef::Map(inner) if depth <= DEPTH_LIMIT => {
                json!({ "key": self.value(inner, None, depth + 1) })
            }
            TypeRef::Map(_) | TypeRef::JsonObject => json!({}),
            TypeRef::Json => json!({ "key": "value" }),
            TypeRef::Bytes => json!("sample"),
            TypeRef::Named(name) => self.named_value(name, depth),
        }
    }

    fn named_value(&self, name: &str, depth: usize) -> Value {
        let Some(def) = self.model.types.get(name) else {
            return Value::Null;
        };
        match &def.kind {
            TypeKind::Alias(t) => self.value(t, None, depth),
            TypeKind::StringEnum(values) => {
                values.first().map_or(json!("value"), |v| json!(v.value))
            }
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                for f in &s.fields {
                    let wanted = f.required || (self.optional && depth <= DEPTH_LIMIT);
                    if wanted {
                        let value = self.value(&f.ty, Some(&f.constraints), depth + 1);
                        object.insert(f.json_name.clone(), value);
                    }
                }
                for flat in &s.flattened {
                    if let Value::Object(more) = self.value(&flat.ty, None, depth + 1) {
                        object.extend(more);
                    }
                }
                Value::Object(object)
            }
            TypeKind::Union(u) => match &u.discriminator {
                Some(d) => {
                    let (tag, index) = &d.mapping[0];
                    let mut value = self.value(&u.variants[*index].ty, None, depth + 1);
                    if let Value::Object(object) = &mut value {
                        object.insert(d.property.clone(), json!(tag));
                    }
                    value
                }
                None => {
                    // a `oneOf` accepts a value of exactly one alternative: the first whose
                    // sample no other alternative would take too
                    let candidates: Vec<Value> = u
                        .variants
                        .iter()
                        .map(|v| self.value(&v.ty, None, depth + 1))
                        .collect();
                    let unique = candidates.iter().enumerate().position(|(i, value)| {
                        u.variants
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || !self.accepts(&other.ty, value))
                    });
                    candidates
                        .into_iter()
                        .nth(unique.unwrap_or(0))
                        .unwrap_or(Value::Null)
                }
            },
        }
    }

    /// Whether a value of `ty` could be `value`, roughly: the JSON kind, and for structs
    /// their required properties and the values of their enum properties.
    fn accepts(&self, ty: &TypeRef, value: &Value) -> bool {
        let def = match ty {
            TypeRef::Named(name) => self.model.types.get(name),
            TypeRef::Nullable(inner) => return value.is_null() || self.accepts(inner, value),
            TypeRef::External(e) => return self.accepts(&e.wire_ref(), value),
            TypeRef::Prim(Prim::Bool) => return value.is_boolean(),
            TypeRef::Prim(Prim::I32 | Prim::I64) => return value.is_i64() || value.is_u64(),
            TypeRef::Prim(Prim::F32 | Prim::F64) => return value.is_number(),
            TypeRef::Prim(_) => return value.is_string(),
            TypeRef::Vec(_) => return value.is_array(),
            TypeRef::Map(_) | TypeRef::JsonObject => return value.is_object(),
            TypeRef::Json => return true,
            TypeRef::Bytes => return value.is_string(),
        };
        let Some(def) = def else {
            return true;
        };
        match &def.kind {
            TypeKind::Alias(t) => self.accepts(t, value),
            TypeKind::StringEnum(values) => values.iter().any(|v| value == v.value.as_str()),
            TypeKind::Union(u) => u.variants.iter().any(|v| self.accepts(&v.ty, value)),
            TypeKind::Struct(s) => {
                let Value::Object(object) = value else {
                    return false;
                };
                s.fields.iter().all(|f| match object.get(&f.json_name) {
                    None => !f.required,
                    Some(v) => {
                        !matches!(
                            f.ty.named()
                                .and_then(|n| self.model.types.get(n))
                                .map(|d| &d.kind),
                            Some(TypeKind::StringEnum(_))
                        ) || self.accepts(&f.ty, v)
                    }
                }) && s.flattened.iter().all(|flat| self.accepts(&flat.ty, value))
            }
        }
    }
}

/// A primitive within its constraints.
fn prim(p: Prim, c: Option<&Constraints>) -> Value {
    let format = c.and_then(|c| c.format.as_deref());
    match p {
        Prim::String | Prim::Binary => {
            let text = match format {
                Some("email") => "ann@example.com".to_owned(),
                Some("uri" | "url") => "https://example.com/a".to_owned(),
                Some("phone") => "+919876543210".to_owned(),
                _ => "sample".to_owned(),
            };
            let min = c.and_then(|c| c.min_length).unwrap_or(0);
            let max = c.and_then(|c| c.max_length).unwrap_or(usize::MAX);
            let mut text = text;
            while text.chars().count() < min {
                text.push('x');
            }
            json!(text.chars().take(max.max(1)).collect::<String>())
        }
        Prim::Bool => json!(true),
        Prim::I32 | Prim::I64 => {
            let n = number(c, 7.0).round();
            json!(n as i64)
        }
        Prim::F32 | Prim::F64 => json!(number(c, 12.5)),
        Prim::DateTime => json!("2024-01-02T03:04:05Z"),
        Prim::Date => json!("2024-01-02"),
        Prim::Uuid => json!("6f1c2b9a-3d4e-4f50-8a1b-2c3d4e5f6a7b"),
    }
}

/// `preferred`, moved into `[minimum, maximum]` (one past an exclusive bound).
fn number(c: Option<&Constraints>, preferred: f64) -> f64 {
    let Some(c) = c else {
        return preferred;
    };
    let mut n = preferred;
    if let Some(min) = c.minimum {
        let low = if c.exclusive_minimum { min + 1.0 } else { min };
        n = n.max(low);
    }
    if let Some(max) = c.maximum {
        let high = if c.exclusive_maximum { max - 1.0 } else { max };
        n = n.min(high);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Order:
      type: object
      required: [email, count, lines, kind, pet]
      properties:
        email: {type: string, format: email}
        count: {type: integer, minimum: 10, maximum: 20}
        code: {type: string, minLength: 12}
        lines: {type: array, minItems: 2, items: {type: string}}
        kind: {type: string, enum: [b, a]}
        pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}]
          discriminator: {propertyName: pet_type, mapping: {cat: '#/components/schemas/Cat'}}
    Cat:
      type: object
      required: [pet_type]
      properties: {pet_type: {type: string}, name: {type: string}}
"#;

    #[test]
    fn minimal_values_meet_the_spec() {
        let model = crate::model::of_yaml(SPEC);
        let order = Samples::minimal(&model).named("Order");
        assert_eq!(
            order,
            json!({
                "email": "ann@example.com",
                "count": 10,
                "lines": ["sample", "sample"],
                "kind": "b",
                "pet": {"pet_type": "cat"},
            })
        );
    }

    #[test]
    fn a_one_of_sample_is_of_exactly_one_alternative() {
        let model = crate::model::of_yaml(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Change:
      oneOf:
        - {$ref: '#/components/schemas/Wide'}
        - {$ref: '#/components/schemas/Narrow'}
    Wide:
      type: object
      required: [command, a, b]
      properties: {command: {type: string, enum: [update]}, a: {type: string}, b: {type: string}}
    Narrow:
      type: object
      required: [command, a]
      properties: {command: {type: string, enum: [update]}, a: {type: string}}
"#,
        );
        // a `Wide` value is a `Narrow` one too; only a `Narrow` one is of exactly one
        assert_eq!(
            Samples::minimal(&model).named("Change"),
            json!({"command": "update", "a": "sample"})
        );
    }

    #[test]
    fn complete_values_have_every_field_within_its_bounds() {
        let model = crate::model::of_yaml(SPEC);
        let order = Samples::complete(&model, 3).named("Order");
        assert_eq!(order["code"], json!("samplexxxxxx"));
        assert_eq!(order["lines"].as_array().map(Vec::len), Some(3));
        assert_eq!(order["pet"]["name"], json!("sample"));
    }
}
