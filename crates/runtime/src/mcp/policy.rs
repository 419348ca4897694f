//! `ww mcp --policy FILE`: the capabilities a session keeps, written down.
//!
//! The file holds one Glia map from root names to what each keeps: a
//! vector of methods, or `:all`. A root the map does not name keeps
//! nothing. A policy narrows what `--grant` left (attenuation never
//! widens), so the two together keep what both allow.
//!
//! ```clojure
//! {host [:id :addrs]
//!  routing :all}
//! ```

use std::path::Path;

use glia_eval::Value;

use super::Grant;

/// The grants `path` writes down, or what is wrong with it (and where).
pub fn read(path: &Path) -> Result<Vec<Grant>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the policy {shown}: {e}"))?;
    let forms = glia_eval::read_data(&text).map_err(|e| format!("the policy {shown}: {e}"))?;
    let [Value::Map(map)] = forms.as_slice() else {
        return Err(format!(
            "the policy {shown} must hold one map, like {{host [:id :addrs] routing :all}}"
        ));
    };
    let mut grants = Vec::new();
    for (key, value) in map.iter() {
        let root = match key {
            Value::Symbol(s) => s.to_string(),
            Value::Keyword(k) => k.name().to_string(),
            other => {
                return Err(format!(
                    "the policy {shown}: a key must name a root capability, not {}",
                    glia_eval::value::pr_str(other)
                ));
            }
        };
        let methods = match value {
            Value::Keyword(k) if k.ns().is_none() && k.name() == "all" => None,
            Value::Vector(v) => Some(
                v.items
                    .iter()
                    .map(|m| match m {
                        Value::Keyword(k) => Ok(k.name().to_string()),
                        other => Err(format!(
                            "the policy {shown}: {root}'s methods are keywords, not {}",
                            glia_eval::value::pr_str(other)
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            other => {
                return Err(format!(
                    "the policy {shown}: {root} keeps a vector of methods or :all, not {}",
                    glia_eval::value::pr_str(other)
                ));
            }
        };
        let grant: Grant = root
            .parse()
            .map_err(|e| format!("the policy {shown}: {e}"))?;
        grants.push(Grant { methods, ..grant });
    }
    Ok(grants)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Result<Vec<Grant>, String> {
        let path =
            std::env::temp_dir().join(format!("ww-policy-{}-{}", std::process::id(), text.len()));
        std::fs::write(&path, text).unwrap();
        let read = read(&path);
        std::fs::remove_file(&path).unwrap();
        read
    }

    #[test]
    fn a_policy_names_roots_and_their_methods() {
        let mut grants = policy("{host [:id :addrs] :routing :all}").unwrap();
        grants.sort_by(|a, b| a.root.cmp(&b.root));
        assert_eq!(
            grants,
            vec![
                Grant {
                    root: "host".into(),
                    methods: Some(vec!["id".into(), "addrs".into()])
                },
                Grant {
                    root: "routing".into(),
                    methods: None
                },
            ]
        );
        assert_eq!(policy("{}").unwrap(), vec![]);
    }

    #[test]
    fn a_bad_policy_says_what_is_wrong() {
        for (text, says) in [
            ("[host]", "must hold one map"),
            ("{host [:id]} {}", "must hold one map"),
            ("{host \"id\"}", "a vector of methods or :all"),
            ("{host [id]}", "methods are keywords"),
            ("{nothing :all}", "is not a root capability"),
            ("{\"host\" :all}", "must name a root capability"),
            ("{host [:id", "the policy"),
        ] {
            let err = policy(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}
