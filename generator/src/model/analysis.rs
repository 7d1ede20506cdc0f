//! Whole-model decisions, made once every type exists: which types are sent and received,
//! which fields must be boxed (recursion), how each field is represented, which request types
//! a server validates, which defaults are usable, and which optional crates are needed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{BodyKind, FieldRepr, Operation, Prim, TypeDef, TypeKind, TypeRef, Usage, Uses};
use crate::error::{Error, Result, Warning};

/// Runs every analysis over `types`.
pub fn analyse(
    types: &mut BTreeMap<String, TypeDef>,
    operations: &[Operation],
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    check_alias_cycles(types)?;
    unusable_patterns(types, warnings);
    usage(types, operations);
    unknown_arms(types);
    check_binary(types)?;
    boxing(types);
    representation(types);
    validation(types);
    Ok(())
}

fn usage(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation]) {
    let mut mark = |roots: Vec<&TypeRef>, apply: fn(&mut Usage)| {
        let mut stack: Vec<String> = roots
            .into_iter()
            .filter_map(|t| t.named().map(str::to_owned))
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(def) = types.get_mut(&name) else {
                continue;
            };
            apply(&mut def.usage);
            stack.extend(
                children(&def.kind)
                    .into_iter()
                    .filter_map(|t| t.named().map(str::to_owned)),
            );
        }
    };
    let inputs: Vec<&TypeRef> = operations
        .iter()
        .flat_map(|o| {
            o.params.iter().map(|p| &p.ty).chain(
                o.body
                    .iter()
                    .filter(|b| b.kind != BodyKind::Multipart)
                    .map(|b| &b.ty),
            )
        })
        .collect();
    mark(inputs, |u| u.input = true);
    let multipart: Vec<&TypeRef> = operations
        .iter()
        .flat_map(|o| {
            o.body
                .iter()
                .filter(|b| b.kind == BodyKind::Multipart)
                .map(|b| &b.ty)
        })
        .collect();
    mark(multipart, |u| u.multipart = true);
    let outputs: Vec<&TypeRef> = operations
        .iter()
        .flat_map(|o| {
            o.responses
                .iter()
                .filter_map(|r| r.body.as_ref().map(|(_, t)| t))
        })
        .collect();
    mark(outputs, |u| u.output = true);
}

/// Gives `UnionDef::unknown` to the unions the API sends (discriminated ones have it already).
fn unknown_arms(types: &mut BTreeMap<String, TypeDef>) {
    for def in types.values_mut() {
        let received = def.usage.output;
        if let TypeKind::Union(u) = &mut def.kind {
            u.unknown = u.discriminator.is_some() || received;
        }
    }
}

