//! `tests/examples.rs` of a types crate: every JSON example of the spec must parse as its type
//! and survive a round trip.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::type_tokens;
use crate::model::Model;
use crate::names;

/// Tokens of the examples test, or `None` when the spec has no examples.
pub fn examples_test(model: &Model, crate_ident: &str) -> Option<TokenStream> {
    if model.examples.is_empty() {
        return None;
    }
    let krate = format_ident!("{}", crate_ident);
    let path = quote!(#krate);
    let tests = model.examples.iter().enumerate().map(|(i, e)| {
        let ty = type_tokens(&e.ty, &path);
        let label =
            e.ty.named()
                .map(names::field_name)
                .unwrap_or_else(|| "value".to_owned());
        let name = format_ident!("example_{:03}_{}", i, label);
        let json = serde_json::to_string_pretty(&e.value).unwrap_or_default();
        let pointer = e.pointer.as_str();
        quote! {
            #[test]
            fn #name() {
                round_trip::<#ty>(#pointer, #json);
            }
        }
    });
    Some(quote! {
        //! Every JSON example of the spec parses as its type, and serializing the parsed value
        //! keeps every property of the example.

        use serde::de::DeserializeOwned;
        use serde::Serialize;
        use serde_json::Value;

        fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(pointer: &str, json: &str) {
            let example: Value = serde_json::from_str(json).expect("examples are JSON");
            let parsed: T = serde_json::from_value(example.clone())
                .unwrap_or_else(|e| panic!("{pointer}: the example does not parse: {e}"));
            let written = serde_json::to_value(&parsed).expect("generated types serialize");
            let reparsed: T = serde_json::from_value(written.clone())
                .unwrap_or_else(|e| panic!("{pointer}: the serialized value does not parse: {e}"));
            assert_eq!(parsed, reparsed, "{pointer}: the round trip changed the value");
            assert_kept(&example, &written, pointer);
        }

        /// Every property of `example` is in `written` with the same value (numbers compare as
        /// numbers: `2` and `2.0` are equal; a `null` may be left out).
        fn assert_kept(example: &Value, written: &Value, at: &str) {
            match (example, written) {
                (Value::Object(e), Value::Object(w)) => {
                    for (key, value) in e {
                        match w.get(key) {
                            Some(v) => assert_kept(value, v, &format!("{at}/{key}")),
                            None => assert!(value.is_null(), "{at}/{key}: lost in the round trip"),
                        }
                    }
                }
                (Value::Array(e), Value::Array(w)) => {
                    assert_eq!(e.len(), w.len(), "{at}: array length changed");
                    for (i, (a, b)) in e.iter().zip(w).enumerate() {
                        assert_kept(a, b, &format!("{at}/{i}"));
                    }
                }
                (Value::Number(a), Value::Number(b)) => {
                    assert_eq!(a.as_f64(), b.as_f64(), "{at}: number changed");
                }
                (a, b) => assert_eq!(a, b, "{at}: value changed"),
            }
        }

        #(#tests)*
    })
}
