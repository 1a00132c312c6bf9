//! Theme tokens: a tenant's colours, fonts and radius as CSS custom
//! properties.
//!
//! The values come from files designers edit and end up inside a `<style>`
//! element of every page, so each is checked against a small alphabet that
//! cannot end the declaration, the rule or the element (`;`, `{`, `}`, `<`,
//! `\`, comments) before it is used.

use std::collections::BTreeMap;

/// The tokens a theme may set, with the custom property each one sets.
pub const TOKENS: [(&str, &str); 9] = [
    ("primary", "--ds-primary"),
    ("primary_contrast", "--ds-primary-contrast"),
    ("accent", "--ds-accent"),
    ("surface", "--ds-surface"),
    ("text", "--ds-text"),
    ("muted", "--ds-muted"),
    ("font_body", "--ds-font-body"),
    ("font_heading", "--ds-font-heading"),
    ("radius", "--ds-radius"),
];

/// Why a theme was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// A key that is not a token (probably a typo).
    #[error("unknown theme token {0:?} (known: {known})", known = TOKENS.map(|t| t.0).join(", "))]
    UnknownToken(String),
    /// A value with a character that could break out of the style element.
    #[error("theme token {0:?} has a character that is not allowed in a CSS value here")]
    UnsafeValue(String),
}

/// Turns `token = value` pairs into `:root` declarations. Keys may be
/// written `primary_contrast` or `primary-contrast`.
pub fn to_css(tokens: &BTreeMap<String, String>) -> Result<String, ThemeError> {
    let mut css = String::new();
    for (key, value) in tokens {
        let normalized = key.replace('-', "_");
        let Some((_, property)) = TOKENS.iter().find(|(name, _)| *name == normalized) else {
            return Err(ThemeError::UnknownToken(key.clone()));
        };
        if !is_safe_value(value) {
            return Err(ThemeError::UnsafeValue(key.clone()));
        }
        css.push_str(property);
        css.push(':');
        css.push_str(value.trim());
        css.push(';');
    }
    Ok(css)
}

/// Colours (`#0f5f5a`, `rgb(1 2 3 / 50%)`), lengths (`0.75rem`) and font
/// stacks (`"Playfair Display", Georgia, serif`) fit this alphabet; nothing
/// that ends a declaration, a block, a comment or an element does.
fn is_safe_value(value: &str) -> bool {
    !value.trim().is_empty()
        && value.len() <= 200
        && !value.contains("/*")
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '#' | '%' | '(' | ')' | ',' | '.' | '-' | '"' | '\'' | '/' | '+'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tokens_become_custom_properties() {
        let css = to_css(&tokens(&[
            ("primary", "#0f5f5a"),
            ("font-heading", "\"Playfair Display\", Georgia, serif"),
        ]))
        .unwrap();

        assert_eq!(
            css,
            "--ds-font-heading:\"Playfair Display\", Georgia, serif;--ds-primary:#0f5f5a;"
        );
    }

    #[test]
    fn a_value_that_could_close_the_style_element_is_refused() {
        for value in [
            "red;}</style><script>",
            "red; background: url(x)",
            "red/*",
            "a\\3c",
        ] {
            let error = to_css(&tokens(&[("primary", value)])).unwrap_err();
            assert_eq!(error, ThemeError::UnsafeValue("primary".into()), "{value}");
        }
    }

    #[test]
    fn an_unknown_token_is_named() {
        let error = to_css(&tokens(&[("primery", "#fff")])).unwrap_err();

        assert!(error.to_string().contains("primery"));
    }
}
