//! The `support` module of a types crate: the few helpers generated types share.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Model, TypeKind, TypeRef};

/// The `support` module named after a type override's `with` module
/// (`rust_decimal::serde::float` -> `rust_decimal_serde_float`).
pub fn with_module_name(with: &str) -> String {
    with.split("::")
        .filter(|s| !s.is_empty() && *s != "crate")
        .collect::<Vec<_>>()
        .join("_")
}

/// The `Option`s of the fields of a type override with a `with` module: `option` (`None` is
/// `null` or absent) and `double_option` (absent, `null` or a value) modules that pass the
/// value itself through `with`. One per `with` module, sorted by name.
fn with_helpers(models: &[&Model]) -> Vec<TokenStream> {
    let mut seen = BTreeMap::new();
    for def in models.iter().flat_map(|m| m.types.values()) {
        if let TypeKind::Struct(s) = &def.kind {
            for f in &s.fields {
                if let TypeRef::External(e) = &f.ty {
                    if let Some(with) = &e.with {
                        seen.insert(with_module_name(with), (with.clone(), e.rust.clone()));
                    }
                }
            }
        }
    }
    seen.into_iter()
        .map(|(module, (with, rust))| {
            let doc = format!(" The `Option`s of a `{rust}` field whose wire form `{with}` gives.");
            let module = crate::emit::rust::ident(&module);
            let with: syn::Path = syn::parse_str(&with).unwrap_or_else(|_| syn::parse_quote!(invalid));
            let ty = crate::emit::rust::rust_type_tokens(&rust);
            quote! {
                #[doc = #doc]
                pub mod #module {
                    struct Out<'a>(&'a #ty);

                    impl serde::Serialize for Out<'_> {
                        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                            #with::serialize(self.0, s)
                        }
                    }

                    struct In(#ty);

                    impl<'de> serde::Deserialize<'de> for In {
                        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                            #with::deserialize(d).map(In)
                        }
                    }

                    /// `Option<T>`: `None` is `null` (or absent, with `#[serde(default)]`).
                    pub mod option {
                        use super::{In, Out};
                        use serde::Deserialize;

                        /// Writes the value, or `null`.
                        pub fn serialize<S: serde::Serializer>(
                            value: &Option<#ty>,
                            s: S,
                        ) -> Result<S::Ok, S::Error> {
                            match value {
                                Some(v) => s.serialize_some(&Out(v)),
                                None => s.serialize_none(),
                            }
                        }

                        /// Reads the value or `null`.
                        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
                            d: D,
                        ) -> Result<Option<#ty>, D::Error> {
                            Ok(Option::<In>::deserialize(d)?.map(|v| v.0))
                        }
                    }

                    /// `Option<Option<T>>`: absent (with `#[serde(default)]`), `null` or a value.
                    pub mod double_option {
                        /// Writes the value or `null` (an absent field is skipped before).
                        pub fn serialize<S: serde::Serializer>(
                            value: &Option<Option<#ty>>,
                            s: S,
                        ) -> Result<S::Ok, S::Error> {
                            match value {
                                Some(Some(v)) => s.serialize_some(&super::Out(v)),
                                _ => s.serialize_none(),
                            }
                        }

                        /// Reads a present field: `null` or a value.
                        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
                            d: D,
                        ) -> Result<Option<Option<#ty>>, D::Error> {
                            super::option::deserialize(d).map(Some)
                        }
                    }
                }
            }
        })
        .collect()
}

