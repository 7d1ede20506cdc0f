//! Text values (path, query, header and cookie parameters, multipart text fields) into typed
//! values through serde: a deserializer over one string that parses numbers and booleans and
//! hands everything else to the type as a string.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use crate::error::Errors;

/// Why a text value did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl de::Error for ParamError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ParamError(msg.to_string())
    }
}

/// Parses one text value as a `T` (a number, a boolean, a string, a string enum, a date, ...).
pub fn parse_text<T: DeserializeOwned>(value: &str) -> Result<T, ParamError> {
    T::deserialize(TextDeserializer(value))
}

/// A deserializer over one text value.
#[derive(Clone, Copy)]
pub struct TextDeserializer<'a>(pub &'a str);

impl<'de> IntoDeserializer<'de, ParamError> for TextDeserializer<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

fn parse_number<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, ParamError> {
    value
        .trim()
        .parse()
        .map_err(|_| ParamError(format!("expected {what}, got `{value}`")))
}

macro_rules! numbers {
    ($($method:ident $visit:ident $ty:ty, $what:literal;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
                visitor.$visit(parse_number::<$ty>(self.0, $what)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for TextDeserializer<'de> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(ParamError(format!(
                "expected `true` or `false`, got `{other}`"
            ))),
        }
    }

    numbers! {
        deserialize_i8 visit_i8 i8, "an integer";
        deserialize_i16 visit_i16 i16, "an integer";
        deserialize_i32 visit_i32 i32, "an integer (int32)";
        deserialize_i64 visit_i64 i64, "an integer";
        deserialize_u8 visit_u8 u8, "a non-negative integer";
        deserialize_u16 visit_u16 u16, "a non-negative integer";
        deserialize_u32 visit_u32 u32, "a non-negative integer";
        deserialize_u64 visit_u64 u64, "a non-negative integer";
        deserialize_f32 visit_f32 f32, "a number";
        deserialize_f64 visit_f64 f64, "a number";
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        if self.0.is_empty() {
            visitor.visit_unit()
        } else {
            Err(ParamError(format!("expected nothing, got `{}`", self.0)))
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// `key=value` pairs (a query string, a urlencoded form) as typed values: a map deserializer
/// whose values are text values.
pub fn parse_pairs<T: DeserializeOwned>(
    pairs: &[(String, String)],
) -> Result<T, serde_path_to_error::Error<ParamError>> {
    let map = de::value::MapDeserializer::new(
        pairs
            .iter()
            .map(|(k, v)| (k.as_str(), TextDeserializer(v.as_str()))),
    );
    serde_path_to_error::deserialize(map)
}

/// `value`, or a recorded `is required` problem under `name` when it is absent: the one
/// place a missing required parameter, part or field is reported.
pub(crate) fn required<T>(value: Option<T>, name: &str, errors: &mut Errors) -> Option<T> {
    if value.is_none() {
        errors.add(name, "is required");
    }
    value
}

/// Parses every item of an array parameter, naming the item that fails (`ids[2]`).
pub(crate) fn parse_items<T: DeserializeOwned>(
    name: &str,
    items: &[&str],
    errors: &mut Errors,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match parse_text(item) {
            Ok(v) => out.push(v),
            Err(e) => {
                errors.add(format!("{name}[{i}]"), e.to_string());
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Records why the value `name` did not parse, at the path inside it where it failed
/// (`filter.min_age`; `name` itself when the value as a whole is wrong).
pub(crate) fn record_nested<E: std::fmt::Display>(
    name: &str,
    e: serde_path_to_error::Error<E>,
    errors: &mut Errors,
) {
    let path = e.path().to_string();
    let field = if path == "." {
        name.to_owned()
    } else {
        format!("{name}.{path}")
    };
    errors.add(field, e.into_inner().to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Kind {
        #[serde(rename = "a")]
        A,
    }

    #[test]
    fn texts() {
        assert_eq!(parse_text::<i64>("42"), Ok(42));
        assert_eq!(parse_text::<bool>("true"), Ok(true));
        assert_eq!(parse_text::<f64>("1.5"), Ok(1.5));
        assert_eq!(parse_text::<String>("x y"), Ok("x y".to_owned()));
        assert_eq!(parse_text::<Option<i32>>("7"), Ok(Some(7)));
        assert_eq!(parse_text::<Kind>("a"), Ok(Kind::A));
        assert!(parse_text::<Kind>("b").is_err());
        assert_eq!(
            parse_text::<i64>("x").unwrap_err().to_string(),
            "expected an integer, got `x`"
        );
        assert!(parse_text::<bool>("yes").is_err());
        assert!(parse_text::<u8>("300").is_err());
    }

    #[test]
    fn pairs() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Form {
            name: String,
            count: i32,
            on: Option<bool>,
        }
        let ok: Form = parse_pairs(&[("name".into(), "n".into()), ("count".into(), "3".into())])
            .expect("parses");
        assert_eq!(
            ok,
            Form {
                name: "n".into(),
                count: 3,
                on: None
            }
        );
        let err = parse_pairs::<Form>(&[("name".into(), "n".into()), ("count".into(), "x".into())])
            .unwrap_err();
        assert_eq!(err.path().to_string(), "count");
    }
}
