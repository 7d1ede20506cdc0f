//! The comparisons: operations, servers, and named types, each change matched to its rule.

use std::collections::{BTreeMap, BTreeSet};

use super::rules::RuleId;
use super::{rule, Change, Reach};
use crate::model::{
    Constraints, Field, FieldRepr, Model, Operation, Param, ParamLocation, Prim, Response, Server,
    Status, TypeDef, TypeKind, TypeRef,
};
use crate::path::PathTemplate;

fn change(
    id: RuleId,
    location: impl Into<String>,
    detail: impl Into<String>,
    operations: Vec<String>,
) -> Change {
    Change {
        rule: rule(id),
        location: location.into(),
        detail: detail.into(),
        operations,
    }
}

/// How a type reference reads in a report: `array of Product`, `string (date-time)`.
pub fn describe(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Prim(p) => match p {
            Prim::String => "string",
            Prim::Bool => "boolean",
            Prim::I32 => "integer (int32)",
            Prim::I64 => "integer",
            Prim::F32 => "number (float)",
            Prim::F64 => "number",
            Prim::DateTime => "string (date-time)",
            Prim::Date => "string (date)",
            Prim::Uuid => "string (uuid)",
            Prim::Binary => "file",
        }
        .to_owned(),
        TypeRef::External(e) => format!("{} as `{}`", describe(&e.wire_ref()), e.rust),
        TypeRef::Vec(inner) => format!("array of {}", describe(inner)),
        TypeRef::Map(inner) => format!("map of {}", describe(inner)),
        TypeRef::Nullable(inner) => format!("{} or null", describe(inner)),
        TypeRef::Bytes => "bytes".to_owned(),
        TypeRef::Json => "any value".to_owned(),
        TypeRef::JsonObject => "object".to_owned(),
    }
}

/// Whether a change of constraints narrows, widens, or both. When the type changed too, a
/// change of `format` is part of that change (`int32` -> `int64`) and is not counted again.
fn constraint_change(
    old: &Constraints,
    new: &Constraints,
    type_changed: bool,
) -> (bool, bool, Vec<String>) {
    let mut tighter = false;
    let mut looser = false;
    let mut notes = Vec::new();
    let mut lower = |name: &str, o: Option<f64>, n: Option<f64>| match (o, n) {
        (o, n) if o == n => {}
        (None, Some(v)) => {
            tighter = true;
            notes.push(format!("{name} {v} added"));
        }
        (Some(v), None) => {
            looser = true;
            notes.push(format!("{name} {v} removed"));
        }
        (Some(a), Some(b)) => {
            if b > a {
                tighter = true;
            } else {
                looser = true;
            }
            notes.push(format!("{name} {a} -> {b}"));
        }
        _ => {}
    };
    lower("minimum", old.minimum, new.minimum);
    lower(
        "minLength",
        old.min_length.map(|v| v as f64),
        new.min_length.map(|v| v as f64),
    );
    lower(
        "minItems",
        old.min_items.map(|v| v as f64),
        new.min_items.map(|v| v as f64),
    );
    // for upper bounds, a smaller bound is tighter: compare negated
    let neg = |v: Option<f64>| v.map(|x| -x);
    let mut upper_notes = Vec::new();
    let mut upper = |name: &str, o: Option<f64>, n: Option<f64>| match (o, n) {
        (o, n) if o == n => {}
        (None, Some(v)) => {
            tighter = true;
            upper_notes.push(format!("{name} {} added", -v));
        }
        (Some(v), None) => {
            looser = true;
            upper_notes.push(format!("{name} {} removed", -v));
        }
        (Some(a), Some(b)) => {
            if b > a {
                tighter = true;
            } else {
                looser = true;
            }
            upper_notes.push(format!("{name} {} -> {}", -a, -b));
        }
        _ => {}
    };
    upper("maximum", neg(old.maximum), neg(new.maximum));
    upper(
        "maxLength",
        neg(old.max_length.map(|v| v as f64)),
        neg(new.max_length.map(|v| v as f64)),
    );
    upper(
        "maxItems",
        neg(old.max_items.map(|v| v as f64)),
        neg(new.max_items.map(|v| v as f64)),
    );
    notes.extend(upper_notes);
    if old.exclusive_minimum != new.exclusive_minimum
        || old.exclusive_maximum != new.exclusive_maximum
    {
        if new.exclusive_minimum && !old.exclusive_minimum
            || new.exclusive_maximum && !old.exclusive_maximum
        {
            tighter = true;
        } else {
            looser = true;
        }
        notes.push("exclusive bounds changed".to_owned());
    }
    match (&old.pattern, &new.pattern) {
        (a, b) if a == b => {}
        (None, Some(p)) => {
            tighter = true;
            notes.push(format!("pattern `{p}` added"));
        }
        (Some(p), None) => {
            looser = true;
            notes.push(format!("pattern `{p}` removed"));
        }
        (Some(a), Some(b)) => {
            tighter = true;
            notes.push(format!("pattern `{a}` -> `{b}`"));
        }
        _ => {}
    }
    match (&old.format, &new.format) {
        _ if type_changed => {}
        (a, b) if a == b => {}
        (None, Some(f)) => {
            tighter = true;
            notes.push(format!("format {f} added"));
        }
        (Some(f), None) => {
            looser = true;
            notes.push(format!("format {f} removed"));
        }
        (Some(a), Some(b)) => {
            tighter = true;
            notes.push(format!("format {a} -> {b}"));
        }
        _ => {}
    }
    (tighter, looser, notes)
}

