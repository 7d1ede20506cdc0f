//! One incoming request, taken apart for a generated handler: its parameters by location, each
//! parsed as its type (`params` parses the text), with every client mistake recorded per field.
//! The security check on it is in `auth`, the body in `body`.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use http::request::Parts;
use http::{header, HeaderMap};
use serde::de::DeserializeOwned;

use crate::error::{ErrorResponse, Errors};
use crate::params::{parse_items, parse_text, required};
use crate::Config;

/// A request taken apart: what the generated handler of an operation reads its parameters from.
#[derive(Debug)]
pub struct Incoming {
    /// The request's head.
    pub(crate) parts: Parts,
    /// Path parameters of the operation, by name.
    path: Vec<(String, String)>,
    /// Query pairs, in order.
    pub(crate) query: Vec<(String, String)>,
    /// The base path's variables (a store id), for the request context.
    pub(crate) server_variables: BTreeMap<String, String>,
    /// Limits.
    pub(crate) config: Config,
}

impl Incoming {
    /// Takes `request` apart. `server_variables` are the names of the base path's variables,
    /// which go to the [`RequestContext`](crate::RequestContext) rather than to the operation's parameters.
    pub async fn new(
        request: Request,
        config: &Config,
        server_variables: &[&str],
    ) -> Result<(Incoming, Body), ErrorResponse> {
        let (mut parts, body) = request.into_parts();
        let mut path = Vec::new();
        let mut variables = BTreeMap::new();
        match RawPathParams::from_request_parts(&mut parts, &()).await {
            Ok(raw) => {
                for (name, value) in raw.iter() {
                    if server_variables.contains(&name) {
                        variables.insert(name.to_owned(), value.to_owned());
                    } else {
                        path.push((name.to_owned(), value.to_owned()));
                    }
                }
            }
            Err(RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
                return Err(ErrorResponse::bad_request(
                    "a path parameter is not valid percent-encoded UTF-8",
                ))
            }
            // not routed through a router with parameters: there are none
            Err(_) => {}
        }
        let query = parts
            .uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Ok((
            Incoming {
                parts,
                path,
                query,
                server_variables: variables,
                config: config.clone(),
            },
            body,
        ))
    }

