//! Which methods an attenuated capability lets through.

use std::collections::{HashMap, HashSet};

use crate::schema;

/// Methods allowed, by interface id and method ordinal: below the typed
/// layer, so it holds for any interface, known to the host or not.
///
/// An interface the policy names allows only the methods listed for it;
/// one it does not name is not restricted by this policy (so that
/// `Runtime.load` restricted to itself still returns a usable
/// `Executor`). Stacked policies each apply: the result only narrows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    allowed: HashMap<u64, HashSet<u16>>,
}

/// A method name that is not a method of the interface it is asked of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{interface} has no method `{method}`; its methods are: {known}")]
    NoSuchMethod {
        interface: String,
        method: String,
        known: String,
    },
    #[error("no interface of the schemas has the id {0:#x}, so its methods cannot be named")]
    UnknownInterface(u64),
}

impl Policy {
    /// Lets everything through (every capability is at least guarded by
    /// its epoch).
    pub fn all() -> Policy {
        Policy::default()
    }

    /// Allows only `methods` (their ordinals) of interface `interface`.
    pub fn only(interface: u64, methods: impl IntoIterator<Item = u16>) -> Policy {
        Policy {
            allowed: HashMap::from([(interface, methods.into_iter().collect())]),
        }
    }

    /// Allows only the methods named (as declared, `findProviders`, or in
    /// kebab case, `find-providers`) of an interface of the schemas. A name
    /// that is not one of its methods is an error, saying which are.
    pub fn named(interface: u64, methods: &[&str]) -> Result<Policy, PolicyError> {
        let schema = schema::interfaces()
            .get(&interface)
            .ok_or(PolicyError::UnknownInterface(interface))?;
        let ordinals = methods
            .iter()
            .map(|m| {
                schema.method(m).ok_or_else(|| PolicyError::NoSuchMethod {
                    interface: schema.name.clone(),
                    method: (*m).to_owned(),
                    known: schema
                        .methods
                        .iter()
                        .map(|m| format!(":{}", schema::kebab_case(m)))
                        .collect::<Vec<_>>()
                        .join(" "),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Policy::only(interface, ordinals))
    }

    /// Whether method `method` of interface `interface` may be called.
    pub fn allows(&self, interface: u64, method: u16) -> bool {
        self.allowed
            .get(&interface)
            .is_none_or(|methods| methods.contains(&method))
    }

    /// What both policies allow.
    pub fn and(&self, other: &Policy) -> Policy {
        let mut allowed = self.allowed.clone();
        for (interface, methods) in &other.allowed {
            allowed
                .entry(*interface)
                .and_modify(|mine| mine.retain(|m| methods.contains(m)))
                .or_insert_with(|| methods.clone());
        }
        Policy { allowed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::stream_capnp::byte_stream;
    use capnp::traits::HasTypeId;

    const STREAM: u64 = byte_stream::Client::TYPE_ID;

    #[test]
    fn a_policy_restricts_only_the_interfaces_it_names() {
        let write_only = Policy::named(STREAM, &["write"]).unwrap();
        assert!(write_only.allows(STREAM, 0));
        assert!(!write_only.allows(STREAM, 2));
        assert!(write_only.allows(0x1234, 7), "another interface");
        assert!(Policy::all().allows(STREAM, 2));
    }

    #[test]
    fn combined_policies_only_narrow() {
        let write_read = Policy::only(STREAM, [0, 1]);
        let read_close = Policy::only(STREAM, [1, 2]);
        let both = write_read.and(&read_close);
        assert_eq!(both, Policy::only(STREAM, [1]));
        assert_eq!(read_close.and(&write_read), both);
        assert_eq!(Policy::all().and(&write_read), write_read);
        assert_eq!(write_read.and(&Policy::all()), write_read);
    }

    /// Policies over two interfaces, each either unrestricted or allowing
    /// a subset of four methods.
    fn policy() -> impl proptest::strategy::Strategy<Value = Policy> {
        use proptest::prelude::*;
        proptest::collection::vec(
            (
                prop_oneof![Just(1u64), Just(2u64)],
                proptest::collection::vec(0u16..4, 0..4),
            ),
            0..3,
        )
        .prop_map(|rules| {
            rules
                .into_iter()
                .fold(Policy::all(), |p, (i, ms)| p.and(&Policy::only(i, ms)))
        })
    }

    proptest::proptest! {
        #[test]
        fn combining_allows_exactly_what_both_allow(a in policy(), b in policy()) {
            let both = a.and(&b);
            for interface in [1, 2, 3] {
                for method in 0..5 {
                    proptest::prop_assert_eq!(
                        both.allows(interface, method),
                        a.allows(interface, method) && b.allows(interface, method)
                    );
                }
            }
            proptest::prop_assert_eq!(&both, &b.and(&a));
            proptest::prop_assert_eq!(both.and(&a), both.clone());
        }
    }

    #[test]
    fn an_unknown_method_fails_when_the_policy_is_made() {
        assert_eq!(
            Policy::named(STREAM, &["write", "flush"])
                .unwrap_err()
                .to_string(),
            "ByteStream has no method `flush`; its methods are: :write :read :close"
        );
        assert!(matches!(
            Policy::named(1, &["id"]),
            Err(PolicyError::UnknownInterface(1))
        ));
    }
}
