//! List operations: which operations page, and where their items and next page number are, so
//! that the client can follow the pages. Configured by `[spec.options.pagination]`.
//!
//! An operation is a list when it has the configured page and limit query parameters (both
//! integers), and its success body is an object in which the configured `next_page` path leads,
//! through object fields, to an integer; its items are the one array field of the object that
//! holds the pagination object (`content` for `content.pagination.next_page`).

use std::collections::BTreeMap;

use super::{Field, FieldRepr, Operation, ParamLocation, Prim, TypeDef, TypeKind, TypeRef};
use crate::config::Pagination;

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct ListOperation {
    /// Rust name of the page parameter.
    pub page_param: String,
    /// Its integer type.
    pub page_ty: Prim,
    /// Rust name of the limit parameter.
    pub limit_param: String,
    /// The named type of the success body.
    pub response: String,
    /// Fields from the body to the next page's number.
    pub next_page: Vec<Step>,
    /// The next page number's integer type.
    pub next_page_ty: Prim,
    /// Fields from the body to the items array.
    pub items: Vec<Step>,
    /// The type of one item.
    pub item_ty: TypeRef,
}

/// One field access on the way to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Rust field name.
    pub field: String,
    /// How many `Option`s wrap the field's value (0, 1, or 2 for absent-or-null fields).
    pub options: u8,
}

/// Sets `Operation::list` of the operations that page (`[spec.options.pagination]`).
pub fn mark(
    operations: &mut [Operation],
    types: &BTreeMap<String, TypeDef>,
    settings: Option<&Pagination>,
) {
    let Some(settings) = settings else {
        return;
    };
    for op in operations {
        op.list = list_operation(op, types, settings);
    }
}

fn integer(ty: &TypeRef) -> Option<Prim> {
    match ty {
        TypeRef::Prim(p @ (Prim::I32 | Prim::I64)) => Some(*p),
        _ => None,
    }
}

fn struct_fields<'a>(types: &'a BTreeMap<String, TypeDef>, ty: &TypeRef) -> Option<&'a [Field]> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    match &types.get(name)?.kind {
        TypeKind::Struct(s) => Some(&s.fields),
        TypeKind::Alias(inner) => struct_fields(types, inner),
        _ => None,
    }
}

fn step(f: &Field) -> Step {
    Step {
        field: f.name.clone(),
        options: match f.repr {
            FieldRepr::Plain | FieldRepr::Defaulted => 0,
            FieldRepr::Nullable | FieldRepr::Optional => 1,
            FieldRepr::OptionalNullable => 2,
        },
    }
}

