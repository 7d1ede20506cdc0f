//! Rust names of the spec's servers (the client's `Server` enum variants) and of their
//! variables (the variants' fields).

use super::Server;
use crate::names::{self, NameSet};

/// Sets `rust_name` of every server and server variable.
pub(super) fn assign(servers: &mut [Server]) {
    let names = server_names(servers);
    for (s, name) in servers.iter_mut().zip(names) {
        s.rust_name = name;
        let vars = variable_names(s);
        for (v, name) in s.variables.iter_mut().zip(vars) {
            v.rust_name = name;
        }
    }
}

/// Variant names of the servers: a one-word description (`Production.`), else the first label
/// of the host (`staging` of `staging.example.com`; `Local` for an IP address or `localhost`),
/// else `Server<n>`; unique.
fn server_names(servers: &[Server]) -> Vec<String> {
    let mut taken = NameSet::with_taken(["Custom"]);
    servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let word = s
                .description
                .as_deref()
                .map(|d| d.trim().trim_end_matches('.'))
                .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric()));
            let host = s
                .url
                .split("://")
                .nth(1)
                .unwrap_or_default()
                .split(['/', ':'])
                .next()
                .unwrap_or_default();
            let label = host.split('.').next().unwrap_or_default();
            let name = if let Some(word) = word {
                names::type_name(word)
            } else if host == "localhost"
                || host.starts_with('[')
                || host
                    .split('.')
                    .all(|p| p.chars().all(|c| c.is_ascii_digit()))
                    && !host.is_empty()
            {
                "Local".to_owned()
            } else if !label.is_empty() && !label.contains('{') {
                names::type_name(label)
            } else {
                format!("Server{}", i + 1)
            };
            taken.take(&name)
        })
        .collect()
}

/// Rust names of a server's variables (unique `snake_case`).
fn variable_names(s: &Server) -> Vec<String> {
    let mut taken = NameSet::default();
    s.variables
        .iter()
        .map(|v| taken.take(&names::field_name(&v.name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str, description: Option<&str>) -> Server {
        Server {
            url: url.to_owned(),
            description: description.map(str::to_owned),
            variables: Vec::new(),
            rust_name: String::new(),
        }
    }

    #[test]
    fn names_from_descriptions_hosts_and_positions() {
        let servers = [
            server("https://prod.example.com/v1", Some("Production.")),
            server(
                "https://staging.example.com/v1",
                Some("The staging server."),
            ),
            server("http://127.0.0.1:8080", Some("A local server.")),
            server("http://localhost:8080", None),
            server("https://{region}.example.com", None),
            server("https://custom.example.com", None),
        ];
        assert_eq!(
            server_names(&servers),
            [
                "Production",
                "Staging",
                "Local",
                "Local2",
                "Server5",
                "Custom2"
            ]
        );
    }
}
