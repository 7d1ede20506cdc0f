//! One operation: its request builder, its error enum and the decoder of its responses.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Paths;
use crate::docs;
use crate::emit::rust::{doc_attrs, ident, prim_tokens};
use crate::model::multipart::PartEncoding;
use crate::model::pagination::{ListOperation, Step};
use crate::model::{
    BodyKind, FieldRepr, Model, Operation, Param, ParamLocation, Prim, SecuritySchemeKind, Status,
    TypeKind, TypeRef,
};

/// The Rust type of a reference, named types in the types crate.
pub fn ty(t: &TypeRef, paths: &Paths) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let n = format_ident!("{}", n);
            let types = &paths.types;
            quote!(#types::#n)
        }
        TypeRef::Prim(Prim::Binary) => {
            let support = &paths.support;
            quote!(#support::FilePart)
        }
        TypeRef::Prim(p) => prim_tokens(*p),
        TypeRef::Vec(inner) => {
            let inner = ty(inner, paths);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, paths);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
    }
}

/// How a type is named in docs: `` [`Cart`](storefront_types::Cart) `` or `` `i64` ``.
fn ty_doc(t: &TypeRef, paths: &Paths) -> String {
    match t {
        TypeRef::Named(n) => format!("[`{n}`]({}::{n})", paths.types_doc),
        TypeRef::Vec(inner) => format!("list of {}", ty_doc(inner, paths)),
        TypeRef::Map(inner) => format!("map of {}", ty_doc(inner, paths)),
        TypeRef::Prim(Prim::Binary) => format!("[`FilePart`]({}::FilePart)", paths.support_doc),
        other => format!("`{}`", ty(other, paths).to_string().replace(' ', "")),
    }
}

/// The credentials an operation accepts, as runtime `Auth` values, deduplicated.
fn auth(op: &Operation, model: &Model, paths: &Paths) -> Vec<TokenStream> {
    let runtime = &paths.runtime;
    let mut out: Vec<&str> = Vec::new();
    for name in op.security.iter().flatten() {
        let Some(scheme) = model.security_schemes.iter().find(|s| &s.name == name) else {
            continue;
        };
        let a = match scheme.kind {
            SecuritySchemeKind::Bearer | SecuritySchemeKind::OAuth2 => "Bearer",
            SecuritySchemeKind::Basic => "Basic",
            SecuritySchemeKind::ApiKey { .. } => "ApiKey",
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out.iter()
        .map(|a| {
            let a = ident(a);
            quote!(#runtime::Auth::#a)
        })
        .collect()
}

/// The type of a successful call's value.
fn success_ty(op: &Operation, paths: &Paths) -> TokenStream {
    match op.success().and_then(|r| r.body.as_ref()) {
        Some((_, t)) => ty(t, paths),
        None => quote!(()),
    }
}

/// Names of the builder, error enum and decoder of an operation.
pub struct Names {
    pub builder: proc_macro2::Ident,
    pub error: proc_macro2::Ident,
    pub decode: proc_macro2::Ident,
    pub method: proc_macro2::Ident,
}

pub fn names(op: &Operation) -> Names {
    Names {
        builder: format_ident!("{}", op.type_name),
        error: format_ident!("{}Error", op.type_name),
        decode: format_ident!("decode_{}", op.fn_name),
        method: format_ident!("{}", op.fn_name),
    }
}

/// A required input: a parameter or the body.
struct Input<'a> {
    /// Rust name.
    name: String,
    ty: TypeRef,
    doc: Option<String>,
    /// `None`: the body.
    param: Option<&'a Param>,
}

fn required_inputs(op: &Operation) -> Vec<Input<'_>> {
    let mut out: Vec<Input> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| Input {
            name: p.rust_name.clone(),
            ty: p.ty.clone(),
            doc: p.doc.clone(),
            param: Some(p),
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        out.push(Input {
            name: BODY_FIELD.to_owned(),
            ty: body.ty.clone(),
            doc: body.doc.clone(),
            param: None,
        });
    }
    out
}

fn optional_inputs(op: &Operation) -> Vec<Input<'_>> {
    let mut out: Vec<Input> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| Input {
            name: p.rust_name.clone(),
            ty: p.ty.clone(),
            doc: p.doc.clone(),
            param: Some(p),
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        out.push(Input {
            name: BODY_FIELD.to_owned(),
            ty: body.ty.clone(),
            doc: body.doc.clone(),
            param: None,
        });
    }
    out
}