fn list_operation(
    op: &Operation,
    types: &BTreeMap<String, TypeDef>,
    settings: &Pagination,
) -> Option<ListOperation> {
    let query = |name: &str| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.name == name)
    };
    let page = query(&settings.page_param)?;
    let limit = query(&settings.limit_param)?;
    let page_ty = integer(&page.ty)?;
    integer(&limit.ty)?;
    let (_, body) = op.success()?.body.as_ref()?;
    let TypeRef::Named(response) = body else {
        return None;
    };
    let segments: Vec<&str> = settings.next_page.split('.').collect();
    if segments.len() < 2 {
        return None;
    }
    // walk the path, remembering each struct passed through
    let mut ty = body.clone();
    let mut next_page = Vec::new();
    let mut holders = Vec::new();
    for segment in &segments {
        let fields = struct_fields(types, &ty)?;
        let field = fields.iter().find(|f| f.json_name == *segment)?;
        holders.push(fields);
        next_page.push(step(field));
        ty = field.ty.clone();
    }
    let next_page_ty = integer(&ty)?;
    // the object holding the pagination object: the struct before the last two steps
    let holder = holders[segments.len() - 2];
    let pagination_field = &next_page[segments.len() - 2].field;
    let mut arrays = holder
        .iter()
        .filter(|f| &f.name != pagination_field)
        .filter_map(|f| match &f.ty {
            TypeRef::Vec(item) => Some((f, item)),
            _ => None,
        });
    let (items_field, item_ty) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    let mut items = next_page[..segments.len() - 2].to_vec();
    items.push(step(items_field));
    Some(ListOperation {
        page_param: page.rust_name.clone(),
        page_ty,
        limit_param: limit.rust_name.clone(),
        response: response.clone(),
        next_page,
        next_page_ty,
        items,
        item_ty: (**item_ty).clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Options;
    use crate::model::Model;

    fn model(yaml: &str, pagination: bool) -> Model {
        let doc: serde_json::Value = serde_yaml::from_str(yaml).unwrap();
        let spec = crate::load::LoadedSpec {
            openapi: crate::load::parse_openapi(&doc, std::path::Path::new("t.yaml")).unwrap(),
            raw: doc,
            files: Vec::new(),
            warnings: Vec::new(),
        };
        let options = Options {
            pagination: pagination.then(|| Pagination {
                page_param: "page".into(),
                limit_param: "limit".into(),
                next_page: "content.pagination.next_page".into(),
            }),
            ..Options::default()
        };
        Model::build(&spec, &options).unwrap()
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items:
    get:
      operationId: list-items
      parameters:
      - {name: page, in: query, schema: {type: integer}}
      - {name: limit, in: query, schema: {type: integer, format: int32}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [content]
                properties:
                  content:
                    type: object
                    required: [items, pagination]
                    properties:
                      items: {type: array, items: {$ref: '#/components/schemas/Item'}}
                      pagination: {$ref: '#/components/schemas/Pagination'}
  /no-limit:
    get:
      operationId: no-limit
      parameters:
      - {name: page, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ItemPage'}
  /two-arrays:
    get:
      operationId: two-arrays
      parameters:
      - {name: page, in: query, schema: {type: integer}}
      - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  content:
                    type: object
                    properties:
                      a: {type: array, items: {type: string}}
                      b: {type: array, items: {type: string}}
                      pagination: {$ref: '#/components/schemas/Pagination'}
  /no-next:
    get:
      operationId: no-next
      parameters:
      - {name: page, in: query, schema: {type: string}}
      - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
components:
  schemas:
    Item:
      type: object
      properties:
        id: {type: string}
    ItemPage:
      type: object
      required: [content]
      properties:
        content:
          type: object
          required: [items, pagination]
          properties:
            items: {type: array, items: {$ref: '#/components/schemas/Item'}}
            pagination: {$ref: '#/components/schemas/Pagination'}
    Pagination:
      type: object
      required: [next_page]
      properties:
        next_page: {type: integer, nullable: true}
"#;

    /// The operations that page, by id.
    fn lists(m: &Model) -> Vec<(&str, &ListOperation)> {
        m.operations
            .iter()
            .filter_map(|op| op.list.as_ref().map(|l| (op.id.as_str(), l)))
            .collect()
    }

    #[test]
    fn detects_a_list_operation() {
        let m = model(SPEC, true);
        let lists = lists(&m);
        assert_eq!(lists.len(), 1, "{lists:#?}");
        let (id, list) = lists[0];
        assert_eq!(id, "list-items");
        assert_eq!(list.page_param, "page");
        assert_eq!(list.page_ty, Prim::I64);
        assert_eq!(list.limit_param, "limit");
        assert_eq!(list.response, "ListItemsResponse");
        let fields = |steps: &[Step]| {
            steps
                .iter()
                .map(|s| (s.field.clone(), s.options))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(&list.next_page),
            [
                ("content".to_owned(), 0),
                ("pagination".to_owned(), 0),
                ("next_page".to_owned(), 1)
            ]
        );
        assert_eq!(
            fields(&list.items),
            [("content".to_owned(), 0), ("items".to_owned(), 0)]
        );
        assert_eq!(list.item_ty, TypeRef::Named("Item".into()));
        assert_eq!(list.next_page_ty, Prim::I64);
    }

    #[test]
    fn optional_steps_count_their_options() {
        let spec = SPEC.replace("required: [content]", "required: []");
        let m = model(&spec, true);
        assert_eq!(lists(&m)[0].1.next_page[0].options, 1);
        assert_eq!(lists(&m)[0].1.items[0].options, 1);
    }

    #[test]
    fn nothing_without_settings() {
        assert!(lists(&model(SPEC, false)).is_empty());
    }

    #[test]
    fn wrong_next_page_path_is_not_a_list() {
        let doc: serde_json::Value = serde_yaml::from_str(SPEC).unwrap();
        let spec = crate::load::LoadedSpec {
            openapi: crate::load::parse_openapi(&doc, std::path::Path::new("t.yaml")).unwrap(),
            raw: doc,
            files: Vec::new(),
            warnings: Vec::new(),
        };
        let options = Options {
            pagination: Some(Pagination {
                page_param: "page".into(),
                limit_param: "limit".into(),
                next_page: "content.paging.next".into(),
            }),
            ..Options::default()
        };
        assert!(lists(&Model::build(&spec, &options).unwrap()).is_empty());
    }
}