/// Marks `Usage::validate`: the request types (sent or multipart) with a string enum, a
/// discriminated union or a checked constraint (of a field that is not boxed) somewhere
/// inside. A fixed point, since types may be recursive.
fn validation(types: &mut BTreeMap<String, TypeDef>) {
    let mut needs: BTreeSet<String> = BTreeSet::new();
    let needs_ty =
        |needs: &BTreeSet<String>, t: &TypeRef| t.named().is_some_and(|n| needs.contains(n));
    loop {
        let mut changed = false;
        for def in types.values() {
            if !(def.usage.input || def.usage.multipart) || needs.contains(&def.name) {
                continue;
            }
            let needed = match &def.kind {
                TypeKind::StringEnum(_) => true,
                TypeKind::Union(u) => {
                    u.unknown || u.variants.iter().any(|x| needs_ty(&needs, &x.ty))
                }
                TypeKind::Struct(s) => {
                    s.fields.iter().any(|f| {
                        needs_ty(&needs, &f.ty)
                            || (!f.boxed && f.constraints.check(&f.ty).is_some())
                    }) || s.extra.as_ref().is_some_and(|t| needs_ty(&needs, t))
                        || s.flattened.iter().any(|f| needs_ty(&needs, &f.ty))
                }
                TypeKind::Alias(t) => needs_ty(&needs, t),
            };
            if needed {
                needs.insert(def.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for name in needs {
        if let Some(def) = types.get_mut(&name) {
            def.usage.validate = true;
        }
    }
}

/// `A = allOf: [$ref B]`, `B = allOf: [$ref A]` would be `type A = B; type B = A;`.
fn check_alias_cycles(types: &BTreeMap<String, TypeDef>) -> Result<()> {
    for def in types.values() {
        let mut seen = vec![def.name.as_str()];
        let mut current = def;
        while let TypeKind::Alias(TypeRef::Named(next)) = &current.kind {
            if seen.contains(&next.as_str()) {
                return Err(Error::invalid(
                    &def.pointer,
                    format!("$ref cycle through `{next}`: the type would contain only itself"),
                ));
            }
            seen.push(next);
            match types.get(next) {
                Some(d) => current = d,
                None => break,
            }
        }
    }
    Ok(())
}

/// Drops the `pattern`s that Rust's regex engine cannot compile (lookaround, backreferences),
/// each with a warning: the value is still typed, its pattern is not checked.
fn unusable_patterns(types: &mut BTreeMap<String, TypeDef>, warnings: &mut Vec<Warning>) {
    for def in types.values_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                let at = format!(
                    "{}/properties/{}",
                    def.pointer,
                    crate::pointer::escape(&f.json_name)
                );
                if let Some(w) = pattern_warning(&mut f.constraints, &at) {
                    warnings.push(w);
                }
            }
        }
    }
}

/// The warning for a `pattern` of `constraints` (of the schema at `at`) that Rust's regex
/// engine cannot compile, which it then drops.
pub fn pattern_warning(constraints: &mut super::Constraints, at: &str) -> Option<Warning> {
    let pattern = constraints.pattern.as_deref()?;
    let e = regex_syntax::Parser::new().parse(pattern).err()?;
    let first = e.to_string().lines().last().unwrap_or_default().to_owned();
    let warning = Warning::new(
        &crate::pointer::append(at, "pattern"),
        format!(
            "pattern `{pattern}` is not checked: Rust's regex engine cannot compile it ({first})"
        ),
    );
    constraints.pattern = None;
    Some(warning)
}

/// The type references a type contains.
pub fn children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.extra.iter())
            .chain(s.flattened.iter().map(|f| &f.ty))
            .collect(),
        TypeKind::StringEnum(_) => Vec::new(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
    }
}

fn contains_binary(t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(Prim::Binary) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            contains_binary(inner)
        }
        _ => false,
    }
}

/// `format: binary` is a file part of a multipart body; JSON has no files. A type used both
/// in a multipart request and in JSON responses may have a binary field only if it is
/// `writeOnly` (never in a response): that field is skipped in JSON.
fn check_binary(types: &BTreeMap<String, TypeDef>) -> Result<()> {
    for def in types.values() {
        if !def.usage.input && !def.usage.output {
            continue;
        }
        let bad = match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| contains_binary(&f.ty) && (def.usage.input || !f.write_only))
                .map(|f| {
                    format!(
                        "{}/properties/{}",
                        def.pointer,
                        crate::pointer::escape(&f.json_name)
                    )
                }),
            kind => children(kind)
                .into_iter()
                .any(contains_binary)
                .then(|| def.pointer.clone()),
        };
        if let Some(at) = bad {
            return Err(Error::unsupported(
                &at,
                "`format: binary` in a JSON body (use `format: byte` for base64 text, or make it `writeOnly` if only multipart requests send it)",
            ));
        }
    }
    Ok(())
}

/// Direct containment (not through `Vec` or a map, which already allocate).
fn direct(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Named(n) => Some(n),
        _ => None,
    }
}

