//! Multipart bodies: a builder per multipart body type that takes the parts of a
//! `server_runtime::Form` field by field into the types crate's struct (files as
//! `support::FilePart`; text fields parsed as their type; objects as JSON text; arrays as
//! repeated parts, as the generated client sends them). How each part is encoded is the
//! model's decision (`model::multipart`).

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::rust::{ident, type_tokens};
use crate::emit::Paths;
use crate::error::{Error, Result};
use crate::model::multipart::{MultipartBody, PartEncoding};
use crate::model::{FieldRepr, Model, StructDef, TypeKind, TypeRef};

/// The multipart body types of a model and their builders.
pub(super) struct Multiparts {
    /// Body type (as used by operations) -> the struct it is, sorted by struct.
    bodies: Vec<(TypeRef, String)>,
}

impl Multiparts {
    /// The multipart body types (`Model::multipart`); errors on the first a builder cannot
    /// take apart.
    pub(super) fn of(model: &Model) -> Result<Multiparts> {
        let mut bodies: Vec<(TypeRef, String)> = Vec::new();
        for body in &model.multipart {
            if let Some((pointer, construct)) = &body.problem {
                return Err(Error::unsupported(pointer, construct.clone()));
            }
            if let Some(name) = &body.struct_name {
                bodies.push((body.ty.clone(), name.clone()));
            }
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
        let rt = &paths.runtime;
        let mut items = Vec::new();
        let mut files = false;
        let mut done = BTreeSet::new();
        for (ty, name) in &self.bodies {
            if !done.insert(name) {
                continue;
            }
            let Some(TypeKind::Struct(s)) = model.types.get(name).map(|d| &d.kind) else {
                continue;
            };
            let Some(body) = model.multipart.iter().find(|b| b.ty == *ty) else {
                continue;
            };
            items.push(builder(name, s, body, model, paths, &mut files));
        }
        if files {
            let support = &paths.support;
            items.push(quote! {
                /// A file part as the types crate's file.
                fn file_part(file: #rt::FormFile) -> #support::FilePart {
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
    body: &MultipartBody,
    model: &Model,
    paths: &Paths,
    files: &mut bool,
) -> TokenStream {
    let rt = &paths.runtime;
    let types = &paths.types;
    let fn_name = format_ident!("multipart_{}", name.to_snake_case());
    let type_name = ident(name);
    let mut statements = Vec::new();
    let mut vars = Vec::new();
    let mut inits = Vec::new();
    // a `#[non_exhaustive]` struct: `new()`'s arguments, then the other fields set one by one
    let mut arguments = Vec::new();
    let mut sets = Vec::new();
    for f in &s.fields {
        let Some(kind) = body.part(&f.name) else {
            continue;
        };
        let var = format_ident!("field_{}", f.name.trim_end_matches('_'));
        let wire = f.json_name.as_str();
        let required = f.repr == FieldRepr::Plain;
        let need = if required { "required" } else { "optional" };
        let call = match kind {
            PartEncoding::File => {
                *files = true;
                let m = format_ident!("file_{need}");
                if required {
                    quote!(form.#m(#wire, errors).map(file_part))
                } else {
                    quote!(form.#m(#wire, errors).map(|file| file.map(file_part)))
                }
            }
            PartEncoding::Files => {
                *files = true;
                let m = format_ident!("files_{need}");
                if required {
                    quote!(form.#m(#wire, errors).map(|all| all.into_iter().map(file_part).collect()))
                } else {
                    quote!(form.#m(#wire, errors).map(|all| all.map(|all| all.into_iter().map(file_part).collect())))
                }
            }
            PartEncoding::Text(t) => {
                let m = format_ident!("text_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartEncoding::TextArray(t) => {
                let m = format_ident!("text_array_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartEncoding::Json(t) => {
                let m = format_ident!("json_{need}");
                let t = type_tokens(t, types);
                quote!(form.#m::<#t>(#wire, errors))
            }
            PartEncoding::JsonArray(t) => {
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
                        Some(None) => #rt::default_value::<#t>(#json, #wire, errors),
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
        if f.is_constructor_argument(&model.types) {
            arguments.push(var.clone());
        } else {
            sets.push(quote!(value.#field = #var;));
        }
    }
    let extra = s
        .extra
        .as_ref()
        .map(|_| quote!(extra: std::collections::BTreeMap::new(),));
    let build = if !s.non_exhaustive {
        quote!(Some(#types::#type_name { #(#inits)* #extra }))
    } else {
        let start = if arguments.is_empty() {
            quote!(<#types::#type_name as Default>::default())
        } else {
            quote!(#types::#type_name::new(#(#arguments),*))
        };
        if sets.is_empty() {
            quote!(Some(#start))
        } else {
            quote! {
                let mut value = #start;
                #(#sets)*
                Some(value)
            }
        }
    };
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
            form: &#rt::Form,
            errors: &mut #rt::Errors,
        ) -> Option<#types::#type_name> {
            #take
            #build
        }
    }
}
