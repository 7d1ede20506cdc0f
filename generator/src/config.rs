//! Configuration: which spec produces which crates, under which names and versions, with which
//! options. Read from `codegen.toml` at the repository root; see that file for the fields.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The whole configuration file: one entry per spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The specs to generate from.
    #[serde(rename = "spec")]
    pub specs: Vec<SpecConfig>,
}

/// One spec and the crates made from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecConfig {
    /// The root file of the spec, relative to the configuration file.
    pub path: PathBuf,
    /// Folder the crates are written to, relative to the configuration file.
    pub out: PathBuf,
    /// Crate name prefix: the types crate is `<name>-types`.
    pub name: String,
    /// Version of the generated crates.
    #[serde(default = "default_version")]
    pub version: String,
    /// Options of the generated code.
    #[serde(default)]
    pub options: Options,
}

/// Options of the generated code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Property names whose values `Debug` prints as `<redacted>` (`*` matches any run of
    /// characters; case-insensitive). Fields with `format: password` are always redacted.
    pub redact: Vec<String>,
    /// Version requirement of `serde` etc. is fixed by the templates; this sets the license field.
    pub license: String,
    /// Emit a round-trip test of every JSON example in the spec into the types crate.
    pub example_tests: bool,
    /// Which crates to emit (`types` always; `client` and `server` on request).
    pub crates: Vec<CrateKind>,
    /// How list operations page, for the client's streams; `None`: no streams.
    pub pagination: Option<Pagination>,
    /// The JSON envelope the API wraps its bodies in, for the server's reply constructors
    /// (`GetCartReply::ok(content)`, `::not_found(message)`); `None`: no constructors, and
    /// documented errors keep their typed variants.
    pub envelope: Option<Envelope>,
    /// Options of the server crate.
    pub server: ServerOptions,
    /// Where the client and server crates get their runtime (`path`, `vendor`,
    /// `git=URL#REV`, `version=X`).
    pub runtime: crate::runtime::RuntimeSource,
    /// Structs are `#[non_exhaustive]`, built outside the types crate with `new(required..)`
    /// (or `Default` when every field is optional) and field assignments: a new optional field
    /// is then a minor version, not a major one.
    pub non_exhaustive: bool,
    /// Rust types that replace the generated type of some properties (money as
    /// `rust_decimal::Decimal`, ...); the first that matches a property wins.
    pub type_overrides: Vec<TypeOverride>,
}

/// A Rust type for the properties that match: by JSON type, `format` and property pattern.
///
/// It applies to object properties whose schema is a primitive of `type` (not to array items,
/// map values or parameters); a field of the type keeps its `Option`s, its range check on the
/// server (through the value's JSON number) and its docs, and loses its spec `default` (the
/// field is optional instead).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeOverride {
    /// JSON type of the schemas it replaces: `string`, `number`, `integer` or `boolean`.
    #[serde(rename = "type")]
    pub json_type: JsonType,
    /// The schema's `format` must be this one; unset: any format.
    #[serde(default)]
    pub format: Option<String>,
    /// Property names it applies to (`*` matches any run of characters, case-insensitive;
    /// `Type.property` also names the Rust type holding it); empty: every property.
    #[serde(default)]
    pub properties: Vec<String>,
    /// Property names it skips, in the same notation.
    #[serde(default)]
    pub except: Vec<String>,
    /// Formats it skips (`float`: a 32-bit float's range, to 3.4e38, is wider than a
    /// decimal's, to 7.9e28).
    #[serde(default)]
    pub except_formats: Vec<String>,
    /// The Rust type, as a path (`rust_decimal::Decimal`).
    pub rust: String,
    /// A serde `with` module giving the wire form, when the type's own `Serialize` is not it
    /// (`rust_decimal::serde::float`: a JSON number, not a string).
    #[serde(default)]
    pub with: Option<String>,
    /// The types crate's dependency that provides the type, as a `Cargo.toml` line
    /// (`rust_decimal = { version = "1", features = ["serde-with-float"] }`).
    #[serde(default)]
    pub dependency: Option<String>,
}

/// The JSON types a [`TypeOverride`] can replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    /// `type: string`.
    String,
    /// `type: number`.
    Number,
    /// `type: integer`.
    Integer,
    /// `type: boolean`.
    Boolean,
}

impl TypeOverride {
    /// Refuses an override whose `rust` is not a Rust type or whose `with` is not a path.
    pub fn check(&self) -> Result<()> {
        let error = |message: String| Error::Config {
            path: PathBuf::from("type_overrides"),
            message,
        };
        syn::parse_str::<syn::Type>(&self.rust)
            .map_err(|e| error(format!("`rust = {:?}` is not a Rust type: {e}", self.rust)))?;
        if let Some(with) = &self.with {
            syn::parse_str::<syn::Path>(with)
                .map_err(|e| error(format!("`with = {with:?}` is not a module path: {e}")))?;
        }
        if let Some(dependency) = &self.dependency {
            toml::from_str::<toml::Table>(dependency).map_err(|e| {
                error(format!(
                    "`dependency = {dependency:?}` is not a Cargo.toml dependency line: {e}"
                ))
            })?;
        }
        Ok(())
    }

