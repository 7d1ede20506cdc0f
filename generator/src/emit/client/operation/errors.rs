//! The documented errors of an operation: its error enum (a variant per documented error
//! status, with its body), `status()`, the runtime's `ApiError` (status, the body's `code` and
//! `message`), `Display`, and the decoder that turns a status and body into the success value,
//! a documented error or "unexpected".

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{first_line, names, status_text, success_ty, ty, Names};
use crate::emit::rust::{doc_attrs, ident};
use crate::emit::Paths;
use crate::model::{
    BodyKind, FieldRepr, Model, Operation, Prim, Response, Status, TypeKind, TypeRef,
};

/// The error enum, its impls and the decoder.
pub(super) fn items(op: &Operation, model: &Model, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let Names {
        builder,
        error,
        decode,
        ..
    } = &names(op);
    let success = success_ty(op, paths);
    // the decoder
    let mut arms = Vec::new();
    arms.push(match op.success().filter(|r| r.body.is_some()) {
        Some(r) => {
            let value = decode_body(r.kind, runtime);
            quote!(200..=299 => #runtime::Outcome::Ok(#value),)
        }
        None => quote!(200..=299 => #runtime::Outcome::Ok(()),),
    });
    let mut variants = Vec::new();
    let mut status_arms = Vec::new();
    let mut code_arms = Vec::new();
    let mut message_arms = Vec::new();
    let mut default_arm = None;
    for r in op.errors() {
        let v = variant(r, error, model, paths);
        variants.push(v.decl);
        status_arms.push(v.status);
        code_arms.push(v.code);
        message_arms.push(v.message);
        if matches!(r.status, Status::Default) {
            default_arm = Some(v.decode);
        } else {
            arms.push(v.decode);
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
         Other statuses are [`Error::Unexpected`]({rt}::Error::Unexpected). Code that handles the \
         errors of every operation reads them through [`ApiError`]({rt}::ApiError).",
        builder,
        rt = paths.runtime_doc
    ));
    let arms_of = |arms: &[TokenStream]| {
        if arms.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(#arms,)* })
        }
    };
    let status_match = arms_of(&status_arms);
    let code_match = arms_of(&code_arms);
    let message_match = arms_of(&message_arms);
    let display = if variants.is_empty() {
        quote! {
            fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match *self {}
            }
        }
    } else {
        quote! {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use #runtime::ApiError as _;
                #runtime::write_api_error(f, self.status(), self.code(), self.message())
            }
        }
    };

    quote! {
        #error_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants,)*
        }

        impl #error {
            /// The status of the response.
            pub fn status(&self) -> u16 {
                #status_match
            }
        }

        impl #runtime::ApiError for #error {
            fn status(&self) -> u16 {
                // the inherent method (it is found before this one)
                self.status()
            }

            fn code(&self) -> Option<&str> {
                #code_match
            }

            fn message(&self) -> Option<&str> {
                #message_match
            }
        }

        impl std::fmt::Display for #error {
            #display
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
    }
}

/// The expression that decodes `body` (a `&[u8]`) of a response encoded as `kind`.
fn decode_body(kind: BodyKind, runtime: &TokenStream) -> TokenStream {
    match kind {
        BodyKind::Text => quote!(#runtime::text(body)),
        BodyKind::Binary => quote!(#runtime::Bytes::copy_from_slice(body)),
        _ => quote!(#runtime::json(body)?),
    }
}

/// The pieces of one variant of the error enum.
struct ErrorVariant {
    /// Its declaration.
    decl: TokenStream,
    /// Its arm of `status()`.
    status: TokenStream,
    /// Its arm of `ApiError::code`.
    code: TokenStream,
    /// Its arm of `ApiError::message`.
    message: TokenStream,
    /// Its arm of the decoder.
    decode: TokenStream,
}

/// The variant of a documented error response: a tuple variant with the body for a fixed
/// status, a struct variant with the status (and the body) for a range or `default`.
fn variant(r: &Response, error: &Ident, model: &Model, paths: &Paths) -> ErrorVariant {
    let runtime = &paths.runtime;
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
    let parse = if body_ty.is_some() {
        decode_body(r.kind, runtime)
    } else {
        quote!()
    };
    // an arm of `code()`/`message()`: the body's string property, when it has one
    let text_arm = |name: &str, tuple: bool| {
        let get = body_ty.and_then(|t| string_field(t, name, model));
        match (get, tuple) {
            (Some(get), true) => quote!(#error::#v(body) => #get),
            (Some(get), false) => quote!(#error::#v { body, .. } => #get),
            (None, true) if body_ty.is_some() => quote!(#error::#v(_) => None),
            (None, true) => quote!(#error::#v => None),
            (None, false) => quote!(#error::#v { .. } => None),
        }
    };
    if let Status::Code(c) = r.status {
        let c = proc_macro2::Literal::u16_unsuffixed(c);
        let (decl, status, decode) = match body_ty {
            Some(t) => {
                let t = ty(t, paths);
                (
                    quote!(#doc #v(#t)),
                    quote!(#error::#v(_) => #c),
                    quote!(#c => #runtime::Outcome::Err(#error::#v(#parse)),),
                )
            }
            None => (
                quote!(#doc #v),
                quote!(#error::#v => #c),
                quote!(#c => #runtime::Outcome::Err(#error::#v),),
            ),
        };
        return ErrorVariant {
            decl,
            status,
            code: text_arm("code", true),
            message: text_arm("message", true),
            decode,
        };
    }
    let (field, value) = match body_ty {
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
    let binding = match r.status {
        Status::Range(x) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(x * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(x * 100 + 99);
            quote!(status @ #lo..=#hi)
        }
        _ => quote!(status),
    };
    ErrorVariant {
        decl: quote!(#doc #v { /// The status.
            status: u16 #field }),
        status: quote!(#error::#v { status, .. } => *status),
        code: text_arm("code", false),
        message: text_arm("message", false),
        decode: quote!(#binding => #runtime::Outcome::Err(#error::#v { status #value }),),
    }
}

/// An `Option<&str>` expression reading the string property `name` of `body` (a `&T` of
/// `ty`), when `ty` is a struct with such a property.
fn string_field(ty: &TypeRef, name: &str, model: &Model) -> Option<TokenStream> {
    let TypeRef::Named(n) = ty else {
        return None;
    };
    let Some(TypeKind::Struct(s)) = model.types.get(n).map(|d| &d.kind) else {
        return None;
    };
    let f = s
        .fields
        .iter()
        .find(|f| f.json_name == name && f.ty == TypeRef::Prim(Prim::String))?;
    let id = ident(&f.name);
    Some(match f.repr {
        FieldRepr::Plain | FieldRepr::Defaulted => quote!(Some(body.#id.as_str())),
        FieldRepr::Nullable | FieldRepr::Optional => quote!(body.#id.as_deref()),
        FieldRepr::OptionalNullable => quote!(body.#id.as_ref().and_then(|v| v.as_deref())),
    })
}