/// What identifies an operation over HTTP: its method and its path with the parameters' names
/// left out (`/customers/{user_id}` and `/customers/{customer_id}` are one URL).
fn op_key(op: &Operation) -> (String, String) {
    (op.method.clone(), PathTemplate(&op.path).erased())
}

fn op_location(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}

/// Operation-level changes, in the new spec's order (removed operations last, in old order).
pub fn operations(old: &Model, new: &Model) -> Vec<Change> {
    let old_ops: BTreeMap<_, _> = old.operations.iter().map(|o| (op_key(o), o)).collect();
    let new_keys: BTreeSet<_> = new.operations.iter().map(op_key).collect();
    // an operation whose method or path changed is the old one with its operationId
    let moved = |op: &Operation| {
        old.operations
            .iter()
            .find(|o| o.id == op.id && !new_keys.contains(&op_key(o)))
    };
    let mut moved_ids = BTreeSet::new();
    let mut out = Vec::new();
    for op in &new.operations {
        let at = op_location(op);
        let ids = vec![op.id.clone()];
        let before = match old_ops.get(&op_key(op)) {
            Some(before) => *before,
            None => match moved(op) {
                Some(before) => {
                    moved_ids.insert(before.id.clone());
                    let detail = format!("{} -> {}", op_location(before), at);
                    out.push(change(RuleId::OperationMoved, &at, detail, ids.clone()));
                    before
                }
                None => {
                    out.push(change(
                        RuleId::OperationAdded,
                        at,
                        format!("`{}`", op.id),
                        ids,
                    ));
                    continue;
                }
            },
        };
        if before.id != op.id {
            out.push(change(
                RuleId::OperationIdChanged,
                &at,
                format!("`{}` -> `{}`", before.id, op.id),
                ids.clone(),
            ));
        }
        if before.tag != op.tag {
            out.push(change(
                RuleId::OperationTagChanged,
                &at,
                format!("{} -> {}", before.tag, op.tag),
                ids.clone(),
            ));
        }
        match (before.deprecated, op.deprecated) {
            (false, true) => out.push(change(RuleId::OperationDeprecated, &at, "", ids.clone())),
            (true, false) => out.push(change(RuleId::OperationUndeprecated, &at, "", ids.clone())),
            _ => {}
        }
        params(before, op, &at, &ids, &mut out);
        body(before, op, &at, &ids, &mut out);
        responses(before, op, &at, &ids, &mut out);
        security(before, op, &at, &ids, &mut out);
        if before.summary != op.summary || before.doc != op.doc {
            out.push(change(
                RuleId::DocChanged,
                &at,
                "summary or description",
                ids.clone(),
            ));
        }
    }
    for op in &old.operations {
        if !new_keys.contains(&op_key(op)) && !moved_ids.contains(&op.id) {
            out.push(change(
                RuleId::OperationRemoved,
                op_location(op),
                format!("`{}`", op.id),
                vec![op.id.clone()],
            ));
        }
    }
    out
}

