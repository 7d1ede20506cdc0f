//! What the generated code costs when it runs, measured against hand-written code that does the
//! same work with the same `storefront-types` (`cargo xtask bench` runs the benches and writes
//! `docs/benchmarks.md`).
//!
//! - [`samples`]: complete JSON values of any schema of the spec (every field filled, arrays
//!   of a chosen length), so that the bodies measured are as large as the API's.
//! - [`generated`]: a trivial backend on the generated server traits.
//! - [`handwritten`]: axum handlers doing the same work by hand: extract, check credentials,
//!   validate what the spec requires, call the same backend, serialise the reply.
#![warn(missing_docs)]

pub mod generated;
pub mod handwritten;
pub mod samples;

/// The bearer token both servers accept.
pub const TOKEN: &str = "bench-token";

/// What both servers answer: the same values, built once.
#[derive(Clone, Debug)]
pub struct Replies {
    /// The cart of get-cart and update-cart.
    pub cart: storefront_types::Cart,
    /// The page of list-products.
    pub products: storefront_types::ListProductsResponseContent,
}

impl Replies {
    /// Values of the spec's schemas with `items` elements in every array.
    pub fn new(items: usize) -> Replies {
        let samples = samples::Samples::load();
        Replies {
            cart: samples.typed("Cart", items),
            products: samples.typed("ListProductsResponseContent", items),
        }
    }
}

/// The credential check both servers make: the token, compared in constant time (a real one
/// would decode a JWT; the point is that both do the same).
pub fn verify(token: &str) -> Option<&'static str> {
    (token.len() == TOKEN.len() && token.bytes().zip(TOKEN.bytes()).all(|(a, b)| a == b))
        .then_some("user-1")
}

#[cfg(test)]
mod tests {
    use super::samples::Samples;

    /// The bodies the benches measure parse as their types (a bench would panic otherwise),
    /// and parse back into the same JSON (nothing of them is lost, so the figures are of
    /// whole bodies).
    #[test]
    fn the_measured_samples_parse_and_round_trip() {
        let samples = Samples::load();
        fn check<T: serde::de::DeserializeOwned + serde::Serialize>(samples: &Samples, name: &str) {
            let json = samples.json(name, 3);
            let typed: T = samples.typed(name, 3);
            assert_eq!(serde_json::to_value(&typed).unwrap(), json, "{name}");
        }
        check::<storefront_types::Cart>(&samples, "Cart");
        check::<storefront_types::Order>(&samples, "Order");
        check::<storefront_types::ListProductsResponseContent>(
            &samples,
            "ListProductsResponseContent",
        );
    }
}
