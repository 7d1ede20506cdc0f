//! Names that explain themselves: an inline body shared by several operations is named after
//! the first operation that used it (identical shapes are deduplicated), so `get-cart` would
//! answer a `GetUserCartResponse`. Each other operation gets an alias named after itself
//! (`pub type GetCartResponse = GetUserCartResponse;`), and its response (and its envelope's
//! content) refers to the alias, so that every signature and doc reads in the operation's
//! own terms. Component schemas keep their names: they are named by the spec.

use std::collections::BTreeMap;

use super::{Operation, TypeDef, TypeKind, TypeRef};

/// Adds the aliases to `types` and points `operations` at them.
pub fn assign(operations: &mut [Operation], types: &mut BTreeMap<String, TypeDef>) {
    for op in operations.iter_mut() {
        let success = op.success().map(|r| r.status);
        let type_name = op.type_name.clone();
        for r in op.responses.iter_mut() {
            let Some((_, ty)) = &mut r.body else { continue };
            let wanted = if Some(r.status) == success {
                format!("{type_name}Response")
            } else {
                continue;
            };
            if let Some(alias) = alias(types, ty, &wanted, &op.id) {
                if let Some(env) = &mut op.envelope {
                    env.body = alias.clone();
                }
                *ty = TypeRef::Named(alias);
            }
        }
        if let Some(content) = op.envelope.as_mut().and_then(|e| e.content.as_mut()) {
            let wanted = format!("{type_name}ResponseContent");
            if let Some(alias) = alias(types, &content.ty, &wanted, &op.id) {
                content.ty = TypeRef::Named(alias);
            }
        }
    }
}

/// The alias `wanted` of the inline type `ty`, added to `types` when `ty` is an inline type
/// named otherwise and `wanted` is free (or already this alias).
fn alias(
    types: &mut BTreeMap<String, TypeDef>,
    ty: &TypeRef,
    wanted: &str,
    operation: &str,
) -> Option<String> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    if name == wanted {
        return None;
    }
    let target = types.get(name)?;
    if target.pointer.starts_with("#/components/") {
        return None;
    }
    let alias_kind = TypeKind::Alias(TypeRef::Named(name.clone()));
    match types.get(wanted) {
        Some(existing) if existing.kind == alias_kind => return Some(wanted.to_owned()),
        Some(_) => return None,
        None => {}
    }
    let def = TypeDef {
        name: wanted.to_owned(),
        doc: Some(format!(
            "The `{wanted}` of the operation `{operation}`: the same shape as [`{name}`], \
             which another operation named first."
        )),
        pointer: target.pointer.clone(),
        kind: alias_kind,
        usage: target.usage,
    };
    types.insert(wanted.to_owned(), def);
    Some(wanted.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::config::Options;
    use crate::model::{Model, TypeKind, TypeRef};

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /carts/users/{id}:
    get:
      operationId: get-user-cart
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {total: {type: number}}}
  /carts/{id}:
    get:
      operationId: get-cart
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {total: {type: number}}}
  /things:
    get:
      operationId: list-things
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing: {type: object, properties: {total: {type: number}}}
"##;

    fn model() -> Model {
        let spec = crate::load::parse_str(SPEC, std::path::Path::new("t.yaml")).expect("spec");
        Model::build(&spec, &Options::default()).expect("model")
    }

    #[test]
    fn an_operation_answering_a_shape_named_by_another_gets_an_alias() {
        let m = model();
        let get_cart = &m.operations[1];
        let body = &get_cart
            .success()
            .expect("200")
            .body
            .as_ref()
            .expect("body")
            .1;
        assert_eq!(body, &TypeRef::Named("GetCartResponse".into()));
        assert_eq!(
            m.types["GetCartResponse"].kind,
            TypeKind::Alias(TypeRef::Named("GetUserCartResponse".into()))
        );
    }

    #[test]
    fn the_first_user_and_component_schemas_keep_their_names() {
        let m = model();
        let first = &m.operations[0]
            .success()
            .expect("200")
            .body
            .as_ref()
            .expect("body")
            .1;
        assert_eq!(first, &TypeRef::Named("GetUserCartResponse".into()));
        let component = &m.operations[2]
            .success()
            .expect("200")
            .body
            .as_ref()
            .expect("body")
            .1;
        assert_eq!(component, &TypeRef::Named("Thing".into()));
        assert!(!m.types.contains_key("ListThingsResponse"));
    }
}