fn params(before: &Operation, op: &Operation, at: &str, ids: &[String], out: &mut Vec<Change>) {
    let find = |list: &'_ [Param], p: &Param| {
        list.iter()
            .find(|q| q.name == p.name && q.location == p.location)
            .cloned()
    };
    // a path parameter of the new path that sits where one of another name was: renamed
    let renamed = |p: &Param| -> Option<Param> {
        if p.location != ParamLocation::Path || find(&before.params, p).is_some() {
            return None;
        }
        let position = PathTemplate(&op.path).position(&p.name)?;
        before
            .params
            .iter()
            .find(|q| {
                q.location == ParamLocation::Path
                    && PathTemplate(&before.path).position(&q.name) == Some(position)
                    && !op.params.iter().any(|p| p.name == q.name)
            })
            .cloned()
    };
    let mut renamed_from = Vec::new();
    for p in &op.params {
        let where_ = format!("{at} {} `{}`", p.location.as_str(), p.name);
        let found = match (find(&before.params, p), renamed(p)) {
            (Some(q), _) => Some(q),
            (None, Some(q)) => {
                out.push(change(
                    RuleId::PathParamRenamed,
                    &where_,
                    format!("`{}` -> `{}`", q.name, p.name),
                    ids.to_vec(),
                ));
                renamed_from.push(q.name.clone());
                Some(q)
            }
            (None, None) => None,
        };
        match found {
            None => {
                if let Some(moved) = before.params.iter().find(|q| q.name == p.name) {
                    let detail = format!("{} -> {}", moved.location.as_str(), p.location.as_str());
                    out.push(change(RuleId::ParamMoved, &where_, detail, ids.to_vec()));
                    continue;
                }
                let id = if p.required {
                    RuleId::ParamAddedRequired
                } else {
                    RuleId::ParamAddedOptional
                };
                out.push(change(id, &where_, describe(&p.ty), ids.to_vec()));
            }
            Some(q) => {
                match (q.required, p.required) {
                    (false, true) => out.push(change(
                        RuleId::ParamBecameRequired,
                        &where_,
                        "",
                        ids.to_vec(),
                    )),
                    (true, false) => out.push(change(
                        RuleId::ParamBecameOptional,
                        &where_,
                        "",
                        ids.to_vec(),
                    )),
                    _ => {}
                }
                if q.ty != p.ty {
                    let detail = format!("{} -> {}", describe(&q.ty), describe(&p.ty));
                    out.push(change(
                        RuleId::ParamTypeChanged,
                        &where_,
                        detail,
                        ids.to_vec(),
                    ));
                }
                let (tighter, looser, notes) =
                    constraint_change(&q.constraints, &p.constraints, q.ty != p.ty);
                if tighter {
                    out.push(change(
                        RuleId::ParamConstraintTightened,
                        &where_,
                        notes.join(", "),
                        ids.to_vec(),
                    ));
                } else if looser {
                    out.push(change(
                        RuleId::ParamConstraintLoosened,
                        &where_,
                        notes.join(", "),
                        ids.to_vec(),
                    ));
                }
            }
        }
    }
    for q in &before.params {
        if !op.params.iter().any(|p| p.name == q.name) && !renamed_from.contains(&q.name) {
            let where_ = format!("{at} {} `{}`", q.location.as_str(), q.name);
            out.push(change(
                RuleId::ParamRemoved,
                where_,
                describe(&q.ty),
                ids.to_vec(),
            ));
        }
    }
}