    /// Whether the override applies to property `property` of Rust type `owner`, whose schema
    /// is a `json_type` with `format`.
    pub fn applies(
        &self,
        owner: &str,
        property: &str,
        json_type: JsonType,
        format: Option<&str>,
    ) -> bool {
        let named = |pattern: &String| match pattern.split_once('.') {
            Some((ty, prop)) => glob_match(ty, owner) && glob_match(prop, property),
            None => glob_match(pattern, property),
        };
        self.json_type == json_type
            && (self.format.is_none() || self.format.as_deref() == format)
            && !format.is_some_and(|f| self.except_formats.iter().any(|e| e == f))
            && (self.properties.is_empty() || self.properties.iter().any(named))
            && !self.except.iter().any(named)
    }
}

/// The JSON envelope of an API's bodies: `{"message", "success", "content"}` on success,
/// and on error the server runtime's envelope `{"message", "success": false, "code", "errors"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Property of the human-readable message (`message`).
    pub message: String,
    /// Property of the success flag (`success`).
    pub success: String,
    /// Property holding the operation's content (`content`); bodies without it get an
    /// `ok()` constructor without arguments.
    pub content: String,
    /// The message of `{Op}Reply::ok(...)` (`OK`).
    #[serde(default = "default_ok_message")]
    pub ok_message: String,
}

fn default_ok_message() -> String {
    "OK".to_owned()
}

/// Options of the server crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerOptions {
    /// Trait methods without the default that answers 501: a forgotten operation is a
    /// compile error (every tag's trait must then be implemented in full).
    pub strict: bool,
}

/// The kinds of crates the generator emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrateKind {
    /// `<name>-types`: every schema as a Rust type.
    Types,
    /// `<name>-client`: an async client, one method per operation.
    Client,
    /// `<name>-server`: one trait per tag and an axum router.
    Server,
}

/// How list operations of the API page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Query parameter of the page number (`page`).
    pub page_param: String,
    /// Query parameter of the page size (`limit`).
    pub limit_param: String,
    /// Dotted path, in the response body, of the next page's number, `null` on the last page
    /// (`content.pagination.next_page`). The items are the one array beside the object that
    /// holds it.
    pub next_page: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            redact: [
                "*token",
                "*password",
                "*secret",
                "otp",
                "cvv",
                "*security_code",
            ]
            .map(String::from)
            .to_vec(),
            license: "MIT OR Apache-2.0".to_owned(),
            example_tests: true,
            crates: vec![CrateKind::Types],
            pagination: None,
            envelope: None,
            server: ServerOptions::default(),
            runtime: Default::default(),
            type_overrides: Vec::new(),
            non_exhaustive: false,
        }
    }
}

impl Options {
    /// The options in the TOML file at `path` (the fields of `[spec.options]`), or the
    /// defaults when there is no such file: how a fixture case states its options.
    pub fn read_or_default(path: &Path) -> Result<Options> {
        if !path.exists() {
            return Ok(Options::default());
        }
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

impl ConfigFile {
    /// Reads a configuration file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses the text of a configuration file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

impl SpecConfig {
    /// A configuration for a spec given on the command line: every crate kind, default options.
    pub fn ad_hoc(path: PathBuf, out: PathBuf, name: String) -> Self {
        let options = Options {
            crates: vec![CrateKind::Types, CrateKind::Client, CrateKind::Server],
            ..Options::default()
        };
        SpecConfig {
            path,
            out,
            name,
            version: default_version(),
            options,
        }
    }
}

/// Whether `name` matches the `*`-pattern `pattern`, ignoring ASCII case.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*token", "refresh_token"));
        assert!(glob_match("*token", "clientAuthToken"));
        assert!(glob_match("otp", "OTP"));
        assert!(!glob_match("otp", "otp_token_x"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxc"));
    }

    #[test]
    fn overrides_match_by_type_format_and_property() {
        let money: super::TypeOverride = toml::from_str(
            r#"
type = "number"
properties = ["*price*", "*total", "Cart.fee"]
except = ["total_weight*", "Order.*_price"]
except_formats = ["float"]
rust = "rust_decimal::Decimal"
"#,
        )
        .unwrap();
        use super::JsonType::{Integer, Number};
        assert!(money.applies("Product", "selling_price", Number, Some("double")));
        assert!(money.applies("Cart", "grand_total", Number, None));
        assert!(money.applies("Cart", "fee", Number, None));
        assert!(!money.applies("Order", "fee", Number, None));
        assert!(!money.applies("Cart", "total_weight", Number, None));
        assert!(!money.applies("Order", "listing_price", Number, None));
        assert!(!money.applies("Product", "selling_price", Integer, None));
        assert!(!money.applies("Cart", "grand_total", Number, Some("float")));
        let by_format: super::TypeOverride =
            toml::from_str("type = \"string\"\nformat = \"decimal\"\nrust = \"D\"").unwrap();
        assert!(by_format.applies("X", "any", super::JsonType::String, Some("decimal")));
        assert!(!by_format.applies("X", "any", super::JsonType::String, None));
        assert!(money.check().is_ok());
    }

    #[test]
    fn overrides_that_are_not_rust_are_refused() {
        for (field, bad) in [
            ("rust", "not a type!"),
            ("with", "a b"),
            ("dependency", "x = "),
        ] {
            let mut o: super::TypeOverride =
                toml::from_str("type = \"number\"\nrust = \"f64\"").unwrap();
            match field {
                "rust" => o.rust = bad.into(),
                "with" => o.with = Some(bad.into()),
                _ => o.dependency = Some(bad.into()),
            }
            let message = o.check().unwrap_err().to_string();
            assert!(message.contains(field), "{message}");
        }
    }
}