/// The builder field of the body. No parameter has this name: the model keeps it free
/// (`model/operations.rs` names parameters with `body` taken).
const BODY_FIELD: &str = "body";

/// Names a builder's own methods take; optional inputs with these names get a `set_` prefix.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "timeout",
    "header",
    "retry",
    "into_future",
    "into_pages",
    "into_stream",
    "into_request",
    "clone",
    "fmt",
];

fn setter_name(name: &str) -> String {
    if BUILDER_METHODS.contains(&name) {
        format!("set_{name}")
    } else {
        name.to_owned()
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn status_text(status: Status) -> String {
    match status {
        Status::Code(c) => format!("`{c}`"),
        Status::Range(r) => format!("`{r}XX`"),
        Status::Default => "any other status".to_owned(),
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
        ParamLocation::Query => {
            let explode = p.explode;
            quote!(.query(#name, &#value, #explode))
        }
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

/// Reads a value through `steps` from `r` in a function returning `Option`: borrowed
/// (`&T`) when `borrow`, moved out otherwise. Intermediate `Option`s use `?`.
fn access(steps: &[Step], borrow: bool) -> (TokenStream, bool) {
    let mut expr = quote!(r);
    let mut uses_question = false;
    let (last, init) = steps.split_last().expect("a path has at least one step");
    for s in init {
        let f = ident(&s.field);
        expr = quote!(#expr.#f);
        for _ in 0..s.options {
            uses_question = true;
            expr = if borrow {
                quote!(#expr.as_ref()?)
            } else {
                quote!(#expr?)
            };
        }
    }
    let f = ident(&last.field);
    let base = quote!(#expr.#f);
    let value = match (last.options, borrow) {
        (0, true) => quote!(Some(&#base)),
        (0, false) => quote!(Some(#base)),
        (1, true) => quote!(#base.as_ref()),
        (1, false) => base,
        (_, true) => quote!(#base.as_ref().and_then(Option::as_ref)),
        (_, false) => quote!(#base.flatten()),
    };
    (value, uses_question || last.options > 0)
}

/// Private functions that read a list's next page, items and item count.
fn list_fns(op: &Operation, list: &ListOperation, paths: &Paths) -> TokenStream {
    let response = ty(&TypeRef::Named(list.response.clone()), paths);
    let item = ty(&list.item_ty, paths);
    let next_fn = format_ident!("{}_next_page", op.fn_name);
    let items_fn = format_ident!("{}_items", op.fn_name);
    let count_fn = format_ident!("{}_item_count", op.fn_name);
    // the next page: a copied integer
    let (last, init) = list.next_page.split_last().expect("non-empty");
    let mut expr = quote!(r);
    for s in init {
        let f = ident(&s.field);
        expr = quote!(#expr.#f);
        for _ in 0..s.options {
            expr = quote!(#expr.as_ref()?);
        }
    }
    let f = ident(&last.field);
    let base = quote!(#expr.#f);
    let next = match (last.options, list.next_page_ty) {
        (0, Prim::I64) => quote!(Some(#base)),
        (0, _) => quote!(Some(i64::from(#base))),
        (1, Prim::I64) => base,
        (1, _) => quote!(#base.map(i64::from)),
        (_, Prim::I64) => quote!(#base.flatten()),
        (_, _) => quote!(#base.flatten().map(i64::from)),
    };
    let all_plain = list.items.iter().all(|s| s.options == 0);
    let (items, count) = if all_plain {
        let fields = list.items.iter().map(|s| ident(&s.field));
        let fields2 = fields.clone();
        (quote!(r #(.#fields)*), quote!(r #(.#fields2)*.len()))
    } else {
        let (owned, _) = access(&list.items, false);
        let (borrowed, _) = access(&list.items, true);
        (
            quote! {
                fn get(r: #response) -> Option<Vec<#item>> { #owned }
                get(r).unwrap_or_default()
            },
            quote! {
                fn get(r: &#response) -> Option<&Vec<#item>> { #borrowed }
                get(r).map_or(0, Vec::len)
            },
        )
    };
    quote! {
        fn #next_fn(r: &#response) -> Option<i64> { #next }

        fn #items_fn(r: #response) -> Vec<#item> { #items }

        fn #count_fn(r: &#response) -> usize { #count }
    }
}

/// The `Display` of one error variant: `status: code: message` from the body when it has them.
fn error_display(
    body: Option<&TypeRef>,
    status: TokenStream,
    bind: TokenStream,
    model: &Model,
    runtime: &TokenStream,
) -> TokenStream {
    let fields = body.and_then(|t| match t {
        TypeRef::Named(n) => match model.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    });
    let get = |name: &str| -> TokenStream {
        let field = fields.and_then(|fs| {
            fs.iter()
                .find(|f| f.json_name == name && f.ty == TypeRef::Prim(Prim::String))
        });
        match field {
            None => quote!(None),
            Some(f) => {
                let id = ident(&f.name);
                match f.repr {
                    FieldRepr::Plain | FieldRepr::Defaulted => quote!(Some(#bind.#id.as_str())),
                    FieldRepr::Nullable | FieldRepr::Optional => quote!(#bind.#id.as_deref()),
                    FieldRepr::OptionalNullable => {
                        quote!(#bind.#id.as_ref().and_then(|v| v.as_deref()))
                    }
                }
            }
        }
    };
    let code = get("code");
    let message = get("message");
    quote!(#runtime::write_api_error(f, #status, #code, #message))
}

/// Everything of one operation: builder, `IntoFuture`, error enum, decoder (+ list helpers).
pub fn operation_items(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let list = op.list.as_ref();
    let n = names(op);
    let Names {
        builder,
        error,
        decode,
        ..
    } = &n;
    let doc = doc_attrs(&builder_doc(op, paths, list));
    let required = required_inputs(op);
    let optional = optional_inputs(op);
    let success = success_ty(op, paths);

    // builder fields
    let mut fields = Vec::new();
    for i in &required {
        let id = ident(&i.name);
        let t = ty(&i.ty, paths);
        fields.push(quote!(#id: #t));
    }
    for i in &optional {
        let id = ident(&i.name);
        let t = ty(&i.ty, paths);
        fields.push(quote!(#id: Option<#t>));
    }

    // setters of optional inputs
    let setters = optional.iter().map(|i| {
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
    });

    // the request
    let method = ident(&op.method);
    let path = &op.path;
    let id = &op.id;
    let mut calls = Vec::new();
    for p in &op.params {
        let id = ident(&p.rust_name);
        calls.push(param_call(p, quote!(self.#id)));
    }
    let accepted = auth(op, model, paths);
    if !accepted.is_empty() {
        calls.push(quote!(.auth(&[#(#accepted),*])));
    }
    let body_stmt = match &op.body {
        None => quote!(),
        Some(body) => {
            let field = ident(BODY_FIELD);
            let set = match body.kind {
                BodyKind::Json => quote!(request.json(&body)),
                BodyKind::Form => quote!(request.form(&body)),
                BodyKind::Multipart => {
                    let fill = multipart_fill(&body.ty, model, paths);
                    quote!({ #fill request.multipart(form) })
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
    };

    // the decoder
    let mut arms = Vec::new();
    arms.push(match op.success().and_then(|r| r.body.as_ref()) {
        Some(_) => quote!(200..=299 => #runtime::Outcome::Ok(#runtime::json(body)?),),
        None => quote!(200..=299 => #runtime::Outcome::Ok(()),),
    });
    let mut variants = Vec::new();
    let mut status_arms = Vec::new();
    let mut display_arms = Vec::new();
    let mut default_arm = None;
    for r in op.errors() {
        let v = ident(&r.status.variant_name());
        let body_ty = r.body.as_ref().map(|(_, t)| t);
        let doc = doc_attrs(&format!(
            "{}{}",
            status_text(r.status),
            r.doc
                .as_deref()
                .map(|d| format!(": {}", first_line(d)))
                .unwrap_or_default()
        ));
        let fixed = match r.status {
            Status::Code(c) => Some(proc_macro2::Literal::u16_unsuffixed(c)),
            _ => None,
        };
        let parse = if body_ty.is_some() {
            quote!(#runtime::json(body)?)
        } else {
            quote!()
        };
        match (fixed, body_ty) {
            (Some(c), Some(t)) => {
                let t = ty(t, paths);
                variants.push(quote!(#doc #v(#t)));
                status_arms.push(quote!(#error::#v(_) => #c));
                let show = error_display(body_ty, quote!(#c), quote!(body), model, runtime);
                display_arms.push(quote!(#error::#v(body) => #show));
                arms.push(quote!(#c => #runtime::Outcome::Err(#error::#v(#parse)),));
            }
            (Some(c), None) => {
                variants.push(quote!(#doc #v));
                status_arms.push(quote!(#error::#v => #c));
                let show = error_display(None, quote!(#c), quote!(body), model, runtime);
                display_arms.push(quote!(#error::#v => #show));
                arms.push(quote!(#c => #runtime::Outcome::Err(#error::#v),));
            }
            (None, body) => {
                let (field, value) = match body {
                    Some(t) => {
                        let t = ty(t, paths);
                        (
                            quote!(, /// The body.
                            body: #t),
                            quote!(, body: #parse),
                        )
                    }
                    None => (quote!(), quote!()),
                };
                variants.push(quote!(#doc #v { /// The status.
                    status: u16 #field }));
                let bind = if body.is_some() {
                    quote!({ status, body })
                } else {
                    quote!({ status })
                };
                let bind_status = quote!({ status, .. });
                status_arms.push(quote!(#error::#v #bind_status => *status));
                let show = error_display(body, quote!(*status), quote!(body), model, runtime);
                display_arms.push(quote!(#error::#v #bind => #show));
                let pattern = match r.status {
                    Status::Range(x) => {
                        let lo = proc_macro2::Literal::u16_unsuffixed(x * 100);
                        let hi = proc_macro2::Literal::u16_unsuffixed(x * 100 + 99);
                        quote!(#lo..=#hi)
                    }
                    _ => quote!(),
                };
                let binding = if pattern.is_empty() {
                    quote!(status)
                } else {
                    quote!(status @ #pattern)
                };
                let arm = quote!(#binding => #runtime::Outcome::Err(#error::#v { status #value }),);
                if matches!(r.status, Status::Default) {
                    default_arm = Some(arm);
                } else {
                    arms.push(arm);
                }
            }
        }
    }
    arms.push(default_arm.unwrap_or_else(|| quote!(_ => #runtime::Outcome::Unexpected,)));
    let uses_body = op.errors().any(|r| r.body.is_some())
        || op.success().and_then(|r| r.body.as_ref()).is_some();
    let body_arg = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    let error_doc = doc_attrs(&format!(
        "The documented errors of [`{}`]: one variant per documented error status, with its body.\n\n\
         Other statuses are [`Error::Unexpected`]({}::Error::Unexpected).",
        builder, paths.runtime_doc
    ));
    let status_fn = if variants.is_empty() {
        quote! {
            /// The status of the response.
            pub fn status(&self) -> u16 {
                match *self {}
            }
        }
    } else {
        quote! {
            /// The status of the response.
            pub fn status(&self) -> u16 {
                match self { #(#status_arms,)* }
            }
        }
    };
    let (display_f, display_body) = if variants.is_empty() {
        (quote!(_), quote!(match *self {}))
    } else {
        (quote!(f), quote!(match self { #(#display_arms,)* }))
    };

    // pagination
    let list_items = match list {
        None => quote!(),
        Some(list) => {
            let response = ty(&TypeRef::Named(list.response.clone()), paths);
            let item = ty(&list.item_ty, paths);
            let page = ident(&list.page_param);
            let next_fn = format_ident!("{}_next_page", op.fn_name);
            let items_fn = format_ident!("{}_items", op.fn_name);
            let count_fn = format_ident!("{}_item_count", op.fn_name);
            let (first, set) = match list.page_ty {
                Prim::I64 => (quote!(self.#page.unwrap_or(1)), quote!(page)),
                _ => (
                    quote!(self.#page.map(i64::from).unwrap_or(1)),
                    quote!(i32::try_from(page).unwrap_or(i32::MAX)),
                ),
            };
            let pages_doc = doc_attrs(&format!(
                "The pages of the list, from this request's page (the first unless set) on,\n\
                 following each page's next page number. Stops after the last page, a page\n\
                 number that does not increase, an empty page, an error, or\n\
                 [`max_pages`]({}::Pages::max_pages) pages.",
                paths.runtime_doc
            ));
            quote! {
                #pages_doc
                pub fn into_pages(self) -> #runtime::Pages<#response, #error> {
                    let first = #first;
                    #runtime::Pages::new(
                        first,
                        move |page| {
                            let mut request = self.clone();
                            request.#page = Some(#set);
                            Box::pin(request.send())
                        },
                        #next_fn,
                        #count_fn,
                    )
                }

                /// The items of the list, page after page (see [`into_pages`](Self::into_pages)).
                pub fn into_stream(self) -> #runtime::Items<#response, #item, #error> {
                    self.into_pages().items(#items_fn)
                }
            }
        }
    };
    let list_fns = list.map(|l| list_fns(op, l, paths)).unwrap_or_default();

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

            #list_items
        }

        impl std::future::IntoFuture for #builder {
            type Output = Result<#success, #runtime::Error<#error>>;
            type IntoFuture = #runtime::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #error_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #error {
            #(#variants,)*
        }

        impl #error {
            #status_fn
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, #display_f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display_body
            }
        }

        impl std::error::Error for #error {}

        fn #decode(
            status: #runtime::StatusCode,
            #body_arg: &[u8],
        ) -> Result<#runtime::Outcome<#success, #error>, #runtime::DecodeError> {
            Ok(match status.as_u16() {
                #(#arms)*
            })
        }

        #list_fns
    }
}

/// The method of the tag group that starts the builder.
pub fn group_method(op: &Operation, paths: &Paths) -> TokenStream {
    let n = names(op);
    let Names {
        builder, method, ..
    } = &n;
    let required = required_inputs(op);
    let optional = optional_inputs(op);
    let is_list = |i: &Input| matches!(i.ty, TypeRef::Vec(_)) && i.param.is_some();
    let args = required.iter().map(|i| {
        let id = ident(&i.name);
        match &i.ty {
            TypeRef::Vec(item) if is_list(i) => {
                let item = ty(item, paths);
                quote!(#id: impl IntoIterator<Item = impl Into<#item>>)
            }
            t => {
                let t = ty(t, paths);
                quote!(#id: impl Into<#t>)
            }
        }
    });
    let inits = required
        .iter()
        .map(|i| {
            let id = ident(&i.name);
            if is_list(i) {
                quote!(#id: #id.into_iter().map(Into::into).collect())
            } else {
                quote!(#id: #id.into())
            }
        })
        .chain(optional.iter().map(|i| {
            let id = ident(&i.name);
            quote!(#id: None)
        }));
    let summary = op
        .summary
        .as_deref()
        .map(docs::sanitize)
        .unwrap_or_else(|| format!("`{} {}`", op.method, op.path));
    let doc = doc_attrs(&format!(
        "{summary}\n\nSee [`{builder}`] for the inputs, the result and the errors."
    ));
    let deprecated = if op.deprecated {
        quote!(#[deprecated = "deprecated in the API spec"])
    } else {
        quote!()
    };
    quote! {
        #doc
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
                options: Default::default(),
            }
        }
    }
}