fn body(before: &Operation, op: &Operation, at: &str, ids: &[String], out: &mut Vec<Change>) {
    let where_ = format!("{at} request body");
    match (&before.body, &op.body) {
        (None, None) => {}
        (None, Some(b)) => {
            let id = if b.required {
                RuleId::RequestBodyAddedRequired
            } else {
                RuleId::RequestBodyAddedOptional
            };
            out.push(change(id, where_, describe(&b.ty), ids.to_vec()));
        }
        (Some(b), None) => out.push(change(
            RuleId::RequestBodyRemoved,
            where_,
            describe(&b.ty),
            ids.to_vec(),
        )),
        (Some(a), Some(b)) => {
            if a.content_type != b.content_type {
                let detail = format!("{} -> {}", a.content_type, b.content_type);
                out.push(change(
                    RuleId::RequestContentTypeChanged,
                    &where_,
                    detail,
                    ids.to_vec(),
                ));
            }
            match (a.required, b.required) {
                (false, true) => out.push(change(
                    RuleId::RequestBodyBecameRequired,
                    &where_,
                    "",
                    ids.to_vec(),
                )),
                (true, false) => out.push(change(
                    RuleId::RequestBodyBecameOptional,
                    &where_,
                    "",
                    ids.to_vec(),
                )),
                _ => {}
            }
            if a.ty != b.ty {
                let detail = format!("{} -> {}", describe(&a.ty), describe(&b.ty));
                out.push(change(
                    RuleId::RequestBodyTypeChanged,
                    &where_,
                    detail,
                    ids.to_vec(),
                ));
            }
        }
    }
}

fn responses(before: &Operation, op: &Operation, at: &str, ids: &[String], out: &mut Vec<Change>) {
    let find = |list: &'_ [Response], s: Status| list.iter().find(|r| r.status == s).cloned();
    for r in &op.responses {
        let where_ = format!("{at} response {}", r.status.key());
        match find(&before.responses, r.status) {
            None => out.push(change(
                RuleId::ResponseStatusAdded,
                where_,
                "",
                ids.to_vec(),
            )),
            Some(b) => match (&b.body, &r.body) {
                (None, None) => {}
                (Some((ct, _)), None) | (None, Some((ct, _))) => {
                    let detail = if r.body.is_some() {
                        format!("body added ({ct})")
                    } else {
                        format!("body removed ({ct})")
                    };
                    out.push(change(
                        RuleId::ResponseContentTypeChanged,
                        &where_,
                        detail,
                        ids.to_vec(),
                    ));
                }
                (Some((ct_a, ty_a)), Some((ct_b, ty_b))) => {
                    if ct_a != ct_b {
                        out.push(change(
                            RuleId::ResponseContentTypeChanged,
                            &where_,
                            format!("{ct_a} -> {ct_b}"),
                            ids.to_vec(),
                        ));
                    }
                    if ty_a != ty_b {
                        let detail = format!("{} -> {}", describe(ty_a), describe(ty_b));
                        out.push(change(
                            RuleId::ResponseBodyTypeChanged,
                            &where_,
                            detail,
                            ids.to_vec(),
                        ));
                    }
                }
            },
        }
    }
    for b in &before.responses {
        if find(&op.responses, b.status).is_none() {
            let where_ = format!("{at} response {}", b.status.key());
            out.push(change(
                RuleId::ResponseStatusRemoved,
                where_,
                "",
                ids.to_vec(),
            ));
        }
    }
}

