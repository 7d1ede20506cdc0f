//! Multipart bodies: the one decision of how each field of a multipart struct travels, for the
//! client that sends it and the server that takes it apart. Aliases are resolved (a field
//! typed as an alias of `format: binary` is a file), and what a form cannot carry (files
//! nested in arrays or maps, a body that is not an object) is recorded as a problem, which the
//! server emitter reports as `Error::Unsupported`.

use std::collections::BTreeMap;

use super::{BodyKind, Field, Operation, Prim, TypeDef, TypeKind, TypeRef};

/// How one field of a multipart struct is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum PartEncoding {
    /// One file part.
    File,
    /// Repeated file parts.
    Files,
    /// One text part, parsed as the type.
    Text(TypeRef),
    /// Repeated text parts, each parsed as the item type.
    TextArray(TypeRef),
    /// One part of JSON text.
    Json(TypeRef),
    /// Repeated parts of JSON text, one per item.
    JsonArray(TypeRef),
}

impl PartEncoding {
    /// A file part or repeated file parts.
    pub fn is_file(&self) -> bool {
        matches!(self, PartEncoding::File | PartEncoding::Files)
    }
}

/// A multipart body type and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartBody {
    /// The body type as operations use it.
    pub ty: TypeRef,
    /// The struct behind it (aliases resolved); `None` when it is not a struct.
    pub struct_name: Option<String>,
    /// The encoding of each field of the struct, in field order (`Field::name`, encoding).
    pub parts: Vec<(String, PartEncoding)>,
    /// Why a form cannot carry it, as (JSON pointer, construct): the first problem.
    pub problem: Option<(String, String)>,
}

impl MultipartBody {
    /// The encoding of the struct's field `name`.
    pub fn part(&self, name: &str) -> Option<&PartEncoding> {
        self.parts.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }
}

/// The multipart body types of the operations, once each, in order of first use.
pub fn bodies(operations: &[Operation], types: &BTreeMap<String, TypeDef>) -> Vec<MultipartBody> {
    let mut out: Vec<MultipartBody> = Vec::new();
    for op in operations {
        let Some(body) = op.body.as_ref().filter(|b| b.kind == BodyKind::Multipart) else {
            continue;
        };
        if out.iter().any(|b| b.ty == body.ty) {
            continue;
        }
        let at = format!("{}/requestBody", op.pointer);
        let def = match resolve(&body.ty, types) {
            TypeRef::Named(n) => types.get(n),
            _ => None,
        };
        let Some((def, s)) = def.and_then(|d| match &d.kind {
            TypeKind::Struct(s) => Some((d, s)),
            _ => None,
        }) else {
            out.push(MultipartBody {
                ty: body.ty.clone(),
                struct_name: None,
                parts: Vec::new(),
                problem: Some((at, "a multipart body that is not an object".to_owned())),
            });
            continue;
        };
        let mut problem = (!s.flattened.is_empty()).then(|| {
            (
                def.pointer.clone(),
                "a multipart body with `oneOf`/`anyOf` members".to_owned(),
            )
        });
        let mut parts = Vec::new();
        for f in &s.fields {
            let (encoding, nested) = encoding(f, types);
            if let (None, Some(what)) = (&problem, nested) {
                problem = Some((
                    def.pointer.clone(),
                    format!("multipart field `{}`: files nested in {what}", f.json_name),
                ));
            }
            parts.push((f.name.clone(), encoding));
        }
        out.push(MultipartBody {
            ty: body.ty.clone(),
            struct_name: Some(def.name.clone()),
            parts,
            problem,
        });
    }
    out
}

/// How a field is sent, and where it nests files a form cannot carry (`arrays`, `a map`); such
/// a field is sent as JSON text.
fn encoding(f: &Field, types: &BTreeMap<String, TypeDef>) -> (PartEncoding, Option<&'static str>) {
    match resolve(&f.ty, types) {
        TypeRef::Prim(Prim::Binary) => (PartEncoding::File, None),
        TypeRef::Vec(inner) => {
            if *resolve(inner, types) == TypeRef::Prim(Prim::Binary) {
                (PartEncoding::Files, None)
            } else if contains_binary(inner, types) {
                (PartEncoding::JsonArray((**inner).clone()), Some("arrays"))
            } else if is_text(inner, types) {
                (PartEncoding::TextArray((**inner).clone()), None)
            } else {
                (PartEncoding::JsonArray((**inner).clone()), None)
            }
        }
        _ if contains_binary(&f.ty, types) => (PartEncoding::Json(f.ty.clone()), Some("a map")),
        _ if is_text(&f.ty, types) => (PartEncoding::Text(f.ty.clone()), None),
        _ => (PartEncoding::Json(f.ty.clone()), None),
    }
}