/// Tokens of `support.rs`, with the helpers of the type overrides of `models`.
pub fn support_module(models: &[&Model]) -> TokenStream {
    let with_helpers = with_helpers(models);
    quote! {
        //! Helpers shared by the generated types.

        /// Stands in for a secret (a password, a token) in `Debug` output.
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub struct Redacted;

        impl std::fmt::Debug for Redacted {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("<redacted>")
            }
        }

        /// A file sent in a `multipart/form-data` body.
        #[derive(Clone, Default, PartialEq, Eq)]
        pub struct FilePart {
            /// The file's name, if the sender gives one.
            pub file_name: Option<String>,
            /// Its media type, if known (`image/png`).
            pub content_type: Option<String>,
            /// Its contents.
            pub bytes: Vec<u8>,
        }

        impl FilePart {
            /// A file with these contents and no name or media type.
            pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
                FilePart { file_name: None, content_type: None, bytes: bytes.into() }
            }

            /// Sets the file name.
            pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
                self.file_name = Some(name.into());
                self
            }

            /// Sets the media type.
            pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
                self.content_type = Some(content_type.into());
                self
            }
        }

        impl std::fmt::Debug for FilePart {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("FilePart")
                    .field("file_name", &self.file_name)
                    .field("content_type", &self.content_type)
                    .field("len", &self.bytes.len())
                    .finish()
            }
        }

        /// Deserializes a string enum: known values into their variants, others into
        /// `Unknown` with a warning, so that a value added on the server never breaks parsing.
        pub fn deserialize_enum<'de, D, T>(
            deserializer: D,
            type_name: &'static str,
            is_known: fn(&T) -> bool,
        ) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: for<'a> From<&'a str>,
        {
            let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
            let value = T::from(raw.as_str());
            if !is_known(&value) {
                tracing::warn!(r#type = type_name, value = %raw, "unknown enum value");
            }
            Ok(value)
        }

        /// Parses one alternative of a union.
        pub type Parser<T> = fn(&serde_json::Value) -> Result<T, serde_json::Error>;

        /// What an alternative of a union keeps of an object it parses.
        #[derive(Clone, Copy, Debug)]
        pub enum Keeps {
            /// The properties its struct names.
            Properties(&'static [&'static str]),
            /// Every property (a map, a struct with extra properties, any JSON).
            All,
            /// Nothing: it is not an object.
            Nothing,
        }

        impl Keeps {
            /// How many properties of `value` it keeps.
            fn score(self, value: &serde_json::Value) -> usize {
                let Some(object) = value.as_object() else {
                    return 0;
                };
                match self {
                    Keeps::Properties(names) => object.keys().filter(|k| names.contains(&k.as_str())).count(),
                    Keeps::All => object.len(),
                    Keeps::Nothing => 0,
                }
            }
        }

        /// Parses a `oneOf`/`anyOf` without a discriminator: every alternative that parses (from
        /// the borrowed value, without a copy) is a candidate, and the one whose schema names the
        /// most of the value's properties wins; ties go to the earlier alternative. Serde's
        /// `untagged` would take the first that parses, and silently drop the properties of a
        /// later, better one (`{"upi_id": null}` is a UPI payment, not a card one whose fields
        /// are all optional).
        pub fn best_alternative<T>(
            value: &serde_json::Value,
            type_name: &str,
            alternatives: &[(Parser<T>, Keeps)],
        ) -> Result<T, String> {
            let mut best: Option<(usize, T)> = None;
            let mut errors = Vec::new();
            for (parse, keeps) in alternatives {
                // a later alternative can only win by keeping more: skip what cannot
                let score = keeps.score(value);
                if best.as_ref().is_some_and(|(kept, _)| score <= *kept) {
                    continue;
                }
                match parse(value) {
                    Ok(candidate) => best = Some((score, candidate)),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            best.map(|(_, v)| v).ok_or_else(|| {
                format!("the value matches no alternative of {type_name}: {}", errors.join("; "))
            })
        }

        /// [`best_alternative`], or `unknown(value)` (with a warning) when the value is none
        /// of the alternatives: a union the API sends keeps a shape it does not know.
        pub fn best_alternative_or<T>(
            value: serde_json::Value,
            type_name: &str,
            alternatives: &[(Parser<T>, Keeps)],
            unknown: fn(serde_json::Value) -> T,
        ) -> T {
            match best_alternative(&value, type_name, alternatives) {
                Ok(parsed) => parsed,
                Err(problem) => {
                    tracing::warn!(r#type = type_name, %problem, "a value of no known alternative");
                    unknown(value)
                }
            }
        }

        #(#with_helpers)*
    }
}