fn reaches(types: &BTreeMap<String, TypeDef>, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = types.get(&name) {
            match &def.kind {
                TypeKind::Struct(s) => {
                    stack.extend(
                        s.fields
                            .iter()
                            .filter(|f| !f.boxed)
                            .filter_map(|f| direct(&f.ty))
                            .map(str::to_owned),
                    );
                    stack.extend(
                        s.flattened
                            .iter()
                            .filter_map(|f| direct(&f.ty))
                            .map(str::to_owned),
                    );
                }
                TypeKind::Union(u) => stack.extend(
                    u.variants
                        .iter()
                        .filter(|v| !v.boxed)
                        .filter_map(|v| direct(&v.ty))
                        .map(str::to_owned),
                ),
                TypeKind::Alias(t) => stack.extend(direct(t).map(str::to_owned)),
                TypeKind::StringEnum(_) => {}
            }
        }
    }
    false
}

/// Boxes every field whose type contains its own struct (else the type would be infinite).
fn boxing(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let fields: Vec<(usize, String)> = match &types[&name].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| direct(&f.ty).map(|t| (i, t.to_owned())))
                .collect(),
            _ => continue,
        };
        for (i, target) in fields {
            if reaches(types, &target, &name) {
                if let Some(TypeKind::Struct(s)) = types.get_mut(&name).map(|d| &mut d.kind) {
                    s.fields[i].boxed = true;
                }
            }
        }
    }
}

fn default_is_literal(value: &Value, ty: &TypeRef, types: &BTreeMap<String, TypeDef>) -> bool {
    match (value, ty) {
        (Value::Bool(_), TypeRef::Prim(Prim::Bool)) => true,
        (Value::Number(n), TypeRef::Prim(Prim::I32)) => {
            n.as_i64().is_some_and(|v| i32::try_from(v).is_ok())
        }
        (Value::Number(n), TypeRef::Prim(Prim::I64)) => n.is_i64(),
        (Value::Number(_), TypeRef::Prim(Prim::F32 | Prim::F64)) => true,
        (Value::String(_), TypeRef::Prim(Prim::String)) => true,
        (Value::String(s), TypeRef::Named(n)) => {
            matches!(types.get(n).map(|t| &t.kind), Some(TypeKind::StringEnum(vs)) if vs.iter().any(|v| v.value == *s))
        }
        _ => false,
    }
}

/// Decides each field's [`FieldRepr`] (see its table).
fn representation(types: &mut BTreeMap<String, TypeDef>) {
    let snapshot = types.clone();
    for def in types.values_mut() {
        let usage = def.usage;
        let json = usage.input || usage.output || !usage.multipart;
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for f in &mut s.fields {
            let literal = f
                .default
                .as_ref()
                .is_some_and(|d| default_is_literal(d, &f.ty, &snapshot));
            // an external type's default stays, for its docs and the change report
            if !literal && !matches!(f.ty, TypeRef::External(_)) {
                f.default = None;
            }
            let required = f.required
                && !(f.read_only && (usage.input || usage.multipart))
                && !(f.write_only && usage.output);
            f.repr = match (required, f.nullable) {
                (true, false) => FieldRepr::Plain,
                (true, true) => FieldRepr::Nullable,
                // serde applies defaults; a multipart-only type is built part by part instead
                (false, false) if literal && json => FieldRepr::Defaulted,
                (false, false) => FieldRepr::Optional,
                (false, true) if usage.input => FieldRepr::OptionalNullable,
                (false, true) => FieldRepr::Optional,
            };
        }
    }
}

