//! Doc comments from spec prose: safe for rustdoc (no doctests, no broken links, no bare URLs).

/// Turns spec prose into doc-comment text.
///
/// Code fences become `text` blocks (so that rustdoc never compiles them), square brackets are
/// escaped (they would be read as intra-doc links), bare URLs are wrapped in `<...>`, and
/// trailing whitespace is trimmed.
pub fn sanitize(text: &str) -> String {
    // a carriage return is not allowed in a doc comment: every line break becomes `\n`
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.trim_end().to_owned());
            continue;
        }
        out.push(escape_line(line.trim_end()));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code {
            if let Some(url_len) = bare_url_len(rest, out.chars().last()) {
                out.push('<');
                out.push_str(&rest[..url_len]);
                out.push('>');
                rest = &rest[url_len..];
                continue;
            }
            if c == '[' || c == ']' {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn bare_url_len(s: &str, before: Option<char>) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) || matches!(before, Some('<' | '('))
    {
        return None;
    }
    let len = s
        .find(|c: char| c.is_whitespace() || c == '>' || c == ')')
        .unwrap_or(s.len());
    let len = s[..len].trim_end_matches(['.', ',', ';', ':']).len();
    Some(len)
}

/// Joins non-empty paragraphs with a blank line.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let parts: Vec<String> = parts
        .into_iter()
        .flatten()
        .map(sanitize)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn sanitizes() {
        assert_eq!(sanitize("See https://x.io/a."), "See <https://x.io/a>.");
        assert_eq!(sanitize("a [b] `[c]`"), "a \\[b\\] `[c]`");
        // carriage returns (a bare one is an error in a doc comment) become line breaks
        assert_eq!(sanitize("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(sanitize("```\nfn x\n```"), "```text\nfn x\n```");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
