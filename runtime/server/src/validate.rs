//! Checks of what a spec states beyond types (lengths, item counts, ranges, known enum values),
//! called by the generated validation of requests. Each records a problem under the field's
//! name (`items[0].quantity`).

use crate::error::Errors;

/// The name of the field `name` of the value named `parent` (`""` at the top).
pub fn field(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// The name of item `i` of the array named `parent`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The name of entry `key` of the map named `parent`.
pub fn key(parent: &str, key: &str) -> String {
    field(parent, key)
}

/// `minLength` / `maxLength` (in characters).
pub fn length(
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
    name: &str,
    errors: &mut Errors,
) {
    let n = value.chars().count();
    if let Some(min) = min.filter(|m| n < *m) {
        errors.add(name, format!("must be at least {min} characters long"));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        errors.add(name, format!("must be at most {max} characters long"));
    }
}

/// `pattern`: the value must contain a match of `regex` (compiled from `pattern`, which the
/// message shows).
pub fn pattern(value: &str, regex: &regex::Regex, pattern: &str, name: &str, errors: &mut Errors) {
    if !regex.is_match(value) {
        errors.add(name, format!("must match the pattern `{pattern}`"));
    }
}

/// `format: email`: one `@` between a local part and a domain with a dot, no spaces (the
/// shape of an address; whether it exists is not the server's to know).
pub fn email(value: &str, name: &str, errors: &mut Errors) {
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !valid {
        errors.add(name, "must be an email address");
    }
}

/// `minItems` / `maxItems`.
pub fn items(len: usize, min: Option<usize>, max: Option<usize>, name: &str, errors: &mut Errors) {
    if let Some(min) = min.filter(|m| len < *m) {
        errors.add(name, format!("must have at least {min} items"));
    }
    if let Some(max) = max.filter(|m| len > *m) {
        errors.add(name, format!("must have at most {max} items"));
    }
}

/// The number a value of another crate's type stands for (a decimal standing in for a JSON
/// number), through its own `Serialize`: a JSON number, or a string holding one (as decimals
/// serialize by default); `None` for anything else.
pub fn as_number<T: serde::Serialize>(value: &T) -> Option<f64> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `minimum` / `maximum` (`exclusive_*`: the bound itself is out).
pub fn range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    exclusive_min: bool,
    exclusive_max: bool,
    name: &str,
    errors: &mut Errors,
) {
    if let Some(min) = min {
        if value < min || (exclusive_min && value == min) {
            let how = if exclusive_min {
                "greater than"
            } else {
                "at least"
            };
            errors.add(name, format!("must be {how} {min}"));
        }
    }
    if let Some(max) = max {
        if value > max || (exclusive_max && value == max) {
            let how = if exclusive_max {
                "less than"
            } else {
                "at most"
            };
            errors.add(name, format!("must be {how} {max}"));
        }
    }
}

/// A string enum value the spec does not list.
pub fn unknown_value(value: &str, allowed: &[&str], name: &str, errors: &mut Errors) {
    let allowed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    errors.add(
        name,
        format!("`{value}` is not one of {}", allowed.join(", ")),
    );
}

/// A union value none of whose known alternatives applies.
pub fn unknown_alternative(property: &str, name: &str, errors: &mut Errors) {
    errors.add(
        name,
        format!("the value of `{property}` names no known alternative"),
    );
}

/// Records that a value is none of a union's alternatives.
pub fn no_alternative(name: &str, errors: &mut Errors) {
    errors.add(name, "the value matches none of the alternatives");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let mut errors = Errors::default();
        length("ab", Some(3), None, "a", &mut errors);
        length("abc", Some(3), Some(3), "ok", &mut errors);
        items(5, None, Some(2), "b", &mut errors);
        range(0.0, Some(0.0), None, true, false, "c", &mut errors);
        range(10.0, None, Some(10.0), false, false, "ok2", &mut errors);
        unknown_value("x", &["a", "b"], "d", &mut errors);
        assert_eq!(field("", "a"), "a");
        assert_eq!(field(&index("a", 0), "b"), "a[0].b");
        let map = errors.as_map();
        assert_eq!(map.len(), 4, "{map:?}");
        assert_eq!(map["a"], "must be at least 3 characters long");
        assert_eq!(map["b"], "must have at most 2 items");
        assert_eq!(map["c"], "must be greater than 0");
        assert_eq!(map["d"], "`x` is not one of `a`, `b`");
    }

    #[test]
    fn numbers_of_other_types_are_read_through_their_json() {
        assert_eq!(as_number(&19.5), Some(19.5));
        assert_eq!(as_number(&"-0.25"), Some(-0.25));
        assert_eq!(as_number(&"abc"), None);
        assert_eq!(as_number(&true), None);
    }
}

#[cfg(test)]
mod email_tests {
    use super::*;

    #[test]
    fn email_addresses_have_a_local_part_and_a_dotted_domain() {
        for good in ["a@b.co", "first.last+tag@example.com"] {
            let mut errors = Errors::default();
            email(good, "email", &mut errors);
            assert!(errors.is_empty(), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@b.co.", "a b@c.de", "a@@b.co", "a@.co",
        ] {
            let mut errors = Errors::default();
            email(bad, "email", &mut errors);
            assert_eq!(
                errors.as_map()["email"],
                "must be an email address",
                "{bad}"
            );
        }
    }
}