/// The type behind a chain of aliases.
fn resolve<'a>(t: &'a TypeRef, types: &'a BTreeMap<String, TypeDef>) -> &'a TypeRef {
    let mut t = t;
    // alias chains are short; bound them anyway
    for _ in 0..16 {
        match t {
            TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => t = target,
                _ => return t,
            },
            _ => return t,
        }
    }
    t
}

/// Whether a type holds `format: binary` in arrays, maps or aliases.
fn contains_binary(t: &TypeRef, types: &BTreeMap<String, TypeDef>) -> bool {
    match resolve(t, types) {
        TypeRef::Prim(Prim::Binary) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            contains_binary(inner, types)
        }
        _ => false,
    }
}

/// Whether a type is sent as plain text: a primitive other than binary, or a string enum.
fn is_text(t: &TypeRef, types: &BTreeMap<String, TypeDef>) -> bool {
    match resolve(t, types) {
        TypeRef::Prim(p) => *p != Prim::Binary,
        TypeRef::Named(n) => matches!(types.get(n).map(|d| &d.kind), Some(TypeKind::StringEnum(_))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(properties: &str) -> String {
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /up:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
{properties}
      responses: {{'204': {{description: ok}}}}
components:
  schemas:
    Blob: {{type: string, format: binary}}
    Kind: {{type: string, enum: [a, b]}}
    Meta: {{type: object, properties: {{x: {{type: string}}}}}}
"#
        )
    }

    #[test]
    fn each_field_gets_its_encoding() {
        let model = crate::model::of_yaml(&spec(
            "                file: {type: string, format: binary}
                files: {type: array, items: {type: string, format: binary}}
                title: {type: string}
                kind: {$ref: '#/components/schemas/Kind'}
                tags: {type: array, items: {type: string}}
                kinds: {type: array, items: {$ref: '#/components/schemas/Kind'}}",
        ));
        let [body] = model.multipart.as_slice() else {
            panic!("one multipart body: {:?}", model.multipart);
        };
        assert_eq!(body.problem, None);
        assert_eq!(body.struct_name.as_deref(), Some("UploadBody"));
        let kind = TypeRef::Named("Kind".to_owned());
        let string = TypeRef::Prim(Prim::String);
        assert_eq!(
            body.parts,
            [
                ("file".to_owned(), PartEncoding::File),
                ("files".to_owned(), PartEncoding::Files),
                ("title".to_owned(), PartEncoding::Text(string.clone())),
                ("kind".to_owned(), PartEncoding::Text(kind.clone())),
                ("tags".to_owned(), PartEncoding::TextArray(string)),
                ("kinds".to_owned(), PartEncoding::TextArray(kind)),
            ]
        );
    }

    /// The analysis refuses such fields in writable properties; the decision still covers
    /// them (the server takes read-only fields too).
    #[test]
    fn aliases_are_resolved_and_nested_files_are_a_problem() {
        let model = crate::model::of_yaml(&spec("                file: {type: string}"));
        let mut types = model.types.clone();
        let binary = TypeRef::Prim(Prim::Binary);
        let alias = |name: &str, ty: TypeRef| TypeDef {
            name: name.to_owned(),
            doc: None,
            pointer: format!("#/components/schemas/{name}"),
            kind: TypeKind::Alias(ty),
            usage: Default::default(),
        };
        types.insert("Blob".to_owned(), alias("Blob", binary.clone()));
        types.insert(
            "Blobs".to_owned(),
            alias(
                "Blobs",
                TypeRef::Vec(Box::new(TypeRef::Named("Blob".into()))),
            ),
        );
        let set_field = |types: &mut BTreeMap<String, TypeDef>, ty: TypeRef| {
            let Some(TypeKind::Struct(s)) = types.get_mut("UploadBody").map(|d| &mut d.kind) else {
                panic!("a struct body");
            };
            s.fields[0].ty = ty;
        };
        let part = |types: &BTreeMap<String, TypeDef>| {
            let body = bodies(&model.operations, types).remove(0);
            (body.parts[0].1.clone(), body.problem.map(|(_, p)| p))
        };
        set_field(&mut types, TypeRef::Named("Blob".into()));
        assert_eq!(part(&types), (PartEncoding::File, None));
        set_field(&mut types, TypeRef::Named("Blobs".into()));
        assert_eq!(part(&types), (PartEncoding::Files, None));
        let grid = TypeRef::Vec(Box::new(TypeRef::Vec(Box::new(binary.clone()))));
        set_field(&mut types, grid);
        assert_eq!(
            part(&types).1.as_deref(),
            Some("multipart field `file`: files nested in arrays")
        );
        set_field(&mut types, TypeRef::Map(Box::new(binary)));
        assert_eq!(
            part(&types).1.as_deref(),
            Some("multipart field `file`: files nested in a map")
        );
    }
}
