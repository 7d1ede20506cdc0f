//! The trait method of an operation: its doc (inputs, replies, credentials) and, unless the
//! server is strict, its default that answers 501.

use proc_macro2::TokenStream;
use quote::quote;

use super::reply::Reply;
use super::{auth_type, Names};
use crate::emit::rust::doc_attrs;
use crate::emit::Paths;
use crate::model::{Model, Operation};

/// The trait method of `op`.
pub(super) fn item(
    model: &Model,
    op: &Operation,
    names: &Names,
    paths: &Paths,
    inputs_doc: &[String],
    reply: &Reply,
) -> TokenStream {
    let rt = &paths.runtime;
    let Names {
        request: request_name,
        reply: reply_name,
        method: fn_name,
        endpoint,
        ..
    } = names;
    let op_id = op.id.as_str();
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
        reply
            .success_doc
            .clone()
            .unwrap_or_else(|| "no documented success".to_owned()),
        if reply.errors_doc.is_empty() {
            "`Error` (any status, with the error envelope)".to_owned()
        } else {
            format!(
                "{}, or `Error` (any other status)",
                reply.errors_doc.join(", ")
            )
        }
    ));
    method_doc.push(security_doc(model, op, paths));
    if !model.server.strict {
        method_doc.push(format!(
            "Default: answers 501 with the error envelope (see \
             [`{}::Backend::not_implemented`]).",
            paths.runtime_doc
        ));
    }
    let method_doc = doc_attrs(&method_doc.join("\n\n"));
    let auth = auth_type(op, quote!(Self::Principal), paths);
    let signature = quote! {
        fn #fn_name(
            &self,
            ctx: #rt::RequestContext<#auth>,
            request: #request_name,
        ) -> impl std::future::Future<Output = Result<#reply_name, Self::Error>> + Send
    };
    if model.server.strict {
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
    }
}

fn security_doc(model: &Model, op: &Operation, paths: &Paths) -> String {
    let rt = &paths.runtime_doc;
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
            "Takes {} when sent (verified through [`{rt}::Backend`]); a request \
             without it is served too.",
            given.join(", or ")
        );
    }
    format!(
        "Needs {}; a request without it gets 401 before this method is called, and the \
         credential is verified through [`{rt}::Backend`].",
        given.join(", or ")
    )
}
