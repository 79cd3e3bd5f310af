//! How numbers are written for people: thousands separators and byte sizes.

/// `44426` → `44,426` (`44 426` in Russian).
pub fn thousands(n: u64) -> String {
    with_separator(n, crate::i18n::numbers().group)
}

/// `44,426` whatever the language: for generated code, which stays English.
pub fn grouped(n: u64) -> String {
    with_separator(n, ',')
}

fn with_separator(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

/// A byte count in binary units: `177,704` → `173.5 KiB` (`173,5 КиБ`).
pub fn bytes(n: u64) -> String {
    let units = &crate::i18n::numbers().byte_units;
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} {}", units[0])
    } else {
        let text = format!("{value:.1} {}", units[unit]);
        text.replace('.', &crate::i18n::numbers().decimal.to_string())
    }
}

/// A share as a percentage with one decimal, in the language's decimal
/// sign: `15.5%` (`15,5 %` in Russian, which spaces the sign).
pub fn percent(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    let numbers = crate::i18n::numbers();
    let text = text.replace('.', &numbers.decimal.to_string());
    if numbers.decimal == ',' {
        format!("{text}\u{a0}%")
    } else {
        format!("{text}%")
    }
}

/// `Some(n)` as `thousands(n)`, `None` as a dash.
pub fn or_dash(n: Option<u64>) -> String {
    n.map_or_else(|| "—".to_string(), thousands)
}

/// A parameter total as people read it: `46,702,792,704`, or, where a
/// mixture of experts leaves some unused per token,
/// `active 12,879,925,248 of 46,702,792,704`.
pub fn params_with_active(total: u64, active: Option<u64>) -> String {
    match active {
        Some(a) if a != total => t!(
            "units-active-of",
            active = thousands(a),
            total = thousands(total)
        ),
        _ => thousands(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(44426), "44,426");
        assert_eq!(thousands(138357544), "138,357,544");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn russian_groups_thousands_with_spaces() {
        crate::lang::scoped(crate::lang::Lang::Ru, || {
            assert_eq!(thousands(44426), "44 426");
            assert_eq!(bytes(177_704), "173,5 КиБ");
        });
        assert_eq!(thousands(44426), "44,426", "English again outside");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(177_704), "173.5 KiB");
        assert_eq!(bytes(553_430_176), "527.8 MiB");
    }
}
