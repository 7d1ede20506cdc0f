//! The axum handler of an operation: the request context (credentials), the parameters and
//! body parsed and validated into the request, then the trait method, and its reply as the
//! response.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{auth_type, Names};
use crate::emit::rust::{ident, type_tokens};
use crate::emit::server::multipart::Multiparts;
use crate::emit::server::validate::{constraint_checks, Validation};
use crate::emit::Paths;
use crate::error::Result;
use crate::model::{BodyKind, Model, ObjectStyle, Operation, Param, ParamLocation, TypeRef};

/// The wire names of the properties of an object parameter (none for a map: every key).
fn object_keys(ty: &TypeRef, model: &Model) -> Vec<String> {
    let mut ty = ty;
    loop {
        let TypeRef::Named(n) = ty else {
            return Vec::new();
        };
        match model.types.get(n).map(|d| &d.kind) {
            Some(crate::model::TypeKind::Alias(inner)) => ty = inner,
            Some(crate::model::TypeKind::Struct(s)) => {
                return s.fields.iter().map(|f| f.json_name.clone()).collect()
            }
            _ => return Vec::new(),
        }
    }
}

/// The statement that extracts a parameter into `param_<name>` (an `Option`: `None` when a
/// problem was recorded).
fn extract_param(p: &Param, model: &Model, paths: &Paths) -> TokenStream {
    let var = format_ident!("param_{}", p.rust_name.trim_end_matches('_'));
    // a path parameter is read by its route's name
    let name = p.route_name.as_deref().unwrap_or(&p.name);
    let (array, inner) = match &p.ty {
        TypeRef::Vec(inner) => (true, &**inner),
        t => (false, t),
    };
    let t = type_tokens(inner, &paths.types);
    let need = if p.required { "required" } else { "optional" };
    let explode = p.explode;
    if let Some(style) = p.object {
        let deep = style == ObjectStyle::DeepObject;
        let t = type_tokens(&p.ty, &paths.types);
        let m = format_ident!("query_object_{need}");
        let keys = object_keys(&p.ty, model);
        return quote!(let #var = incoming.#m::<#t>(#name, #deep, &[#(#keys),*], &mut errors););
    }
    let call = match (p.location, array) {
        (ParamLocation::Path, false) => quote!(incoming.path::<#t>(#name, &mut errors)),
        (ParamLocation::Path, true) => quote!(incoming.path_array::<#t>(#name, &mut errors)),
        (ParamLocation::Query, false) => {
            let m = format_ident!("query_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
        (ParamLocation::Query, true) => {
            let m = format_ident!("query_array_{need}");
            quote!(incoming.#m::<#t>(#name, #explode, &mut errors))
        }
        (ParamLocation::Header, false) => {
            let m = format_ident!("header_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
        (ParamLocation::Header, true) => {
            let m = format_ident!("header_array_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
        (ParamLocation::Cookie, true) => {
            let m = format_ident!("cookie_array_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
        (ParamLocation::Cookie, false) => {
            let m = format_ident!("cookie_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
    };
    quote!(let #var = #call;)
}

/// The handler of `op`.
pub(super) fn item(
    model: &Model,
    op: &Operation,
    names: &Names,
    paths: &Paths,
    validation: &Validation,
    multiparts: &Multiparts,
) -> Result<TokenStream> {
    let rt = &paths.runtime;
    let Names {
        request: request_name,
        handler: handler_name,
        trait_name,
        ..
    } = names;
    let fn_name = ident(&op.fn_name);
    let op_id = op.id.as_str();
    let auth = auth_type(op, quote!(B::Principal), paths);
    let needs_errors = !op.params.is_empty() || op.body.is_some();
    let raw_body = if op.body.is_some() {
        quote!(raw_body)
    } else {
        quote!(_raw_body)
    };
    let requirements = op.security.iter().map(|alt| {
        let schemes = alt.iter().filter_map(|name| {
            model
                .server
                .scheme_consts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| {
                    let c = ident(c);
                    quote!(super::internal::#c)
                })
        });
        quote!(&[#(#schemes),*])
    });
    let mut statements = Vec::new();
    let mut vars = Vec::new();
    let mut patterns = Vec::new();
    let mut field_inits = Vec::new();
    for p in &op.params {
        statements.push(extract_param(p, model, paths));
        let var = format_ident!("param_{}", p.rust_name.trim_end_matches('_'));
        let field = ident(&p.rust_name);
        vars.push(quote!(#var));
        patterns.push(quote!(Some(#var)));
        field_inits.push(quote!(#field: #var,));
    }
    if let Some(body) = &op.body {
        let required = body.required;
        let t = super::body_type(&body.ty, paths);
        match body.kind {
            BodyKind::Json | BodyKind::Form => {
                let m = if body.kind == BodyKind::Json {
                    quote!(json)
                } else {
                    quote!(form)
                };
                statements.push(quote! {
                    let parsed_body = match incoming.#m::<#t>(raw_body, #required, &mut errors).await {
                        Ok(parsed) => parsed,
                        Err(rejection) => return rejection.into_response(),
                    };
                });
            }
            BodyKind::Text | BodyKind::Binary => {
                let m = if body.kind == BodyKind::Text {
                    quote!(text)
                } else {
                    quote!(bytes)
                };
                let media_type = body.content_type.as_str();
                statements.push(quote! {
                    let parsed_body = match incoming.#m(raw_body, #media_type, #required, &mut errors).await {
                        Ok(parsed) => parsed,
                        Err(rejection) => return rejection.into_response(),
                    };
                });
            }
            BodyKind::Multipart => {
                let builder = multiparts.builder(&body.ty)?;
                statements.push(quote! {
                    let parsed_body = match incoming.multipart(raw_body, #required, &mut errors).await {
                        Ok(parsed) => parsed,
                        Err(rejection) => return rejection.into_response(),
                    };
                    let parsed_body = match parsed_body {
                        Some(Some(form)) => super::internal::#builder(&form, &mut errors).map(Some),
                        Some(None) => Some(None),
                        None => None,
                    };
                });
            }
        }
        vars.push(quote!(parsed_body));
        patterns.push(if required {
            quote!(Some(Some(parsed_body)))
        } else {
            quote!(Some(parsed_body))
        });
        field_inits.push(quote!(body: parsed_body,));
    }
    let mut checks = Vec::new();
    for p in &op.params {
        let field = ident(&p.rust_name);
        let name = p.name.as_str();
        if validation.needs(&p.ty) {
            checks.push(
                quote!(super::internal::Validate::validate(&request.#field, #name, &mut errors);),
            );
        }
        if let Some(c) = constraint_checks(
            &p.constraints,
            &p.ty,
            quote!(#name),
            quote!(&mut errors),
            paths,
        ) {
            checks.push(if p.required {
                quote! { { let value = &request.#field; #c } }
            } else {
                quote! { if let Some(value) = &request.#field { #c } }
            });
        }
    }
    if let Some(body) = &op.body {
        if validation.needs(&body.ty) {
            checks
                .push(quote!(super::internal::Validate::validate(&request.body, "", &mut errors);));
        }
    }
    let take_apart = if needs_errors {
        quote! {
            let mut errors = #rt::Errors::default();
            #(#statements)*
            let (#(#patterns,)*) = (#(#vars,)*) else {
                return errors.into_response();
            };
            let request = #request_name { #(#field_inits)* };
            #(#checks)*
            if let Err(rejection) = errors.finish() {
                return rejection.into_response();
            }
        }
    } else {
        quote! {
            let request = #request_name {};
        }
    };
    let doc = format!(
        " Serves [`{trait_name}::{fn_name}`]: credentials, parameters, body and validation, then the method."
    );
    Ok(quote! {
        #[doc = #doc]
        pub(crate) async fn #handler_name<B: #trait_name>(
            #rt::axum::extract::State(shared): #rt::axum::extract::State<
                std::sync::Arc<#rt::Shared<B>>,
            >,
            request: #rt::axum::extract::Request,
        ) -> #rt::axum::response::Response {
            use #rt::axum::response::IntoResponse as _;
            let (incoming, #raw_body) = match #rt::Incoming::new(
                request,
                &shared.config,
                super::internal::BASE_VARIABLES,
            )
            .await
            {
                Ok(parts) => parts,
                Err(rejection) => return rejection.into_response(),
            };
            let ctx = match incoming
                .authenticate::<B, #auth>(&*shared.backend, #op_id, &[#(#requirements),*])
                .await
            {
                Ok(ctx) => ctx,
                Err(rejection) => return rejection.into_response(),
            };
            #take_apart
            let finisher = ctx.finisher();
            let result = shared.backend.#fn_name(ctx, request).await;
            finisher.respond(result.map(#rt::axum::response::IntoResponse::into_response))
        }
    })
}