/// Which optional crates the types need.
pub fn uses(types: &BTreeMap<String, TypeDef>, options: &crate::config::Options) -> Uses {
    fn prims(t: &TypeRef, out: &mut BTreeSet<Prim>) {
        match t {
            TypeRef::Prim(p) => {
                out.insert(*p);
            }

            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                prims(inner, out)
            }
            _ => {}
        }
    }
    let mut all = BTreeSet::new();
    let mut serde_with = false;
    for def in types.values() {
        for t in children(&def.kind) {
            prims(t, &mut all);
        }
        if let TypeKind::Struct(s) = &def.kind {
            serde_with |= (def.usage.input || def.usage.output || !def.usage.multipart)
                && s.fields
                    .iter()
                    .any(|f| f.repr == FieldRepr::OptionalNullable);
        }
    }
    // the dependencies of the overrides some field uses
    let used: BTreeSet<&str> = types
        .values()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        })
        .flatten()
        .filter_map(|f| match &f.ty {
            TypeRef::External(e) => Some(e.rust.as_str()),
            _ => None,
        })
        .collect();
    let dependencies: BTreeSet<String> = options
        .type_overrides
        .iter()
        .filter(|o| used.contains(o.rust.as_str()))
        .filter_map(|o| o.dependency.clone())
        .collect();
    let dependencies = dependencies.into_iter().collect();
    Uses {
        chrono: all.contains(&Prim::DateTime) || all.contains(&Prim::Date),
        uuid: all.contains(&Prim::Uuid),
        serde_with,
        dependencies,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Check, Constraints, Prim, TypeRef};

    #[test]
    fn unions_the_api_sends_or_that_have_a_tag_get_an_unknown_arm() {
        let model = crate::model::of_yaml(
            r#"
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
            schema: {$ref: '#/components/schemas/Sent'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Received'}
components:
  schemas:
    Sent:
      type: object
      properties:
        plain: {oneOf: [{type: integer}, {type: string}]}
        tagged:
          oneOf: [{$ref: '#/components/schemas/Cat'}]
          discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat'}}
    Received:
      oneOf: [{type: integer}, {type: string}]
    Cat:
      type: object
      required: [kind]
      properties: {kind: {type: string}}
"#,
        );
        let unknown = |name: &str| match &model.types[name].kind {
            crate::model::TypeKind::Union(u) => u.unknown,
            other => panic!("{name} is {other:?}"),
        };
        assert!(
            !unknown("SentPlain"),
            "only sent: a mistake is the sender's"
        );
        assert!(unknown("SentTagged"));
        assert!(unknown("Received"));
        // a request's `Unknown` is rejected, so the tagged union is validated
        assert!(model.types["SentTagged"].usage.validate);
    }

    #[test]
    fn request_types_with_checks_inside_need_validation() {
        let model = crate::model::of_yaml(
            r#"
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
            schema: {$ref: '#/components/schemas/Outer'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Answer'}
components:
  schemas:
    Outer:
      type: object
      properties:
        inner: {type: array, items: {$ref: '#/components/schemas/Inner'}}
        plain: {$ref: '#/components/schemas/Plain'}
    Inner:
      type: object
      properties:
        kind: {$ref: '#/components/schemas/Kind'}
    Kind: {type: string, enum: [a, b]}
    Plain:
      type: object
      properties:
        name: {type: string}
    Answer:
      type: object
      properties:
        kind: {$ref: '#/components/schemas/Answer2'}
        code: {type: string, maxLength: 3}
    Answer2: {type: string, enum: [x]}
"#,
        );
        let validated: Vec<&str> = model
            .types
            .values()
            .filter(|d| d.usage.validate)
            .map(|d| d.name.as_str())
            .collect();
        // `Plain` has nothing to check; `Answer` is only received
        assert_eq!(validated, ["Inner", "Kind", "Outer"]);
    }

    #[test]
    fn which_check_a_constraint_gives() {
        let c = |f: fn(&mut Constraints)| {
            let mut c = Constraints::default();
            f(&mut c);
            c
        };
        let string = TypeRef::Prim(Prim::String);
        let int = TypeRef::Prim(Prim::I32);
        let list = TypeRef::Vec(Box::new(string.clone()));
        let email = c(|c| c.format = Some("email".into()));
        assert_eq!(email.check(&string), Some(Check::Text));
        let date = c(|c| c.format = Some("date".into()));
        assert_eq!(date.check(&string), None);
        let bounded = c(|c| c.maximum = Some(3.0));
        assert_eq!(bounded.check(&int), Some(Check::Range));
        assert_eq!(bounded.check(&string), None);
        let counted = c(|c| c.min_items = Some(1));
        assert_eq!(counted.check(&list), Some(Check::Items));
        assert_eq!(Constraints::default().check(&list), None);
    }
}