fn security(before: &Operation, op: &Operation, at: &str, ids: &[String], out: &mut Vec<Change>) {
    let norm = |s: &[Vec<String>]| {
        let mut alts: Vec<Vec<String>> = s
            .iter()
            .map(|a| {
                let mut a = a.clone();
                a.sort();
                a
            })
            .collect();
        alts.sort();
        alts
    };
    let (a, b) = (norm(&before.security), norm(&op.security));
    if a == b {
        return;
    }
    let needs = |s: &[Vec<String>]| !s.is_empty() && !s.iter().any(Vec::is_empty);
    let show = |s: &[Vec<String>]| {
        if s.is_empty() {
            "none".to_owned()
        } else {
            s.iter()
                .map(|alt| {
                    if alt.is_empty() {
                        "none".to_owned()
                    } else {
                        alt.join(" + ")
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ")
        }
    };
    let id = match (needs(&a), needs(&b)) {
        (false, true) => RuleId::SecurityAdded,
        (true, false) => RuleId::SecurityRemoved,
        _ => RuleId::SecurityChanged,
    };
    out.push(change(
        id,
        at,
        format!("{} -> {}", show(&a), show(&b)),
        ids.to_vec(),
    ));
}

/// Changes of `servers`: servers are matched by URL; the ones left over pair up in order (a URL
/// that changed), and the rest were added or removed. Descriptions are not compared.
pub fn servers(old: &Model, new: &Model) -> Vec<Change> {
    let same_variables = |a: &Server, b: &Server| {
        let key = |s: &Server| {
            s.variables
                .iter()
                .map(|v| (v.name.clone(), v.default.clone(), v.values.clone()))
                .collect::<Vec<_>>()
        };
        key(a) == key(b)
    };
    let mut old_left: Vec<(usize, &Server)> = old
        .servers
        .iter()
        .enumerate()
        .filter(|(_, o)| !new.servers.iter().any(|s| s.url == o.url))
        .collect();
    old_left.reverse();
    let mut out = Vec::new();
    for (i, s) in new.servers.iter().enumerate() {
        let at = format!("server {}", i + 1);
        match old.servers.iter().find(|o| o.url == s.url) {
            Some(o) if !same_variables(o, s) => {
                out.push(change(
                    RuleId::ServerChanged,
                    at,
                    format!("{}: variables changed", s.url),
                    Vec::new(),
                ));
            }
            Some(_) => {}
            None => match old_left.pop() {
                Some((_, o)) => out.push(change(
                    RuleId::ServerChanged,
                    at,
                    format!("{} -> {}", o.url, s.url),
                    Vec::new(),
                )),
                None => out.push(change(RuleId::ServerAdded, at, s.url.clone(), Vec::new())),
            },
        }
    }
    old_left.reverse();
    for (i, o) in old_left {
        out.push(change(
            RuleId::ServerRemoved,
            format!("server {}", i + 1),
            o.url.clone(),
            Vec::new(),
        ));
    }
    out
}

fn is_component(def: &TypeDef) -> bool {
    def.pointer.starts_with("#/components/schemas/")
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "object",
        TypeKind::StringEnum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
    }
}

/// Changes of named types, each reported once with the operations it reaches.
pub fn types(old: &Model, new: &Model, old_reach: &Reach, new_reach: &Reach) -> Vec<Change> {
    let mut out = Vec::new();
    for (name, def) in &new.types {
        let Some(before) = old.types.get(name) else {
            if is_component(def) {
                out.push(change(
                    RuleId::SchemaAdded,
                    name,
                    kind_name(&def.kind),
                    new_reach.operations(name, true, true),
                ));
            }
            continue;
        };
        // directions: as the new spec uses it, or as the old one did for what is gone
        let input = new_reach.input.contains_key(name) || old_reach.input.contains_key(name);
        let output = new_reach.output.contains_key(name) || old_reach.output.contains_key(name);
        let ops_in = merged(new_reach, old_reach, name, true, false);
        let ops_out = merged(new_reach, old_reach, name, false, true);
        let ops_all = merged(new_reach, old_reach, name, true, true);
        match (&before.kind, &def.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                if b.non_exhaustive && !a.non_exhaustive {
                    out.push(change(
                        RuleId::SchemaBecameNonExhaustive,
                        name,
                        "#[non_exhaustive]",
                        ops_all.clone(),
                    ));
                }
                struct_fields(
                    name,
                    &a.fields,
                    &b.fields,
                    a.non_exhaustive && b.non_exhaustive,
                    (input, &ops_in),
                    (output, &ops_out),
                    &mut out,
                );
            }
            (TypeKind::StringEnum(a), TypeKind::StringEnum(b)) => {
                for v in b.iter().filter(|v| !a.iter().any(|w| w.value == v.value)) {
                    if input {
                        out.push(change(
                            RuleId::RequestEnumValueAdded,
                            name,
                            format!("`{}`", v.value),
                            ops_in.clone(),
                        ));
                    }
                    if output {
                        out.push(change(
                            RuleId::ResponseEnumValueAdded,
                            name,
                            format!("`{}`", v.value),
                            ops_out.clone(),
                        ));
                    }
                }
                for v in a.iter().filter(|v| !b.iter().any(|w| w.value == v.value)) {
                    if input {
                        out.push(change(
                            RuleId::RequestEnumValueRemoved,
                            name,
                            format!("`{}`", v.value),
                            ops_in.clone(),
                        ));
                    }
                    if output {
                        out.push(change(
                            RuleId::ResponseEnumValueRemoved,
                            name,
                            format!("`{}`", v.value),
                            ops_out.clone(),
                        ));
                    }
                }
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                for v in b
                    .variants
                    .iter()
                    .filter(|v| !a.variants.iter().any(|w| w.ty == v.ty))
                {
                    out.push(change(
                        RuleId::UnionVariantAdded,
                        name,
                        describe(&v.ty),
                        ops_all.clone(),
                    ));
                }
                for v in a
                    .variants
                    .iter()
                    .filter(|v| !b.variants.iter().any(|w| w.ty == v.ty))
                {
                    out.push(change(
                        RuleId::UnionVariantRemoved,
                        name,
                        describe(&v.ty),
                        ops_all.clone(),
                    ));
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) if a != b => {
                let detail = format!("{} -> {}", describe(a), describe(b));
                if input {
                    out.push(change(
                        RuleId::RequestFieldTypeChanged,
                        name,
                        detail.clone(),
                        ops_in.clone(),
                    ));
                }
                if output {
                    out.push(change(
                        RuleId::ResponseFieldTypeChanged,
                        name,
                        detail,
                        ops_out.clone(),
                    ));
                }
            }
            (TypeKind::Alias(_), TypeKind::Alias(_)) => {}
            (a, b) => {
                let detail = format!("{} -> {}", kind_name(a), kind_name(b));
                out.push(change(
                    RuleId::TypeKindChanged,
                    name,
                    detail,
                    ops_all.clone(),
                ));
            }
        }
        if before.doc != def.doc && is_component(def) {
            out.push(change(RuleId::DocChanged, name, "description", Vec::new()));
        }
    }
    for (name, def) in &old.types {
        if !new.types.contains_key(name) && is_component(def) {
            out.push(change(
                RuleId::SchemaRemoved,
                name,
                kind_name(&def.kind),
                old_reach.operations(name, true, true),
            ));
        }
    }
    out
}

/// The type as it is on the wire: a type override is the primitive it stands for.
fn wire(t: &TypeRef) -> TypeRef {
    match t {
        TypeRef::External(e) => e.wire_ref(),
        other => other.clone(),
    }
}

/// The operations of both directions, each once, in order.
fn merged_ops(a: &[String], b: &[String]) -> Vec<String> {
    let mut ids = a.to_vec();
    for id in b {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

fn merged(new: &Reach, old: &Reach, name: &str, input: bool, output: bool) -> Vec<String> {
    merged_ops(
        &new.operations(name, input, output),
        &old.operations(name, input, output),
    )
}

type Direction<'a> = (bool, &'a Vec<String>);

/// `non_exhaustive`: both versions of the struct are `#[non_exhaustive]`, so a new optional
/// field breaks no code.
fn struct_fields(
    name: &str,
    old: &[Field],
    new: &[Field],
    non_exhaustive: bool,
    (input, ops_in): Direction<'_>,
    (output, ops_out): Direction<'_>,
    out: &mut Vec<Change>,
) {
    let both = |out: &mut Vec<Change>,
                req: Option<RuleId>,
                res: Option<RuleId>,
                at: &str,
                detail: &str| {
        if let (true, Some(id)) = (input, req) {
            out.push(change(id, at, detail, ops_in.clone()));
        }
        if let (true, Some(id)) = (output, res) {
            out.push(change(id, at, detail, ops_out.clone()));
        }
    };
    for f in new {
        let at = format!("{name}.{}", f.json_name);
        let Some(o) = old.iter().find(|o| o.json_name == f.json_name) else {
            let req = (!f.read_only).then_some(match (f.required, non_exhaustive) {
                (true, _) => RuleId::RequestFieldAddedRequired,
                (false, false) => RuleId::RequestFieldAddedOptional,
                (false, true) => RuleId::RequestFieldAddedOptionalNonExhaustive,
            });
            let res = (!f.write_only).then_some(match (f.required, non_exhaustive) {
                (true, _) => RuleId::ResponseFieldAddedRequired,
                (false, false) => RuleId::ResponseFieldAddedOptional,
                (false, true) => RuleId::ResponseFieldAddedOptionalNonExhaustive,
            });
            both(out, req, res, &at, &describe(&f.ty));
            continue;
        };
        match (o.required, f.required) {
            (false, true) => both(
                out,
                Some(RuleId::RequestFieldBecameRequired),
                Some(RuleId::ResponseFieldBecameRequired),
                &at,
                "",
            ),
            (true, false) => both(
                out,
                Some(RuleId::RequestFieldBecameOptional),
                Some(RuleId::ResponseFieldBecameOptional),
                &at,
                "",
            ),
            _ => {}
        }
        if o.ty != f.ty && wire(&o.ty) == wire(&f.ty) {
            // the same JSON, another Rust type (a `codegen.toml` type override)
            let detail = format!("{} -> {}", describe(&o.ty), describe(&f.ty));
            out.push(change(
                RuleId::FieldRustTypeChanged,
                &at,
                detail,
                merged_ops(ops_in, ops_out),
            ));
        } else if o.ty != f.ty {
            let detail = format!("{} -> {}", describe(&o.ty), describe(&f.ty));
            both(
                out,
                Some(RuleId::RequestFieldTypeChanged),
                Some(RuleId::ResponseFieldTypeChanged),
                &at,
                &detail,
            );
        }
        match (o.nullable, f.nullable) {
            (false, true) => both(
                out,
                Some(RuleId::RequestFieldNullableAdded),
                Some(RuleId::ResponseFieldNullableAdded),
                &at,
                "",
            ),
            (true, false) => both(
                out,
                Some(RuleId::RequestFieldNullableRemoved),
                Some(RuleId::ResponseFieldNullableRemoved),
                &at,
                "",
            ),
            _ => {}
        }
        match (o.read_only, f.read_only) {
            (false, true) => both(out, Some(RuleId::RequestFieldBecameReadOnly), None, &at, ""),
            (true, false) => both(out, Some(RuleId::RequestFieldBecameWritable), None, &at, ""),
            _ => {}
        }
        match (o.write_only, f.write_only) {
            (false, true) => both(
                out,
                None,
                Some(RuleId::ResponseFieldBecameWriteOnly),
                &at,
                "",
            ),
            (true, false) => both(
                out,
                None,
                Some(RuleId::ResponseFieldBecameReadable),
                &at,
                "",
            ),
            _ => {}
        }
        let (tighter, looser, notes) =
            constraint_change(&o.constraints, &f.constraints, o.ty != f.ty);
        let notes = notes.join(", ");
        if tighter {
            both(
                out,
                Some(RuleId::RequestConstraintTightened),
                Some(RuleId::ResponseConstraintChanged),
                &at,
                &notes,
            );
        } else if looser {
            both(
                out,
                Some(RuleId::RequestConstraintLoosened),
                Some(RuleId::ResponseConstraintChanged),
                &at,
                &notes,
            );
        }
        if o.default != f.default {
            let show = |d: &Option<serde_json::Value>| {
                d.as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "none".to_owned())
            };
            let ops: Vec<String> = ops_in.iter().chain(ops_out).cloned().collect();
            // a default on an optional field is what makes its Rust type `T` rather than `Option<T>`
            let id = match (&o.default, &f.default) {
                (None, Some(_)) if f.repr == FieldRepr::Defaulted => RuleId::DefaultAdded,
                (Some(_), None) if o.repr == FieldRepr::Defaulted => RuleId::DefaultRemoved,
                _ => RuleId::DefaultChanged,
            };
            out.push(change(
                id,
                &at,
                format!("{} -> {}", show(&o.default), show(&f.default)),
                dedup(ops),
            ));
        }
        if o.doc != f.doc {
            out.push(change(RuleId::DocChanged, &at, "description", Vec::new()));
        }
    }
    for o in old {
        if !new.iter().any(|f| f.json_name == o.json_name) {
            let at = format!("{name}.{}", o.json_name);
            let req = (!o.read_only).then_some(RuleId::RequestFieldRemoved);
            let res = (!o.write_only).then_some(RuleId::ResponseFieldRemoved);
            both(out, req, res, &at, &describe(&o.ty));
        }
    }
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}
