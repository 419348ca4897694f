//! Number literals, read exactly as Clojure's reader matches them.

use std::sync::LazyLock;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use regex::Regex;

use crate::FormKind;

// Clojure's own patterns (LispReader.intPat, ratioPat, floatPat).
static INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([-+]?)(?:(0)|([1-9][0-9]*)|0[xX]([0-9A-Fa-f]+)|0([0-7]+)|([1-9][0-9]?)[rR]([0-9A-Za-z]+)|0[0-9]+)(N)?$",
    )
    .expect("valid integer pattern")
});
static RATIO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([-+]?[0-9]+)/([0-9]+)$").expect("valid ratio pattern"));
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?M?$").expect("valid float pattern")
});

/// Why a number token is not a number: a message and a hint.
pub(crate) type NumberError = (String, &'static str);

/// Reads a number token (`42`, `-0x1F`, `36rZZ`, `7N`, `3/4`, `1.5e3`, `1.5M`).
pub(crate) fn read_number(text: &str) -> Result<FormKind, NumberError> {
    if let Some(c) = INT.captures(text) {
        let negative = &c[1] == "-";
        let (digits, radix) = if let Some(d) = c.get(2).or(c.get(3)) {
            (d.as_str(), 10)
        } else if let Some(d) = c.get(4) {
            (d.as_str(), 16)
        } else if let Some(d) = c.get(5) {
            (d.as_str(), 8)
        } else if let (Some(r), Some(d)) = (c.get(6), c.get(7)) {
            let radix: u32 = r.as_str().parse().unwrap_or(0);
            if !(2..=36).contains(&radix) {
                return Err((
                    format!("radix {radix} out of range in `{text}`"),
                    "a radix literal is `NrDIGITS` with N from 2 to 36, e.g. `2r1010`",
                ));
            }
            (d.as_str(), radix)
        } else {
            return Err((
                format!("invalid number `{text}`"),
                "a leading 0 makes an octal literal, whose digits are 0-7; write the number without it",
            ));
        };
        let Some(mut n) = BigInt::parse_bytes(digits.as_bytes(), radix) else {
            return Err((
                format!("invalid digit for radix {radix} in `{text}`"),
                "each digit must be below the radix (0-9 then A-Z for 10-35)",
            ));
        };
        if negative {
            n = -n;
        }
        return Ok(if c.get(8).is_some() {
            FormKind::BigInt(n)
        } else {
            integer(n)
        });
    }
    if let Some(c) = RATIO.captures(text) {
        let numerator: BigInt = c[1].trim_start_matches('+').parse().unwrap_or_default();
        let denominator: BigInt = c[2].parse().unwrap_or_default();
        if denominator.is_zero() {
            return Err((
                format!("divide by zero in ratio `{text}`"),
                "a ratio's denominator must not be 0",
            ));
        }
        let ratio = BigRational::new(numerator, denominator);
        return Ok(if ratio.is_integer() {
            integer(ratio.to_integer())
        } else {
            FormKind::Ratio(ratio)
        });
    }
    if FLOAT.is_match(text) {
        // `M` (BigDecimal in Clojure) is read as a double, as the language allows.
        let digits = text.trim_end_matches('M');
        if let Ok(f) = digits.parse::<f64>() {
            return Ok(FormKind::Float(f));
        }
    }
    Err((
        format!("invalid number `{text}`"),
        "numbers look like 42, -7, 0x1F, 2r1010, 7N, 3/4, 1.5, 1e3 or ##Inf",
    ))
}

/// An integer as an i64 when it fits, else a bigint (as Clojure's reader does).
fn integer(n: BigInt) -> FormKind {
    match n.to_i64() {
        Some(i) => FormKind::Int(i),
        None => FormKind::BigInt(n),
    }
}

/// Reads `##Inf`, `##-Inf` and `##NaN`.
pub(crate) fn read_symbolic(text: &str) -> Option<f64> {
    match text {
        "##Inf" => Some(f64::INFINITY),
        "##-Inf" => Some(f64::NEG_INFINITY),
        "##NaN" => Some(f64::NAN),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> FormKind {
        read_number(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn integers() {
        assert_eq!(ok("42"), FormKind::Int(42));
        assert_eq!(ok("-7"), FormKind::Int(-7));
        assert_eq!(ok("+7"), FormKind::Int(7));
        assert_eq!(ok("0"), FormKind::Int(0));
        assert_eq!(ok("0x1F"), FormKind::Int(31));
        assert_eq!(ok("-0x1f"), FormKind::Int(-31));
        assert_eq!(ok("017"), FormKind::Int(15));
        assert_eq!(ok("2r1010"), FormKind::Int(10));
        assert_eq!(ok("36rZZ"), FormKind::Int(1295));
        assert_eq!(ok("1N"), FormKind::BigInt(BigInt::from(1)));
        assert_eq!(ok("0x10N"), FormKind::BigInt(BigInt::from(16)));
        assert_eq!(ok("9223372036854775807"), FormKind::Int(i64::MAX));
        assert_eq!(ok("-9223372036854775808"), FormKind::Int(i64::MIN));
        assert_eq!(
            ok("9223372036854775808"),
            FormKind::BigInt("9223372036854775808".parse().unwrap())
        );
        assert_eq!(ok("-0N"), FormKind::BigInt(BigInt::from(0)));
    }

    #[test]
    fn ratios_normalise() {
        assert_eq!(ok("4/2"), FormKind::Int(2));
        assert_eq!(
            ok("6/8"),
            FormKind::Ratio(BigRational::new(3.into(), 4.into()))
        );
        assert_eq!(
            ok("-1/3"),
            FormKind::Ratio(BigRational::new((-1).into(), 3.into()))
        );
    }

    #[test]
    fn floats() {
        assert_eq!(ok("1.5"), FormKind::Float(1.5));
        assert_eq!(ok("1e3"), FormKind::Float(1000.0));
        assert_eq!(ok("1."), FormKind::Float(1.0));
        assert_eq!(ok("-2.5E-3"), FormKind::Float(-0.0025));
        assert_eq!(ok("1.5M"), FormKind::Float(1.5));
    }

    #[test]
    fn invalid_numbers() {
        for bad in [
            "08", "1abc", "1/0", "37r1", "2r2", "0x", "1.2.3", "1/2/3", "1e",
        ] {
            assert!(read_number(bad).is_err(), "{bad} should be invalid");
        }
    }
}
