//! Checking a generated client against a mock server that answers from the spec itself (Prism
//! in dynamic mode, say): what the generated conformance test of a client crate uses. Such a
//! mock answers a valid request with a success drawn from the spec, and an invalid one with an
//! error (the spec's `400`, or `422`): so each call must succeed, and its answer must decode.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::Error;

/// The environment variable that holds the mock server's URL.
pub const MOCK_URL_VAR: &str = "CONFORMANCE_MOCK_URL";

/// The mock server's URL from [`MOCK_URL_VAR`], or `None` after printing that the conformance
/// test is skipped (so that a plain `cargo test` without a mock passes, and says why).
pub fn mock_url() -> Option<String> {
    match std::env::var(MOCK_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "conformance test skipped: set {MOCK_URL_VAR} to a mock server of the spec \
                 (e.g. `prism mock -d spec.yaml`, then {MOCK_URL_VAR}=http://127.0.0.1:4010)"
            );
            None
        }
    }
}

/// The outcomes of the calls of a conformance run, by operation.
#[derive(Debug, Default)]
pub struct Conformance {
    calls: usize,
    /// Per failing operation: how many calls failed, and the first failure.
    failures: BTreeMap<String, (usize, String)>,
}

impl Conformance {
    /// An empty run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one call of `operation`: a success whose answer decoded passes; an error status
    /// (the mock refused the request), an answer that does not decode, or no answer fails.
    pub fn check<T, E: fmt::Debug>(&mut self, operation: &str, result: Result<T, Error<E>>) {
        self.calls += 1;
        let problem = match result {
            Ok(_) => return,
            Err(Error::Api { status, error, .. }) => {
                format!("the mock refused the request: {status}: {error:?}")
            }
            Err(Error::Unexpected { status, body, .. }) => {
                format!("undocumented status {status}: {}", excerpt(&body))
            }
            Err(Error::Decode {
                status,
                body,
                source,
                ..
            }) => format!(
                "the {status} answer does not decode: {source}; body: {}",
                excerpt(&body)
            ),
            Err(other) => format!("no answer: {other:?}"),
        };
        let entry = self
            .failures
            .entry(operation.to_owned())
            .or_insert((0, problem));
        entry.0 += 1;
    }

    /// How many calls were checked.
    pub fn calls(&self) -> usize {
        self.calls
    }

    /// The failing operations, each with its number of failed calls and its first failure.
    pub fn failures(&self) -> &BTreeMap<String, (usize, String)> {
        &self.failures
    }

    /// Panics with every failing operation when a call failed.
    pub fn assert_passed(&self) {
        assert!(self.calls > 0, "no call was checked");
        if self.failures.is_empty() {
            return;
        }
        let lines: Vec<String> = self
            .failures
            .iter()
            .map(|(op, (n, first))| format!("{op}: {n} failed call(s); first: {first}"))
            .collect();
        panic!(
            "{} of the operations failed ({} calls checked):\n{}",
            self.failures.len(),
            self.calls,
            lines.join("\n")
        );
    }
}

/// The first 300 characters of a body.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(300).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    #[test]
    fn successes_pass_and_the_rest_fail_once_per_operation() {
        let mut run = Conformance::new();
        run.check::<(), String>("a", Ok(()));
        run.check::<(), String>("a", Ok(()));
        for _ in 0..2 {
            run.check::<(), String>(
                "b",
                Err(Error::Unexpected {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    headers: HeaderMap::new(),
                    body: Bytes::from_static(b"invalid request"),
                    error: None,
                }),
            );
        }
        run.check::<(), String>(
            "c",
            Err(Error::Api {
                status: StatusCode::BAD_REQUEST,
                headers: HeaderMap::new(),
                error: "documented".to_owned(),
            }),
        );
        assert_eq!(run.calls(), 5);
        assert_eq!(run.failures().len(), 2);
        let (n, first) = &run.failures()["b"];
        assert_eq!(*n, 2);
        assert!(
            first.contains("422") && first.contains("invalid request"),
            "{first}"
        );
        let panicked = std::panic::catch_unwind(|| run.assert_passed());
        assert!(panicked.is_err());
    }
}