    /// The value of the cookie `name`, unquoted.
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        self.parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"').to_owned())
    }
    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    fn parse_into<T: DeserializeOwned>(name: &str, value: &str, errors: &mut Errors) -> Option<T> {
        match parse_text(value) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add(name, e.to_string());
                None
            }
        }
    }

    /// A path parameter (always required). `None`: a problem was recorded.
    pub fn path<T: DeserializeOwned>(&self, name: &str, errors: &mut Errors) -> Option<T> {
        let (_, v) = required(self.path.iter().find(|(k, _)| k == name), name, errors)?;
        Self::parse_into(name, v, errors)
    }

    /// An optional object query parameter: its properties from `name[key]=value` pairs when
    /// `deep` (`style: deepObject`), else from the query pairs whose key is one of `keys`, its
    /// properties (`style: form`, exploded; every pair when `keys` is empty: a map).
    /// `Some(None)` when none of its keys is there; `None`: a problem was recorded.
    pub fn query_object_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        deep: bool,
        keys: &[&str],
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        let pairs: Vec<(String, String)> = if deep {
            self.query
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']')?;
                    Some((key.to_owned(), v.clone()))
                })
                .collect()
        } else {
            self.query
                .iter()
                .filter(|(k, _)| keys.is_empty() || keys.contains(&k.as_str()))
                .cloned()
                .collect()
        };
        if pairs.is_empty() {
            return Some(None);
        }
        match crate::params::parse_pairs::<T>(&pairs) {
            Ok(value) => Some(Some(value)),
            Err(e) => {
                crate::params::record_nested(name, e, errors);
                None
            }
        }
    }

    /// A required object query parameter (see [`Incoming::query_object_optional`]).
    pub fn query_object_required<T: DeserializeOwned>(
        &self,
        name: &str,
        deep: bool,
        keys: &[&str],
        errors: &mut Errors,
    ) -> Option<T> {
        required(
            self.query_object_optional(name, deep, keys, errors)?,
            name,
            errors,
        )
    }

    /// An array path parameter (style `simple`: comma-separated values).
    pub fn path_array<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        let (_, v) = required(self.path.iter().find(|(k, _)| k == name), name, errors)?;
        let items: Vec<&str> = v.split(',').collect();
        parse_items(name, &items, errors)
    }

    fn query_values(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// An optional query parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn query_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.query_values(name).as_slice() {
            [] => Some(None),
            [one] => Self::parse_into(name, one, errors).map(Some),
            _ => {
                errors.add(name, "is given more than once");
                None
            }
        }
    }

    /// A required query parameter. `None`: a problem was recorded.
    pub fn query_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.query_optional(name, errors)?, name, errors)
    }

    /// An array query parameter: repeated keys (`explode`) or one comma-separated value.
    /// `Some(None)` when absent; `None`: a problem was recorded.
    pub fn query_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        let values = self.query_values(name);
        if values.is_empty() {
            return Some(None);
        }
        let items: Vec<&str> = if explode {
            values
        } else {
            values
                .iter()
                .flat_map(|v| v.split(','))
                .filter(|v| !v.is_empty())
                .collect()
        };
        parse_items(name, &items, errors).map(Some)
    }

    /// A required array query parameter. `None`: a problem was recorded.
    pub fn query_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(
            self.query_array_optional(name, explode, errors)?,
            name,
            errors,
        )
    }

    fn header_text(&self, name: &str, errors: &mut Errors) -> Result<Option<String>, ()> {
        let mut values = self.parts.headers.get_all(name).iter();
        let Some(first) = values.next() else {
            return Ok(None);
        };
        let mut text = match first.to_str() {
            Ok(t) => t.to_owned(),
            Err(_) => {
                errors.add(name, "is not visible ASCII text");
                return Err(());
            }
        };
        for more in values {
            match more.to_str() {
                Ok(t) => {
                    text.push(',');
                    text.push_str(t);
                }
                Err(_) => {
                    errors.add(name, "is not visible ASCII text");
                    return Err(());
                }
            }
        }
        Ok(Some(text))
    }

    /// An optional header parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn header_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.header_text(name, errors).ok()? {
            None => Some(None),
            Some(text) => Self::parse_into(name, text.trim(), errors).map(Some),
        }
    }

    /// A required header parameter. `None`: a problem was recorded.
    pub fn header_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.header_optional(name, errors)?, name, errors)
    }

    /// An optional array header parameter (comma-separated values).
    pub fn header_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        match self.header_text(name, errors).ok()? {
            None => Some(None),
            Some(text) => {
                let items: Vec<&str> = text.split(',').map(str::trim).collect();
                parse_items(name, &items, errors).map(Some)
            }
        }
    }

    /// A required array header parameter (comma-separated values).
    pub fn header_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(self.header_array_optional(name, errors)?, name, errors)
    }

    /// A cookie parameter's value, percent-decoded.
    fn cookie_text(&self, name: &str) -> Option<String> {
        self.cookie(name).map(|v| {
            percent_encoding::percent_decode_str(&v)
                .decode_utf8_lossy()
                .into_owned()
        })
    }

    /// An optional cookie parameter: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn cookie_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        match self.cookie_text(name) {
            None => Some(None),
            Some(text) => Self::parse_into(name, &text, errors).map(Some),
        }
    }

    /// An optional array cookie parameter (style `form`, not exploded: comma-separated).
    pub fn cookie_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        match self.cookie_text(name) {
            None => Some(None),
            Some(text) => {
                let items: Vec<&str> = text.split(',').collect();
                parse_items(name, &items, errors).map(Some)
            }
        }
    }

    /// A required array cookie parameter.
    pub fn cookie_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(self.cookie_array_optional(name, errors)?, name, errors)
    }

    /// A required cookie parameter. `None`: a problem was recorded.
    pub fn cookie_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<T> {
        required(self.cookie_optional(name, errors)?, name, errors)
    }
}
