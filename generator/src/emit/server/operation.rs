//! One operation of a server crate: its trait method (with the 501 default), its typed request
//! and reply, and the handler that turns an HTTP request into the request, calls the method
//! and turns the reply into a response.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::multipart::Multiparts;
use super::validate::{constraint_checks, Validation};
use super::Paths;
use crate::emit::rust::{doc_attrs, ident, type_tokens};
use crate::error::Result;
use crate::model::tags::Tag;
use crate::model::ResponseHeader;
use crate::model::{
    AuthKind, BodyKind, FieldRepr, Model, Operation, Param, ParamLocation, Status, TypeRef,
};

/// The tokens of one operation.
pub(super) struct OperationTokens {
    /// The trait method.
    pub method: TokenStream,
    /// The request struct, the reply enum and the handler.
    pub items: TokenStream,
}

/// A type as doc text: a link for named types.
fn type_doc(ty: &TypeRef, paths: &Paths) -> String {
    match ty {
        TypeRef::Named(n) => format!("[`{n}`]({}::{n})", paths.types_doc),
        TypeRef::Vec(inner) => format!("an array of {}", type_doc(inner, paths)),
        TypeRef::Map(inner) => format!("a map of {}", type_doc(inner, paths)),
        TypeRef::Json => "any JSON value".to_owned(),
        TypeRef::JsonObject => "a JSON object".to_owned(),
        TypeRef::Prim(p) => format!("`{}`", crate::emit::rust::prim_tokens(*p)).replace(' ', ""),
    }
}

/// A variant of a reply enum.
struct Variant<'a> {
    name: Ident,
    status: Status,
    body: Option<&'a TypeRef>,
    headers: Option<(Ident, &'a [ResponseHeader])>,
    doc: String,
}

