//! Path templates (`/carts/{cart_id}/items`): the one reader of their `{param}`s, for the
//! model (operation ids, parameter checks, server base paths and routes) and the change report.

/// A path template, as the spec writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathTemplate<'a>(pub &'a str);

impl<'a> PathTemplate<'a> {
    /// The names of its `{param}`s, in order; an unclosed `{` ends them (see
    /// [`PathTemplate::is_closed`]).
    pub fn params(self) -> impl Iterator<Item = &'a str> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let start = rest.find('{')?;
            let end = rest[start..].find('}')?;
            let name = &rest[start + 1..start + end];
            rest = &rest[start + end + 1..];
            Some(name)
        })
    }

    /// Whether every `{` is closed by a `}`.
    pub fn is_closed(self) -> bool {
        let mut rest = self.0;
        while let Some(start) = rest.find('{') {
            match rest[start..].find('}') {
                Some(end) => rest = &rest[start + end + 1..],
                None => return false,
            }
        }
        true
    }

    /// Where `name` stands among its parameters.
    pub fn position(self, name: &str) -> Option<usize> {
        self.params().position(|p| p == name)
    }

    /// The path with the parameters' names left out (`/a/{}/b`): what a router and a client
    /// see, since `/a/{id}` and `/a/{key}` are one URL.
    pub fn erased(self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut in_param = false;
        for c in self.0.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                c if !in_param => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// Its segments between `/`s, empty ones left out, each with its parameter name when the
    /// whole segment is one (`{id}`).
    pub fn segments(self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
        self.0.split('/').filter(|s| !s.is_empty()).map(|seg| {
            let param = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            (seg, param)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PathTemplate;

    #[test]
    fn reads_parameters() {
        let p = PathTemplate("/stores/{store_id}/carts/{cart_id}");
        assert_eq!(p.params().collect::<Vec<_>>(), ["store_id", "cart_id"]);
        assert_eq!(p.position("cart_id"), Some(1));
        assert_eq!(p.position("nope"), None);
        assert_eq!(p.erased(), "/stores/{}/carts/{}");
        assert!(p.is_closed());
        let segments: Vec<_> = p.segments().collect();
        assert_eq!(segments[1], ("{store_id}", Some("store_id")));
        assert_eq!(segments[2], ("carts", None));
    }

    #[test]
    fn an_unclosed_brace() {
        let p = PathTemplate("/a/{id}/{b");
        assert!(!p.is_closed());
        assert_eq!(p.params().collect::<Vec<_>>(), ["id"]);
        assert_eq!(PathTemplate("/a").erased(), "/a");
    }
}
