//! The data the oracle serves: feeds read from a JSON source, the same for
//! both of its protocols.

use ww_guest::json::{self, Object, Value};

/// One feed: a named value and when it was observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub key: String,
    /// As the source wrote it: a number keeps its exact digits.
    pub value: String,
    /// RFC 3339, as the source wrote it.
    pub as_of: String,
}

impl Feed {
    /// `{"key":...,"value":...,"asOf":...}`, the names of the schema.
    pub fn json(&self) -> String {
        Object::new()
            .str("key", &self.key)
            .str("value", &self.value)
            .str("asOf", &self.as_of)
            .build()
    }
}

/// The feeds of a source, in its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feeds(Vec<Feed>);

impl Feeds {
    /// The feeds of the file at `path` (a path of the cell's image).
    pub fn load(path: &str) -> Result<Feeds, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        Feeds::parse(&text).map_err(|e| format!("{path} is not a feed source: {e}"))
    }

    /// The feeds of a source document: an object whose members are the
    /// feeds by name, each `{"value": "97012.50", "asOf": "2025-..."}`,
    /// the value a string or a number. Anything else is refused, saying
    /// where: a source that half-parses would serve half-truths.
    pub fn parse(text: &str) -> Result<Feeds, String> {
        let Value::Object(members) = json::parse(text).map_err(|e| e.to_string())? else {
            return Err("the document is not an object of feeds by name".into());
        };
        let mut feeds: Vec<Feed> = Vec::with_capacity(members.len());
        for (key, fields) in members {
            if feeds.iter().any(|f| f.key == key) {
                return Err(format!("feed {key:?} is given twice"));
            }
            feeds.push(feed(key, fields)?);
        }
        Ok(Feeds(feeds))
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Feed> {
        self.0.iter()
    }

    /// The feed `key`, or why there is none.
    pub fn get(&self, key: &str) -> Result<&Feed, String> {
        self.0.iter().find(|f| f.key == key).ok_or_else(|| {
            let keys: Vec<&str> = self.0.iter().map(|f| f.key.as_str()).collect();
            format!("no feed named {key:?}; feeds: {}", keys.join(", "))
        })
    }

    /// `{"feeds":[...]}`, each as [`Feed::json`].
    pub fn json(&self) -> String {
        let feeds = self
            .0
            .iter()
            .fold(json::Array::new(), |a, f| a.raw(&f.json()))
            .build();
        Object::new().raw("feeds", &feeds).build()
    }
}

fn feed(key: String, fields: Value) -> Result<Feed, String> {
    let Value::Object(fields) = fields else {
        return Err(format!(
            "feed {key:?} is {}, not an object with `value` and `asOf`",
            fields.kind()
        ));
    };
    let (mut value, mut as_of) = (None, None);
    for (name, field) in fields {
        let slot = match name.as_str() {
            "value" => &mut value,
            "asOf" => &mut as_of,
            other => {
                return Err(format!(
                    "feed {key:?} has a field {other:?}; a feed has `value` and `asOf`"
                ));
            }
        };
        if slot.is_some() {
            return Err(format!("feed {key:?} gives `{name}` twice"));
        }
        *slot = Some(field);
    }
    let value = match value {
        Some(Value::String(s) | Value::Number(s)) => s,
        Some(other) => {
            return Err(format!(
                "feed {key:?}: `value` is {}, not a string or a number",
                other.kind()
            ));
        }
        None => return Err(format!("feed {key:?} has no `value`")),
    };
    let as_of = match as_of {
        Some(Value::String(s)) if s.is_empty() => {
            return Err(format!("feed {key:?}: `asOf` is empty"));
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "feed {key:?}: `asOf` is {}, not the time it was observed (RFC 3339 text)",
                other.kind()
            ));
        }
        None => return Err(format!("feed {key:?} has no `asOf`")),
    };
    Ok(Feed { key, value, as_of })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SOURCE: &str = r#"{
        "BTC-USD": {"value": "97012.50", "asOf": "2025-01-15T12:00:00Z"},
        "EUR-USD": {"value": 1.0297, "asOf": "2025-01-15T11:59:30Z"}
    }"#;

    #[test]
    fn a_source_keeps_its_order_and_its_digits() {
        let feeds = Feeds::parse(SOURCE).unwrap();
        let keys: Vec<&str> = feeds.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["BTC-USD", "EUR-USD"]);
        assert_eq!(
            feeds.get("EUR-USD").unwrap(),
            &Feed {
                key: "EUR-USD".into(),
                value: "1.0297".into(),
                as_of: "2025-01-15T11:59:30Z".into()
            }
        );
        assert_eq!(
            feeds.json(),
            r#"{"feeds":[{"key":"BTC-USD","value":"97012.50","asOf":"2025-01-15T12:00:00Z"},{"key":"EUR-USD","value":"1.0297","asOf":"2025-01-15T11:59:30Z"}]}"#
        );
        assert_eq!(Feeds::parse("{}").unwrap().json(), r#"{"feeds":[]}"#);
    }

    #[test]
    fn an_unknown_key_names_the_known_ones() {
        let feeds = Feeds::parse(SOURCE).unwrap();
        assert_eq!(
            feeds.get("DOGE-USD").unwrap_err(),
            r#"no feed named "DOGE-USD"; feeds: BTC-USD, EUR-USD"#
        );
    }

    #[test]
    fn bad_sources_are_refused_saying_why() {
        let refused = |text: &str| Feeds::parse(text).unwrap_err();
        assert_eq!(
            refused("{\"A\": {\"value\": \"1\",}}"),
            "line 1, column 21: expected a member's name, found `}`"
        );
        assert_eq!(
            refused("[]"),
            "the document is not an object of feeds by name"
        );
        assert_eq!(
            refused(r#"{"A": "1"}"#),
            r#"feed "A" is a string, not an object with `value` and `asOf`"#
        );
        assert_eq!(
            refused(r#"{"A": {"asOf": "t"}}"#),
            r#"feed "A" has no `value`"#
        );
        assert_eq!(
            refused(r#"{"A": {"value": "1"}}"#),
            r#"feed "A" has no `asOf`"#
        );
        assert_eq!(
            refused(r#"{"A": {"value": [1], "asOf": "t"}}"#),
            r#"feed "A": `value` is an array, not a string or a number"#
        );
        assert!(refused(r#"{"A": {"value": "1", "asOf": 7}}"#).contains("`asOf` is a number"));
        assert_eq!(
            refused(r#"{"A": {"value": "1", "asOf": ""}}"#),
            r#"feed "A": `asOf` is empty"#
        );
        assert_eq!(
            refused(r#"{"A": {"value": "1", "asof": "t"}}"#),
            r#"feed "A" has a field "asof"; a feed has `value` and `asOf`"#
        );
        assert_eq!(
            refused(r#"{"A": {"value": "1", "value": "2", "asOf": "t"}}"#),
            r#"feed "A" gives `value` twice"#
        );
        assert_eq!(
            refused(r#"{"A": {"value": "1", "asOf": "t"}, "A": {"value": "2", "asOf": "t"}}"#),
            r#"feed "A" is given twice"#
        );
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = Feeds::load("/no/such/feeds.json").unwrap_err();
        assert!(
            err.starts_with("cannot read /no/such/feeds.json: "),
            "{err}"
        );
    }
}