fn security_doc(model: &Model, op: &Operation) -> String {
    if op.security.is_empty() {
        return "No credentials needed.".to_owned();
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|alt| {
            if alt.is_empty() {
                return "none".to_owned();
            }
            alt.iter()
                .map(|name| {
                    let what = model
                        .security_schemes
                        .iter()
                        .find(|s| s.name == *name)
                        .map(|s| match &s.kind {
                            crate::model::SecuritySchemeKind::Bearer
                            | crate::model::SecuritySchemeKind::OAuth2 => {
                                "a bearer token".to_owned()
                            }
                            crate::model::SecuritySchemeKind::Basic => {
                                "basic credentials".to_owned()
                            }
                            crate::model::SecuritySchemeKind::ApiKey { name, .. } => {
                                format!("an API key (`{name}`)")
                            }
                        })
                        .unwrap_or_else(|| "a credential".to_owned());
                    format!("{what} (`{name}`)")
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    let given: Vec<String> = alternatives.into_iter().filter(|a| a != "none").collect();
    if op.security.iter().any(Vec::is_empty) {
        return format!(
            "Takes {} when sent (verified through [`server_runtime::Backend`]); a request \
             without it is served too.",
            given.join(", or ")
        );
    }
    format!(
        "Needs {}; a request without it gets 401 before this method is called, and the \
         credential is verified through [`server_runtime::Backend`].",
        given.join(", or ")
    )
}

pub(super) fn emit(
    model: &Model,
    op: &Operation,
    tag: &Tag,
    paths: &Paths,
    validation: &Validation,
    multiparts: &Multiparts,
) -> Result<OperationTokens> {
    let types = &paths.types;
    let request_name = format_ident!("{}Request", op.type_name);
    let reply_name = format_ident!("{}Reply", op.type_name);
    let fn_name = ident(&op.fn_name);
    let handler_name = format_ident!("handle_{}", op.fn_name);
    let trait_name = ident(&tag.trait_name);
    let op_id = op.id.as_str();
    let method_link = format!("[`{}::{}`]", tag.trait_name, op.fn_name);
    let endpoint = format!("`{} {}`", op.method, op.path);

    // ----- the request -----
    let mut inputs_doc = Vec::new();
    let mut fields = Vec::new();
    for p in &op.params {
        let name = ident(&p.rust_name);
        let ty = type_tokens(&p.ty, types);
        let ty = if p.required { ty } else { quote!(Option<#ty>) };
        let need = if p.required { "required" } else { "optional" };
        let loc = p.location.as_str();
        let mut doc = p.doc.clone().unwrap_or_else(|| format!("`{}`.", p.name));
        doc.push_str(&format!("\n\nThe {loc} parameter `{}` ({need}).", p.name));
        let doc = doc_attrs(&doc);
        fields.push(quote!(#doc pub #name: #ty,));
        inputs_doc.push(format!("`{}` ({loc}, {need})", p.rust_name));
    }
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty, types);
        let ty = if body.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        let need = if body.required {
            "required"
        } else {
            "optional"
        };
        let mut doc = body
            .doc
            .clone()
            .unwrap_or_else(|| "The request body.".to_owned());
        doc.push_str(&format!(
            "\n\nThe request body (`{}`, {need}).",
            body.content_type
        ));
        let doc = doc_attrs(&doc);
        fields.push(quote!(#doc pub body: #ty,));
        inputs_doc.push(format!("`body`: {} ({need})", type_doc(&body.ty, paths)));
    }
    let all_optional =
        op.params.iter().all(|p| !p.required) && op.body.as_ref().is_none_or(|b| !b.required);
    let request_derives = if all_optional {
        quote!(#[derive(Clone, Debug, Default, PartialEq)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    let request_doc = doc_attrs(&format!(
        "The request of {method_link} ({endpoint}): its parameters and body, parsed and \
         validated.{}",
        if inputs_doc.is_empty() {
            " The operation takes no input.".to_owned()
        } else {
            String::new()
        }
    ));

    // ----- the reply -----
    let mut variants = Vec::new();
    for r in op.responses.iter().filter(|r| !r.envelope_error) {
        let name = format_ident!("{}", r.status.variant_name());
        let headers = (!r.headers.is_empty()).then(|| {
            (
                format_ident!("{}{}Headers", op.type_name, r.status.variant_name()),
                r.headers.as_slice(),
            )
        });
        let mut doc = format!("`{}`", r.status.key());
        if let Some(d) = &r.doc {
            doc.push_str(&format!(": {d}"));
        }
        variants.push(Variant {
            name,
            status: r.status,
            body: r.body.as_ref().map(|(_, t)| t),
            headers,
            doc,
        });
    }
    let mut header_structs = Vec::new();
    let variant_decls: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let mut payload = Vec::new();
            if !matches!(v.status, Status::Code(_)) {
                payload.push(quote!(u16));
            }
            if let Some(t) = v.body {
                payload.push(type_tokens(t, types));
            }
            if let Some((h, list)) = &v.headers {
                payload.push(quote!(#h));
                header_structs.push(headers_struct(h, list, &reply_name, &v.name));
            }
            let mut doc = v.doc.clone();
            let shape = match (&v.status, v.body.is_some(), v.headers.is_some()) {
                (Status::Code(_), _, _) => "",
                (_, true, _) | (_, _, true) => "\n\nThe status first (the spec gives a range).",
                _ => "\n\nThe status (the spec gives a range).",
            };
            doc.push_str(shape);
            let doc = doc_attrs(&doc);
            let name = &v.name;
            if payload.is_empty() {
                quote!(#doc #name,)
            } else {
                quote!(#doc #name(#(#payload),*),)
            }
        })
        .collect();
    let arms = variants.iter().map(|v| reply_arm(v));
    let success = op.success().map(|r| {
        format!(
            "`{}` ({}){}",
            r.status.variant_name(),
            r.status.key(),
            r.body
                .as_ref()
                .map(|(_, t)| format!(" with {}", type_doc(t, paths)))
                .unwrap_or_default()
        )
    });
    let errors_doc: Vec<String> = op
        .errors()
        .map(|r| {
            if r.envelope_error {
                return match r.status {
                    Status::Code(_) => format!(
                        "`{}` ({}, through `{reply_name}::{}`)",
                        r.status.variant_name(),
                        r.status.key(),
                        constructor_name(r.status)
                    ),
                    _ => format!("{} (the error envelope)", r.status.key()),
                };
            }
            format!(
                "`{}` ({}){}",
                r.status.variant_name(),
                r.status.key(),
                r.body
                    .as_ref()
                    .map(|(_, t)| format!(" with {}", type_doc(t, paths)))
                    .unwrap_or_default()
            )
        })
        .collect();
    let reply_doc = doc_attrs(&format!(
        "The reply of {method_link}: one variant per documented status, each with its typed \
         body, and `Error` for any other error (with the error envelope){}.",
        if op.responses.iter().any(|r| r.envelope_error) {
            ", which also answers the documented errors in the error envelope (see the \
             constructors)"
        } else {
            ""
        }
    ));
    let must_use = format!("the reply of `{}` must be returned", op.fn_name);
    let error_doc = if model.server.strict {
        " Any other error: the error envelope with its status."
    } else {
        " Any other error: the error envelope with its status (the default answers 501)."
    };
    let error_doc = quote!(#[doc = #error_doc]);

    // ----- the trait method -----
    let mut method_doc = Vec::new();
    method_doc.push(
        crate::docs::paragraphs([op.summary.as_deref()]).unwrap_or_else(|| format!("`{}`.", op.id)),
    );
    if let Some(d) = &op.doc {
        method_doc.push(d.clone());
    }
    method_doc.push(format!(
        "{endpoint} (operation `{}`).{}",
        op.id,
        if op.deprecated {
            " **Deprecated** in the spec."
        } else {
            ""
        }
    ));
    method_doc.push(format!(
        "Request: [`{request_name}`]: {}.",
        if inputs_doc.is_empty() {
            "no input".to_owned()
        } else {
            inputs_doc.join(", ")
        }
    ));
    method_doc.push(format!(
        "Reply: [`{reply_name}`]: {}; errors: {}.",
        success.unwrap_or_else(|| "no documented success".to_owned()),
        if errors_doc.is_empty() {
            "`Error` (any status, with the error envelope)".to_owned()
        } else {
            format!("{}, or `Error` (any other status)", errors_doc.join(", "))
        }
    ));
    method_doc.push(security_doc(model, op));
    if !model.server.strict {
        method_doc.push(
            "Default: answers 501 with the error envelope (see \
             [`server_runtime::Backend::not_implemented`])."
                .to_owned(),
        );
    }
    let method_doc = doc_attrs(&method_doc.join("\n\n"));
    let auth = auth_type(op, quote!(Self::Principal));
    let signature = quote! {
        fn #fn_name(
            &self,
            ctx: server_runtime::RequestContext<#auth>,
            request: #request_name,
        ) -> impl std::future::Future<Output = Result<#reply_name, Self::Error>> + Send
    };
    let method = if model.server.strict {
        quote! {
            #method_doc
            #signature;
        }
    } else {
        quote! {
            #method_doc
            #signature {
                let _ = (ctx, request);
                std::future::ready(Ok(#reply_name::Error(self.not_implemented(#op_id))))
            }
        }
    };
    let constructors = constructors(op, &reply_name, types);

    // ----- the handler -----
    let handler = handler(
        model,
        op,
        paths,
        validation,
        multiparts,
        &trait_name,
        &request_name,
        &handler_name,
    )?;

    let items = quote! {
        #request_doc
        #request_derives
        pub struct #request_name {
            #(#fields)*
        }

        #reply_doc
        #[derive(Clone, Debug, PartialEq)]
        #[must_use = #must_use]
        pub enum #reply_name {
            #(#variant_decls)*
            #error_doc
            Error(server_runtime::ErrorResponse),
        }

        #(#header_structs)*

        #constructors

        impl From<server_runtime::ErrorResponse> for #reply_name {
            fn from(error: server_runtime::ErrorResponse) -> Self {
                Self::Error(error)
            }
        }

        impl server_runtime::axum::response::IntoResponse for #reply_name {
            fn into_response(self) -> server_runtime::axum::response::Response {
                match self {
                    #(#arms)*
                    Self::Error(error) => error.into_response(),
                }
            }
        }

        #handler
    };
    Ok(OperationTokens { method, items })
}

fn headers_struct(
    name: &Ident,
    headers: &[ResponseHeader],
    reply: &Ident,
    variant: &Ident,
) -> TokenStream {
    let fields = headers.iter().map(|h| {
        let f = ident(&h.rust_name);
        let t = type_tokens(&h.ty, &TokenStream::new());
        let t = if h.required { t } else { quote!(Option<#t>) };
        let mut doc = h.doc.clone().unwrap_or_else(|| format!("`{}`.", h.name));
        doc.push_str(&format!("\n\nThe `{}` header.", h.name));
        let doc = doc_attrs(&doc);
        quote!(#doc pub #f: #t,)
    });
    let derives = if headers.iter().all(|h| !h.required) {
        quote!(#[derive(Clone, Debug, Default, PartialEq)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    let doc = format!(" The response headers of [`{reply}::{variant}`].");
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

fn reply_arm(v: &Variant<'_>) -> TokenStream {
    let name = &v.name;
    let mut bindings = Vec::new();
    let status = match v.status {
        Status::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        _ => {
            bindings.push(quote!(status));
            quote!(status)
        }
    };
    let respond = match v.body {
        Some(_) => {
            bindings.push(quote!(body));
            quote!(server_runtime::json(#status, &body))
        }
        None => quote!(server_runtime::empty(#status)),
    };
    let Some((_, headers)) = &v.headers else {
        return if bindings.is_empty() {
            quote!(Self::#name => #respond,)
        } else {
            quote!(Self::#name(#(#bindings),*) => #respond,)
        };
    };
    bindings.push(quote!(headers));
    let sets = headers.iter().map(|h| {
        let f = ident(&h.rust_name);
        let wire = h.name.as_str();
        if h.required {
            quote!(server_runtime::set_header(&mut response, #wire, headers.#f);)
        } else {
            quote! {
                if let Some(value) = headers.#f {
                    server_runtime::set_header(&mut response, #wire, value);
                }
            }
        }
    });
    quote! {
        Self::#name(#(#bindings),*) => {
            let mut response = #respond;
            #(#sets)*
            response
        }
    }
}

/// The statement that extracts a parameter into `param_<name>` (an `Option`: `None` when a
/// problem was recorded).
fn extract_param(p: &Param, paths: &Paths) -> TokenStream {
    let var = format_ident!("param_{}", p.rust_name.trim_end_matches('_'));
    let name = p.name.as_str();
    let (array, inner) = match &p.ty {
        TypeRef::Vec(inner) => (true, &**inner),
        t => (false, t),
    };
    let t = type_tokens(inner, &paths.types);
    let need = if p.required { "required" } else { "optional" };
    let explode = p.explode;
    let call = match (p.location, array) {
        (ParamLocation::Path, _) => quote!(incoming.path::<#t>(#name, &mut errors)),
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
        (ParamLocation::Cookie, _) => {
            let m = format_ident!("cookie_{need}");
            quote!(incoming.#m::<#t>(#name, &mut errors))
        }
    };
    quote!(let #var = #call;)
}

#[allow(clippy::too_many_arguments)]
fn handler(
    model: &Model,
    op: &Operation,
    paths: &Paths,
    validation: &Validation,
    multiparts: &Multiparts,
    trait_name: &Ident,
    request_name: &Ident,
    handler_name: &Ident,
) -> Result<TokenStream> {
    let types = &paths.types;
    let fn_name = ident(&op.fn_name);
    let op_id = op.id.as_str();
    let auth = auth_type(op, quote!(B::Principal));
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
        statements.push(extract_param(p, paths));
        let var = format_ident!("param_{}", p.rust_name.trim_end_matches('_'));
        let field = ident(&p.rust_name);
        vars.push(quote!(#var));
        patterns.push(quote!(Some(#var)));
        field_inits.push(quote!(#field: #var,));
    }
    if let Some(body) = &op.body {
        let required = body.required;
        let t = type_tokens(&body.ty, types);
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
        if let Some(c) =
            constraint_checks(&p.constraints, &p.ty, quote!(#name), quote!(&mut errors))
        {
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
            let mut errors = server_runtime::Errors::default();
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
            server_runtime::axum::extract::State(shared): server_runtime::axum::extract::State<
                std::sync::Arc<server_runtime::Shared<B>>,
            >,
            request: server_runtime::axum::extract::Request,
        ) -> server_runtime::axum::response::Response {
            use server_runtime::axum::response::IntoResponse as _;
            let (incoming, #raw_body) = match server_runtime::Incoming::new(
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
            finisher.respond(result.map(server_runtime::axum::response::IntoResponse::into_response))
        }
    })
}

/// The type of the request context's `auth` for `op`, with `principal` as the principal type.
fn auth_type(op: &Operation, principal: TokenStream) -> TokenStream {
    match op.auth() {
        AuthKind::None => quote!(()),
        AuthKind::One(_) => quote!(server_runtime::Verified<#principal>),
        AuthKind::Alternatives => quote!(server_runtime::Credentials<#principal>),
        AuthKind::OptionalOne(_) => quote!(Option<server_runtime::Verified<#principal>>),
        AuthKind::Optional => quote!(Option<server_runtime::Credentials<#principal>>),
    }
}

/// The constructor of a reply for an error status answered with the error envelope
/// (`not_found`).
fn constructor_name(status: Status) -> String {
    heck::ToSnakeCase::to_snake_case(status.variant_name().as_str())
}

/// The reply's constructors in the API's envelope: `ok(content)` and `ok_with_message` for
/// the success body, one per documented error status answered with the error envelope.
fn constructors(op: &Operation, reply: &Ident, types: &TokenStream) -> TokenStream {
    let mut items = Vec::new();
    if let (Some(env), Some(success)) = (&op.envelope, op.success()) {
        let body = format_ident!("{}", env.body);
        let variant = format_ident!("{}", success.status.variant_name());
        let wrap = |value: TokenStream, optional: bool| {
            if optional {
                quote!(Some(#value))
            } else {
                value
            }
        };
        let message_field = ident(&env.message.0);
        let message = wrap(quote!(message.into()), env.message.1);
        let success_field = ident(&env.success.0);
        let success_value = wrap(quote!(true), env.success.1);
        let others = env.others.iter().map(|f| {
            let f = ident(f);
            quote!(#f: None,)
        });
        let (param, content_init, arg, content_doc): (TokenStream, TokenStream, TokenStream, &str) =
            match &env.content {
                Some(c) => {
                    let field = ident(&c.field);
                    let ty = type_tokens(&c.ty, types);
                    let value = if c.boxed {
                        quote!(Box::new(content))
                    } else {
                        quote!(content)
                    };
                    let value = match c.repr {
                        FieldRepr::Plain | FieldRepr::Defaulted
                            if !c.boxed && c.field == "content" =>
                        {
                            quote!()
                        }
                        FieldRepr::Plain | FieldRepr::Defaulted => value,
                        FieldRepr::Nullable | FieldRepr::Optional => quote!(Some(#value)),
                        FieldRepr::OptionalNullable => quote!(Some(Some(#value))),
                    };
                    let init = if value.is_empty() {
                        quote!(#field,)
                    } else {
                        quote!(#field: #value,)
                    };
                    (
                        quote!(content: #ty),
                        init,
                        quote!(, content),
                        " with `content`",
                    )
                }
                None => (quote!(), quote!(), quote!(), ""),
            };
        let ok_message = env.ok_message.as_str();
        let ok_doc = format!(
            " `{}`{content_doc} in the envelope, with the message `{ok_message}` and `success: true`.",
            success.status.key()
        );
        let with_doc = format!(
            " `{}`{content_doc} in the envelope, with `message`.",
            success.status.key()
        );
        items.push(quote! {
            #[doc = #ok_doc]
            pub fn ok(#param) -> Self {
                Self::ok_with_message(#ok_message #arg)
            }

            #[doc = #with_doc]
            pub fn ok_with_message(message: impl Into<String>, #param) -> Self {
                Self::#variant(#types::#body {
                    #message_field: #message,
                    #success_field: #success_value,
                    #content_init
                    #(#others)*
                })
            }
        });
    }
    for r in op.errors().filter(|r| r.envelope_error) {
        let Status::Code(code) = r.status else {
            continue;
        };
        let name = format_ident!("{}", constructor_name(r.status));
        if name == "ok" || name == "ok_with_message" {
            continue;
        }
        let error_code =
            heck::ToShoutySnakeCase::to_shouty_snake_case(r.status.variant_name().as_str());
        let mut doc = format!("`{code}` with the error envelope (code `{error_code}`)");
        match &r.doc {
            Some(d) => doc.push_str(&format!(": {d}")),
            None => doc.push('.'),
        }
        let doc = doc_attrs(&doc);
        let code = proc_macro2::Literal::u16_unsuffixed(code);
        items.push(quote! {
            #doc
            pub fn #name(message: impl Into<String>) -> Self {
                Self::Error(server_runtime::ErrorResponse::new(#code, #error_code, message))
            }
        });
    }
    if items.is_empty() {
        return quote!();
    }
    let doc = format!(" Replies of [`{reply}`] in the API's envelope.");
    quote! {
        #[doc = #doc]
        impl #reply {
            #(#items)*
        }
    }
}
