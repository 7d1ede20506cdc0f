//! The `support` module of a types crate: the few helpers generated types share.

use proc_macro2::TokenStream;
use quote::quote;

/// Tokens of `support.rs`.
pub fn support_module() -> TokenStream {
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

        /// Parses a `oneOf`/`anyOf` without a discriminator: every alternative that parses is a
        /// candidate, and the one that keeps the most of the value (counted in properties, at
        /// every depth) wins; ties go to the earlier alternative. Serde's `untagged` would take
        /// the first that parses, and silently drop the properties of a later, better one.
        pub fn best_alternative<T: serde::Serialize>(
            value: &serde_json::Value,
            type_name: &str,
            alternatives: &[Parser<T>],
        ) -> Result<T, String> {
            let mut candidates = Vec::new();
            let mut errors = Vec::new();
            for parse in alternatives {
                match parse(value) {
                    Ok(candidate) => candidates.push(candidate),
                    Err(e) => errors.push(e),
                }
            }
            if candidates.len() <= 1 {
                // one way to read it (the common case): nothing to compare
                return candidates.pop().ok_or_else(|| {
                    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    format!("the value matches no alternative of {type_name}: {}", errors.join("; "))
                });
            }
            let mut best: Option<(usize, T)> = None;
            for candidate in candidates {
                let kept = serde_json::to_value(&candidate).map(|w| kept(value, &w)).unwrap_or(0);
                if best.as_ref().is_none_or(|(score, _)| kept > *score) {
                    best = Some((kept, candidate));
                }
            }
            best.map(|(_, v)| v).ok_or_else(|| format!("no alternative of {type_name}"))
        }

        /// [`best_alternative`], or `unknown(value)` (with a warning) when the value is none
        /// of the alternatives: a union the API sends keeps a shape it does not know.
        pub fn best_alternative_or<T: serde::Serialize>(
            value: serde_json::Value,
            type_name: &str,
            alternatives: &[Parser<T>],
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

        /// How many properties of `value` (at every depth) `written` still has.
        fn kept(value: &serde_json::Value, written: &serde_json::Value) -> usize {
            use serde_json::Value;
            match (value, written) {
                (Value::Object(v), Value::Object(w)) => v
                    .iter()
                    .filter_map(|(key, inner)| w.get(key).map(|wi| 1 + kept(inner, wi)))
                    .sum(),
                (Value::Array(v), Value::Array(w)) => v.iter().zip(w).map(|(a, b)| kept(a, b)).sum(),
                _ => 0,
            }
        }
    }
}
