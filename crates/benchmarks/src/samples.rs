//! Complete JSON values of the spec's schemas, from the generator's model of
//! `spec/storefront.yaml`: every field present (optional ones too), arrays of a chosen length,
//! the first alternative of unions, the first value of enums.

use std::path::PathBuf;

use generator::model::{Model, Prim, TypeKind, TypeRef};
use serde_json::{json, Value};

/// The model of the project's spec.
pub struct Samples {
    model: Model,
}

impl Samples {
    /// Loads `spec/storefront.yaml` with the options of `codegen.toml`.
    pub fn load() -> Samples {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let config = generator::ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
        let spec = &config.specs[0];
        let loaded = generator::load::load(&root.join(&spec.path)).expect("the spec loads");
        Samples {
            model: Model::build(&loaded, &spec.options).expect("the model builds"),
        }
    }

    /// A value of the named type, with `items` elements in every array.
    pub fn json(&self, name: &str, items: usize) -> Value {
        self.value(&TypeRef::Named(name.to_owned()), items, 0)
    }

    /// The same, parsed as its Rust type (panics when the sample does not parse: a bug here).
    pub fn typed<T: serde::de::DeserializeOwned>(&self, name: &str, items: usize) -> T {
        serde_json::from_value(self.json(name, items))
            .unwrap_or_else(|e| panic!("the sample of {name} does not parse: {e}"))
    }

    fn value(&self, ty: &TypeRef, items: usize, depth: usize) -> Value {
        match ty {
            TypeRef::Prim(p) => match p {
                Prim::String | Prim::Binary => json!("sample text"),
                Prim::Bool => json!(true),
                Prim::I32 | Prim::I64 => json!(7),
                Prim::F32 | Prim::F64 => json!(12.5),
                Prim::DateTime => json!("2024-01-02T03:04:05Z"),
                Prim::Date => json!("2024-01-02"),
                Prim::Uuid => json!("6f1c2b9a-3d4e-4f50-8a1b-2c3d4e5f6a7b"),
            },
            TypeRef::Vec(inner) if depth < 6 => Value::Array(
                (0..items)
                    .map(|_| self.value(inner, items, depth + 1))
                    .collect(),
            ),
            TypeRef::Vec(_) => json!([]),
            TypeRef::Map(inner) if depth < 6 => json!({"key": self.value(inner, items, depth + 1)}),
            TypeRef::Map(_) => json!({}),
            TypeRef::Json | TypeRef::JsonObject => json!({"key": "value"}),
            TypeRef::Nullable(inner) => self.value(inner, items, depth),
            TypeRef::Named(name) => {
                let def = &self.model.types[name];
                match &def.kind {
                    TypeKind::Alias(t) => self.value(t, items, depth),
                    TypeKind::StringEnum(values) => json!(values[0].value),
                    TypeKind::Struct(s) => {
                        let mut object = serde_json::Map::new();
                        for f in &s.fields {
                            if depth > 8 && !f.required {
                                continue;
                            }
                            let mut value = self.value(&f.ty, items, depth + 1);
                            if f.constraints.format.as_deref() == Some("email") {
                                value = json!("ann@example.com");
                            }
                            object.insert(f.json_name.clone(), value);
                        }
                        for flat in &s.flattened {
                            if let Value::Object(more) = self.value(&flat.ty, items, depth + 1) {
                                object.extend(more);
                            }
                        }
                        Value::Object(object)
                    }
                    TypeKind::Union(u) => match &u.discriminator {
                        Some(d) => {
                            let (tag, index) = &d.mapping[0];
                            let mut value = self.value(&u.variants[*index].ty, items, depth + 1);
                            value[&d.property] = json!(tag);
                            value
                        }
                        None => self.value(&u.variants[0].ty, items, depth + 1),
                    },
                }
            }
        }
    }
}
