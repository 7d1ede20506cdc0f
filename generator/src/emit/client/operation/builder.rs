//! The request builder of an operation: its fields (one per input), setters, `into_request`,
//! `send` and `IntoFuture`, and its doc (inputs, result, errors).

use proc_macro2::TokenStream;
use quote::quote;

use super::{
    auth, first_line, names, optional_inputs, required_inputs, setter_name, status_text,
    success_ty, ty, ty_doc, Input, Names, BODY_FIELD,
};
use crate::docs;
use crate::emit::rust::{doc_attrs, ident};
use crate::emit::Paths;
use crate::model::multipart::PartEncoding;
use crate::model::pagination::ListOperation;
use crate::model::{
    BodyKind, FieldRepr, Model, ObjectStyle, Operation, Param, ParamLocation, TypeKind, TypeRef,
};

/// The builder struct, its methods and its `IntoFuture`.
pub(super) fn items(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let list = op.list.as_ref();
    let Names {
        builder,
        error,
        decode,
        ..
    } = &names(op);
    let doc = doc_attrs(&builder_doc(op, paths, list));
    let required = required_inputs(op);
    let optional = optional_inputs(op);
    let success = success_ty(op, paths);
    let fields = required
        .iter()
        .map(|i| {
            let id = ident(&i.name);
            let t = ty(&i.ty, paths);
            quote!(#id: #t)
        })
        .chain(optional.iter().map(|i| {
            let id = ident(&i.name);
            let t = ty(&i.ty, paths);
            quote!(#id: Option<#t>)
        }));
    let setters = optional.iter().map(|i| setter(i, paths));
    let method = ident(&op.method);
    let path = &op.path;
    let id = &op.id;
    let mut calls: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let id = ident(&p.rust_name);
            param_call(p, quote!(self.#id))
        })
        .collect();
    let accepted = auth(op, model, paths);
    if !accepted.is_empty() {
        calls.push(quote!(.auth(&[#(#accepted),*])));
    }
    let body_stmt = body_statement(op, model, paths);
    let pages = list
        .map(|l| super::list::builder_methods(op, l, paths))
        .unwrap_or_default();

    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent: `.send().await` or `.await`"]
        pub struct #builder {
            client: #runtime::Client,
            #(#fields,)*
            options: #runtime::RequestOptions,
        }

        impl #builder {
            #(#setters)*

            /// Sets the timeout of each attempt of this request.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Sets the timeout of this whole call: every attempt, the waits between retries
            /// and the hooks (the call fails with `Error::OperationTimeout` when it runs out).
            pub fn operation_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.operation_timeout = Some(timeout);
                self
            }

            /// Adds a header to this request (it wins over the client's and the operation's).
            pub fn header(mut self, name: #runtime::HeaderName, value: #runtime::HeaderValue) -> Self {
                self.options.headers.insert(name, value);
                self
            }

            /// Sets the retry policy of this request.
            pub fn retry(mut self, policy: #runtime::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }

            /// The request, as the runtime sends it.
            pub fn into_request(self) -> (#runtime::Client, #runtime::Request) {
                let request = #runtime::Request::new(#runtime::Method::#method, #path, #id)
                    #(#calls)*
                    .options(self.options);
                #body_stmt
                (self.client, request)
            }

            /// Sends the request.
            pub async fn send(self) -> Result<#success, #runtime::Error<#error>> {
                let (client, request) = self.into_request();
                client.send(request, #decode).await
            }

            /// Sends the request; the value comes with its response's status and headers
            /// (and so its request id).
            pub async fn send_with_metadata(
                self,
            ) -> Result<#runtime::ResponseValue<#success>, #runtime::Error<#error>> {
                let (client, request) = self.into_request();
                client.send_with_metadata(request, #decode).await
            }

            #pages
        }

        impl std::future::IntoFuture for #builder {
            type Output = Result<#success, #runtime::Error<#error>>;
            type IntoFuture = #runtime::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// The setter of an optional input; list parameters take any iterable.
fn setter(i: &Input<'_>, paths: &Paths) -> TokenStream {
    let id = ident(&i.name);
    let setter = ident(&setter_name(&i.name));
    let t = ty(&i.ty, paths);
    let doc = doc_attrs(&i.doc.clone().unwrap_or_else(|| match i.param {
        Some(p) => format!("Sets `{}`.", p.name),
        None => "Sets the body.".to_owned(),
    }));
    match &i.ty {
        TypeRef::Vec(item) if i.param.is_some() => {
            let item = ty(item, paths);
            quote! {
                #doc
                pub fn #setter(mut self, values: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                    self.#id = Some(values.into_iter().map(Into::into).collect());
                    self
                }
            }
        }
        _ => quote! {
            #doc
            pub fn #setter(mut self, value: impl Into<#t>) -> Self {
                self.#id = Some(value.into());
                self
            }
        },
    }
}

/// The statements of `into_request` that attach the body (JSON, form or multipart).
fn body_statement(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let Some(body) = &op.body else {
        return quote!();
    };
    let field = ident(BODY_FIELD);
    let set = match body.kind {
        BodyKind::Json => quote!(request.json(&body)),
        BodyKind::Form => quote!(request.form(&body)),
        BodyKind::Multipart => {
            let fill = multipart_fill(&body.ty, model, paths);
            quote!({ #fill request.multipart(form) })
        }
        BodyKind::Text => {
            let media_type = body.content_type.as_str();
            quote!(request.raw(#media_type, body.into_bytes()))
        }
        BodyKind::Binary => {
            let media_type = body.content_type.as_str();
            quote!(request.raw(#media_type, body))
        }
    };
    if body.required {
        quote! { let body = self.#field; let request = #set; }
    } else {
        quote! {
            let request = match self.#field {
                Some(body) => #set,
                None => request,
            };
        }
    }
}

/// The doc of the builder (and, shortened, of the method that makes it).
fn builder_doc(op: &Operation, paths: &Paths, list: Option<&ListOperation>) -> String {
    let n = names(op);
    let mut parts = Vec::new();
    if let Some(s) = op.summary.as_deref() {
        parts.push(docs::sanitize(s));
    }
    if let Some(d) = &op.doc {
        parts.push(d.clone());
    }
    let line = |i: &Input| {
        let doc = i
            .doc
            .as_deref()
            .map(|d| format!(": {}", first_line(d)))
            .unwrap_or_default();
        let what = match i.param {
            Some(p) => match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            },
            None => match op.body.as_ref().map(|b| b.kind) {
                Some(BodyKind::Multipart) => "multipart body",
                Some(BodyKind::Form) => "form body",
                Some(BodyKind::Text) => "text body",
                Some(BodyKind::Binary) => "binary body",
                _ => "JSON body",
            },
        };
        format!("- `{}` ({what}, {}){doc}", i.name, ty_doc(&i.ty, paths))
    };
    let required = required_inputs(op);
    let optional = optional_inputs(op);
    let mut inputs = String::from("# Inputs\n\n");
    if required.is_empty() {
        inputs.push_str("Required: none.\n");
    } else {
        inputs.push_str("Required (arguments):\n\n");
        for i in &required {
            inputs.push_str(&line(i));
            inputs.push('\n');
        }
    }
    if optional.is_empty() {
        inputs.push_str("\nOptional: none.");
    } else {
        inputs.push_str("\nOptional (builder methods):\n\n");
        for i in &optional {
            inputs.push_str(&line(i));
            inputs.push('\n');
        }
    }
    parts.push(inputs.trim_end().to_owned());
    let success = match op.success() {
        Some(r) => match &r.body {
            Some((_, t)) => format!("{} ({})", ty_doc(t, paths), status_text(r.status)),
            None => format!("`()` ({}, no body)", status_text(r.status)),
        },
        None => "`()` (any `2XX`)".to_owned(),
    };
    let errors: Vec<String> = op.errors().map(|r| status_text(r.status)).collect();
    let errors = if errors.is_empty() {
        "no documented errors".to_owned()
    } else {
        errors.join(", ")
    };
    let mut result = format!(
        "# Result\n\n`.send().await` (or `.await`) gives {success}, or an [`Error`]({runtime}::Error) whose \
         documented errors are [`{error}`] ({errors}).",
        runtime = paths.runtime_doc,
        error = n.error,
    );
    if let Some(list) = list {
        result.push_str(&format!(
            "\n\nA list: [`into_stream`]({builder}::into_stream) gives its items ({}) and \
             [`into_pages`]({builder}::into_pages) its pages, page after page.",
            ty_doc(&list.item_ty, paths),
            builder = n.builder,
        ));
    }
    parts.push(result);
    let mut tail = format!("`{} {}` (`{}`)", op.method, op.path, op.id);
    if op.deprecated {
        tail.push_str(". Deprecated.");
    }
    parts.push(tail);
    parts.join("\n\n")
}

/// Adds a parameter to the request being built.
fn param_call(p: &Param, value: TokenStream) -> TokenStream {
    let name = &p.name;
    match p.location {
        ParamLocation::Path => quote!(.path_param(#name, &#value)),
        ParamLocation::Query => match p.object {
            Some(style) => {
                let deep = style == ObjectStyle::DeepObject;
                quote!(.query_object(#name, &#value, #deep))
            }
            None => {
                let explode = p.explode;
                quote!(.query(#name, &#value, #explode))
            }
        },
        ParamLocation::Header => quote!(.header(#name, &#value)),
        ParamLocation::Cookie => quote!(.cookie(#name, &#value)),
    }
}

/// Statements that fill `form` (a `Multipart`) from `body`, a multipart struct: files as file
/// parts, other fields as text (the encodings are the model's, `model::multipart`).
fn multipart_fill(body_ty: &TypeRef, model: &Model, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let body = model.multipart.iter().find(|b| b.ty == *body_ty);
    let fields = match body
        .and_then(|b| b.struct_name.as_ref())
        .and_then(|n| model.types.get(n))
        .map(|t| &t.kind)
    {
        Some(TypeKind::Struct(s)) => &s.fields,
        _ => return quote!(let form = #runtime::Multipart::new().value("body", &body);),
    };
    let body = body.expect("a struct body has its parts");
    let mut stmts = Vec::new();
    for f in fields.iter().filter(|f| !f.read_only) {
        let field = ident(&f.name);
        let json = &f.json_name;
        let file = quote! {
            form = form.file(#json, file.bytes, file.file_name, file.content_type);
        };
        let stmt = match (body.part(&f.name), f.repr) {
            (Some(PartEncoding::File), FieldRepr::Plain | FieldRepr::Defaulted) => {
                quote! { let file = body.#field; #file }
            }
            (Some(PartEncoding::File), FieldRepr::Nullable | FieldRepr::Optional) => {
                quote! { if let Some(file) = body.#field { #file } }
            }
            (Some(PartEncoding::File), FieldRepr::OptionalNullable) => {
                quote! { if let Some(file) = body.#field.flatten() { #file } }
            }
            (Some(PartEncoding::Files), FieldRepr::Plain | FieldRepr::Defaulted) => {
                quote! { for file in body.#field { #file } }
            }
            (Some(PartEncoding::Files), FieldRepr::Nullable | FieldRepr::Optional) => {
                quote! { for file in body.#field.into_iter().flatten() { #file } }
            }
            (Some(PartEncoding::Files), FieldRepr::OptionalNullable) => {
                quote! { for file in body.#field.flatten().into_iter().flatten() { #file } }
            }
            _ => quote! { form = form.value(#json, &body.#field); },
        };
        stmts.push(stmt);
    }
    if stmts.is_empty() {
        return quote!(let form = #runtime::Multipart::new(););
    }
    quote! {
        let mut form = #runtime::Multipart::new();
        #(#stmts)*
    }
}
