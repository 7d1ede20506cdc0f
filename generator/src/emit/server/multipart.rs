//! Multipart bodies: a builder per multipart body type that takes the parts of a
//! `server_runtime::Form` field by field into the types crate's struct (files as
//! `support::FilePart`; text fields parsed as their type; objects as JSON text; arrays as
//! repeated parts, as the generated client sends them).

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Paths;
use crate::emit::rust::{ident, type_tokens};
use crate::error::{Error, Result};
use crate::model::{BodyKind, Field, FieldRepr, Model, Prim, StructDef, TypeKind, TypeRef};

/// How one field of a multipart struct is sent.
enum PartKind<'a> {
    /// One file.
    File,
    /// Repeated file parts.
    Files,
    /// One text part, parsed as the type.
    Text(&'a TypeRef),
    /// Repeated text parts.
    TextArray(&'a TypeRef),
    /// One part of JSON text.
    Json(&'a TypeRef),
    /// Repeated parts of JSON text.
    JsonArray(&'a TypeRef),
}

fn contains_binary(t: &TypeRef, model: &Model, depth: usize) -> bool {
    match t {
        TypeRef::Prim(Prim::Binary) => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => contains_binary(inner, model, depth),
        TypeRef::Named(n) if depth < 16 => match model.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Alias(t)) => contains_binary(t, model, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

/// The type behind a chain of aliases.
fn resolve<'a>(t: &'a TypeRef, model: &'a Model) -> &'a TypeRef {
    let mut t = t;
    for _ in 0..16 {
        match t {
            TypeRef::Named(n) => match model.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => t = target,
                _ => return t,
            },
            _ => return t,
        }
    }
    t
}

fn is_text(t: &TypeRef, model: &Model) -> bool {
    match resolve(t, model) {
        TypeRef::Prim(p) => *p != Prim::Binary,
        TypeRef::Named(n) => matches!(
            model.types.get(n).map(|d| &d.kind),
            Some(TypeKind::StringEnum(_))
        ),
        _ => false,
    }
}

fn classify<'a>(f: &'a Field, model: &'a Model, at: &str) -> Result<PartKind<'a>> {
    let resolved = resolve(&f.ty, model);
    let kind = match resolved {
        TypeRef::Prim(Prim::Binary) => PartKind::File,
        TypeRef::Vec(inner) => {
            let inner_resolved = resolve(inner, model);
            if *inner_resolved == TypeRef::Prim(Prim::Binary) {
                PartKind::Files
            } else if contains_binary(inner, model, 0) {
                return Err(Error::unsupported(
                    at,
                    format!("multipart field `{}`: files nested in arrays", f.json_name),
                ));
            } else if is_text(inner, model) {
                PartKind::TextArray(inner)
            } else {
                PartKind::JsonArray(inner)
            }
        }
        _ if contains_binary(&f.ty, model, 0) => {
            return Err(Error::unsupported(
                at,
                format!("multipart field `{}`: files nested in a map", f.json_name),
            ))
        }
        _ if is_text(&f.ty, model) => PartKind::Text(&f.ty),
        _ => PartKind::Json(&f.ty),
    };
    Ok(kind)
}

/// The multipart body types of a model and their builders.
pub(super) struct Multiparts {
    /// Body type (as used by operations) -> the struct it is.
    bodies: Vec<(TypeRef, String)>,
}

impl Multiparts {
    /// Finds the multipart body types; errors on those a builder cannot take apart.
    pub(super) fn of(model: &Model, _paths: &Paths) -> Result<Multiparts> {
        let mut bodies: Vec<(TypeRef, String)> = Vec::new();
        for op in &model.operations {
            let Some(body) = op.body.as_ref().filter(|b| b.kind == BodyKind::Multipart) else {
                continue;
            };
            if bodies.iter().any(|(t, _)| *t == body.ty) {
                continue;
            }
            let at = format!("{}/requestBody", op.pointer);
            let resolved = resolve(&body.ty, model);
            let def = match resolved {
                TypeRef::Named(n) => model.types.get(n),
                _ => None,
            };
            let Some(def) = def.filter(|d| matches!(d.kind, TypeKind::Struct(_))) else {
                return Err(Error::unsupported(
                    &at,
                    "a multipart body that is not an object",
                ));
            };
            if let TypeKind::Struct(s) = &def.kind {
                if !s.flattened.is_empty() {
                    return Err(Error::unsupported(
                        &def.pointer,
                        "a multipart body with `oneOf`/`anyOf` members",
                    ));
                }
                for f in &s.fields {
                    classify(f, model, &def.pointer)?;
                }
            }
            bodies.push((body.ty.clone(), def.name.clone()));
        }
        bodies.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(Multiparts { bodies })
    }

    /// The builder of a body type.
    pub(super) fn builder(&self, ty: &TypeRef) -> Result<Ident> {
        self.bodies
            .iter()
            .find(|(t, _)| t == ty)
            .map(|(_, name)| format_ident!("multipart_{}", name.to_snake_case()))
            .ok_or_else(|| Error::Emit {
                context: "server multipart".to_owned(),
                message: format!("no builder for {ty:?}"),
            })
    }

    /// The builders (and `file_part`, when a body has files).
    pub(super) fn items(&self, model: &Model, paths: &Paths) -> Vec<TokenStream> {
        let mut items = Vec::new();
        let mut files = false;
        let mut done = BTreeSet::new();
        for (_, name) in &self.bodies {
            if !done.insert(name) {
                continue;
            }
            let Some(TypeKind::Struct(s)) = model.types.get(name).map(|d| &d.kind) else {
                continue;
            };
            items.push(builder(name, s, model, paths, &mut files));
        }
        if files {
            let support = &paths.support;
            items.push(quote! {
                /// A file part as the types crate's file.
                fn file_part(file: server_runtime::FormFile) -> #support::FilePart {
                    #support::FilePart {
                        file_name: file.file_name,
                        content_type: file.content_type,
                        bytes: file.bytes.to_vec(),
                    }
                }
            });
        }
        items
    }
}

fn builder(
    name: &str,
    s: &StructDef,
    model: &Model,
    paths: &Paths,
    files: &mut bool,
) -> TokenStream {
    let types = &paths.types;
    let fn_name = format_ident!("multipart_{}", name.to_snake_case());
    let type_name = ident(name);
    let mut statements = Vec::new();
    let mut vars = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        // checked in `Multiparts::of`
        let Ok(kind) = classify(f, model, "") else {
            continue;
        };
        let var = format_ident!("field_{}", f.name.trim_end_matches('_'));
        let wire = f.json_name.as_str();
        let required = f.repr == FieldRepr::Plain;
        let need = if required { "required" } else { "optional" };
        let call = match kind {
            PartKind::File => {
                *files = true;
                let m = format_ident!("file_{need}");
                if required {
                    quote!(form.#m(#wire, errors).map(file_part))
                } else {
                    quote!(form.#m(#wire, errors).map(|file| file.map(file_part)))
                }
            }
            PartKind::Files => {
                *files = true;
                let m = format_ident!("files_{need}");
                if required {
                    quote!(form.#m(#wire, errors).map(|all| all.into_iter().map(file_part).collect()))
                } else {
                    quote!(form.#m(#wire, errors).map(|all| all.map(|all| all.into_iter().map(file_part).collect())))
                }
            }
            PartKind::Text(t) => {
                let m = format_ident!("text_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartKind::TextArray(t) => {
                let m = format_ident!("text_array_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartKind::Json(t) => {
                let m = format_ident!("json_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartKind::JsonArray(t) => {
                let m = format_ident!("json_array_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
        };
        let call = match f.repr {
            FieldRepr::Plain | FieldRepr::Optional | FieldRepr::Nullable => call,
            FieldRepr::OptionalNullable => quote!(#call.map(|value| value.map(Some))),
            FieldRepr::Defaulted => {
                let json = f
                    .default
                    .as_ref()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "null".to_owned());
                let t = type_tokens(&f.ty, types);
                quote! {
                    match #call {
                        Some(Some(value)) => Some(value),
                        Some(None) => server_runtime::default_value::<#t>(#json, #wire, errors),
                        None => None,
                    }
                }
            }
        };
        let call = if f.boxed {
            match f.repr {
                FieldRepr::Plain | FieldRepr::Defaulted => quote!(#call.map(Box::new)),
                FieldRepr::Optional | FieldRepr::Nullable => {
                    quote!(#call.map(|value| value.map(Box::new)))
                }
                FieldRepr::OptionalNullable => {
                    quote!(#call.map(|value| value.map(|value| value.map(Box::new))))
                }
            }
        } else {
            call
        };
        statements.push(quote!(let #var = #call;));
        vars.push(var.clone());
        let field = ident(&f.name);
        inits.push(quote!(#field: #var,));
    }
    let extra = s
        .extra
        .as_ref()
        .map(|_| quote!(extra: std::collections::BTreeMap::new(),));
    let doc = format!(" The `{name}` of a multipart body (`None`: a problem was recorded).");
    let take = if vars.is_empty() {
        quote!(let _ = (form, errors);)
    } else {
        quote! {
            #(#statements)*
            let (#(Some(#vars),)*) = (#(#vars,)*) else {
                return None;
            };
        }
    };
    quote! {
        #[doc = #doc]
        pub(crate) fn #fn_name(
            form: &server_runtime::Form,
            errors: &mut server_runtime::Errors,
        ) -> Option<#types::#type_name> {
            #take
            Some(#types::#type_name { #(#inits)* #extra })
        }
    }
}
