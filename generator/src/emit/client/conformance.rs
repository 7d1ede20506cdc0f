//! The conformance test of a client crate (`tests/conformance.rs`): every operation called
//! through the client, with sample inputs that the spec accepts (`crate::samples`), against a
//! mock server that answers from the spec itself, a number of rounds; every answer must decode
//! and the mock must accept every request (`client_runtime::conformance`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::{names, required_inputs, ty, Names};
use crate::emit::rust::ident;
use crate::emit::Paths;
use crate::model::{BodyKind, Model, Operation, Prim, TypeRef};
use crate::samples::Samples;

/// How many times each operation is called (the mock answers with fresh random data each time).
const ROUNDS: usize = 10;

/// The test file's tokens, for the crate `crate_ident` whose types crate is `types`.
pub(super) fn test_file(model: &Model, crate_ident: &str, spec_path: &str) -> TokenStream {
    let krate = format_ident!("{}", crate_ident);
    let paths = Paths {
        types: quote!(#krate::types),
        types_doc: format!("{crate_ident}::types"),
        support: quote!(#krate::types::support),
        support_doc: format!("{crate_ident}::types::support"),
        runtime: quote!(#krate::runtime),
        runtime_doc: format!("{crate_ident}::runtime"),
    };
    let samples = Samples::minimal(model);
    let mut skipped = Vec::new();
    let mut tag_fns = Vec::new();
    let mut tag_calls = Vec::new();
    for tag in &model.tags {
        let calls: Vec<TokenStream> = tag
            .operations
            .iter()
            .map(|&i| &model.operations[i])
            .filter_map(|op| {
                let call = call(op, &tag.module, &paths, &samples);
                if call.is_none() {
                    skipped.push(format!("`{}`", op.id));
                }
                call
            })
            .collect();
        if calls.is_empty() {
            continue;
        }
        let module = format_ident!("{}", tag.module);
        let feature = &tag.module;
        let doc = format!(" Calls every operation tagged `{}` once.", tag.name);
        tag_fns.push(quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            async fn #module(client: &#krate::Client, run: &mut Conformance) {
                #(#calls)*
            }
        });
        tag_calls.push(quote! {
            #[cfg(feature = #feature)]
            #module(&client, &mut run).await;
        });
    }
    let rounds = proc_macro2::Literal::usize_unsuffixed(ROUNDS);
    let mut doc_lines = vec![
        format!(" Conformance of this client with `{spec_path}`: every operation is called through"),
        format!(" the client with sample inputs the spec accepts, {ROUNDS} times, against a mock server"),
        " that answers from the spec itself (Prism in dynamic mode:".to_owned(),
        format!(" `prism mock -d {spec_path}`); every answer must decode, and the mock must accept"),
        " every request.".to_owned(),
        String::new(),
        " Set `CONFORMANCE_MOCK_URL` to the mock's URL; without it the test is skipped.".to_owned(),
    ];
    if !skipped.is_empty() {
        doc_lines.push(String::new());
        doc_lines.push(format!(
            " Not called (a file in a multipart body has no JSON sample): {}.",
            skipped.join(", ")
        ));
    }
    quote! {
        #(#![doc = #doc_lines])*
        #![allow(deprecated)]

        use #krate::runtime::conformance::{mock_url, Conformance};

        /// A sample input, from its JSON.
        fn sample<T: serde::de::DeserializeOwned>(json: &str) -> T {
            serde_json::from_str(json).expect("a sample of the spec parses as its type")
        }

        #(#tag_fns)*

        #[tokio::test]
        async fn every_answer_of_a_mock_of_the_spec_decodes() {
            let Some(url) = mock_url() else {
                return;
            };
            let client = #krate::Client::builder()
                .base_url(url)
                .api_key("conformance")
                .bearer_token("conformance")
                .retry(#krate::RetryPolicy::none())
                .build()
                .expect("a client of the mock");
            let mut run = Conformance::new();
            for _ in 0..#rounds {
                #(#tag_calls)*
            }
            run.assert_passed();
        }
    }
}

/// The checked call of `op` with sample inputs, or `None` when an input has no JSON sample
/// (a file).
fn call(op: &Operation, module: &str, paths: &Paths, samples: &Samples) -> Option<TokenStream> {
    if op
        .body
        .as_ref()
        .is_some_and(|b| b.kind == BodyKind::Multipart)
    {
        return None;
    }
    let mut args = Vec::new();
    for input in required_inputs(op) {
        if contains_binary(&input.ty) {
            return None;
        }
        let value = match input.param {
            Some(p) => samples.of_constrained(&p.ty, &p.constraints),
            None => samples.of(&input.ty),
        };
        let json = value.to_string();
        let t = ty(&input.ty, paths);
        args.push(quote!(sample::<#t>(#json)));
    }
    let Names { method, .. } = names(op);
    let module = ident(module);
    let id = op.id.as_str();
    Some(quote! {
        run.check(#id, client.#module().#method(#(#args),*).await);
    })
}

fn contains_binary(t: &TypeRef) -> bool {
    match t {
        TypeRef::Prim(p) => *p == Prim::Binary,
        TypeRef::Bytes => true,
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            contains_binary(inner)
        }
        _ => false,
    }
}
