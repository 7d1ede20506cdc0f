//! The request struct of an operation: its parameters and body, parsed and validated.

use proc_macro2::TokenStream;
use quote::quote;

use super::{type_doc, Names};
use crate::emit::rust::{doc_attrs, ident, type_tokens};
use crate::emit::Paths;
use crate::model::Operation;

/// The request struct, and a line of doc per input for the trait method.
pub(super) struct Request {
    pub tokens: TokenStream,
    pub inputs_doc: Vec<String>,
}

/// The request struct of `op`.
pub(super) fn items(op: &Operation, names: &Names, paths: &Paths) -> Request {
    let types = &paths.types;
    let Names {
        request: request_name,
        method_link,
        endpoint,
        ..
    } = names;
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
        let ty = super::body_type(&body.ty, paths);
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

    let tokens = quote! {
        #request_doc
        #request_derives
        pub struct #request_name {
            #(#fields)*
        }
    };
    Request { tokens, inputs_doc }
}
