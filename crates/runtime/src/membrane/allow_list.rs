//! [`AllowList`]: the hosts an `HttpClient` may reach.

use std::fmt;

/// One entry of an allow-list.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    /// This host exactly (a name in lower case, or an IP address).
    Host(String),
    /// Every subdomain of this name (`*.example.com`), not the name itself.
    Subdomains(String),
}

/// The hosts a client may reach: any (`*`), or those its entries name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowList {
    any: bool,
    entries: Vec<Entry>,
}

/// Normalises a host as `url` does (lower case, IPv6 in brackets), so that
/// an entry and a URL's host compare equal when they name the same host.
fn normal_host(host: &str) -> Result<String, String> {
    url::Host::parse(host)
        .map(|h| h.to_string())
        .map_err(|e| format!("{host:?} is not a host name or IP address ({e})"))
}

impl AllowList {
    /// Any host.
    pub fn any() -> AllowList {
        AllowList {
            any: true,
            entries: Vec::new(),
        }
    }

    /// The hosts `entries` name: `api.example.com`, `10.0.0.1`, `[::1]`,
    /// `*.example.com` (its subdomains), `*` (any host).
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, String> {
        let mut list = AllowList {
            any: false,
            entries: Vec::new(),
        };
        for entry in entries {
            let entry = entry.as_ref().trim();
            if entry == "*" {
                list.any = true;
            } else if let Some(domain) = entry.strip_prefix("*.") {
                let domain = normal_host(domain)?;
                if domain.parse::<std::net::IpAddr>().is_ok() || domain.starts_with('[') {
                    return Err(format!("{entry:?}: an IP address has no subdomains"));
                }
                list.entries.push(Entry::Subdomains(domain));
            } else if entry.contains('*') {
                return Err(format!(
                    "{entry:?}: `*` stands alone or starts an entry (`*.example.com`)"
                ));
            } else {
                list.entries.push(Entry::Host(normal_host(entry)?));
            }
        }
        Ok(list)
    }

    /// Whether `host` (as `url` prints a URL's host) may be reached.
    pub fn allows(&self, host: &str) -> bool {
        self.any
            || self.entries.iter().any(|entry| match entry {
                Entry::Host(h) => h == host,
                Entry::Subdomains(domain) => is_subdomain(host, domain),
            })
    }

    /// Whether everything `entry` allows, this list allows too.
    fn covers(&self, entry: &Entry) -> bool {
        if self.any {
            return true;
        }
        match entry {
            Entry::Host(h) => self.allows(h),
            Entry::Subdomains(d) => self.entries.iter().any(|mine| match mine {
                Entry::Subdomains(mine) => d == mine || is_subdomain(d, mine),
                Entry::Host(_) => false,
            }),
        }
    }

    /// `narrower`, if this list allows everything it does; otherwise the
    /// first entry it would add.
    pub fn narrow(&self, narrower: AllowList) -> Result<AllowList, String> {
        if narrower.any && !self.any {
            return Err("*".into());
        }
        match narrower.entries.iter().find(|e| !self.covers(e)) {
            Some(Entry::Host(h)) => Err(h.clone()),
            Some(Entry::Subdomains(d)) => Err(format!("*.{d}")),
            None => Ok(narrower),
        }
    }

    /// The entries, as `parse` takes them.
    pub fn entries(&self) -> Vec<String> {
        let mut out: Vec<String> = self.any.then(|| "*".to_string()).into_iter().collect();
        out.extend(self.entries.iter().map(|e| match e {
            Entry::Host(h) => h.clone(),
            Entry::Subdomains(d) => format!("*.{d}"),
        }));
        out
    }
}

fn is_subdomain(host: &str, domain: &str) -> bool {
    host.len() > domain.len() + 1
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.entries();
        if entries.is_empty() {
            f.write_str("no host")
        } else {
            f.write_str(&entries.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn entries_allow_what_they_name() {
        let list =
            AllowList::parse(&["API.example.com", "*.example.org", "127.0.0.1", "[::1]"]).unwrap();
        assert!(list.allows("api.example.com"));
        assert!(!list.allows("www.example.com"));
        assert!(list.allows("a.example.org"));
        assert!(list.allows("a.b.example.org"));
        assert!(!list.allows("example.org"), "subdomains only");
        assert!(!list.allows("badexample.org"));
        assert!(list.allows("127.0.0.1"));
        assert!(list.allows("[::1]"));
        assert!(!list.allows("127.0.0.2"));
        assert!(AllowList::any().allows("anything.at.all"));
        assert!(!AllowList::parse::<&str>(&[]).unwrap().allows("example.com"));
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in ["a*b.com", "*.10.0.0.1", "exa mple.com", "*.", ""] {
            assert!(AllowList::parse(&[bad]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn narrowing_never_widens() {
        let list = AllowList::parse(&["*.example.com", "10.0.0.1"]).unwrap();
        assert!(
            list.narrow(AllowList::parse(&["a.example.com"]).unwrap())
                .is_ok()
        );
        assert!(
            list.narrow(AllowList::parse(&["*.a.example.com"]).unwrap())
                .is_ok()
        );
        assert_eq!(
            list.narrow(AllowList::parse(&["example.com"]).unwrap()),
            Err("example.com".into())
        );
        assert_eq!(list.narrow(AllowList::any()), Err("*".into()));
        assert!(AllowList::any().narrow(AllowList::any()).is_ok());
    }

    fn host() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "example.com",
            "a.example.com",
            "b.a.example.com",
            "example.org",
            "10.0.0.1",
        ])
        .prop_map(String::from)
    }

    fn entry() -> impl Strategy<Value = String> {
        prop_oneof![
            host(),
            host()
                .prop_filter("names only", |h| !h.starts_with("10."))
                .prop_map(|h| format!("*.{h}")),
            Just("*".to_string()),
        ]
    }

    proptest! {
        /// A narrowed list allows nothing its parent does not.
        #[test]
        fn a_narrowed_list_is_within_its_parent(
            parent in prop::collection::vec(entry(), 0..4),
            child in prop::collection::vec(entry(), 0..4),
            probe in host(),
        ) {
            let parent = AllowList::parse(&parent).unwrap();
            if let Ok(child) = parent.narrow(AllowList::parse(&child).unwrap()) {
                prop_assert!(!child.allows(&probe) || parent.allows(&probe));
            }
        }
    }
}
