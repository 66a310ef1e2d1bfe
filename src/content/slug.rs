//! Readable, stable slugs for English and Chinese titles.
//!
//! Approach: keep the title's own letters. Latin text is lowercased and joined with hyphens;
//! Chinese (and any other script) characters are kept as they are, so `企业博客上线了` stays
//! `企业博客上线了` and browsers show it readable in the address bar (it travels percent-encoded).
//! Transliterating to pinyin was rejected: without tones it is ambiguous and unreadable to the
//! people the title was written for. A slug never changes once a post is saved unless its title
//! changes, and then the old slug keeps redirecting.

pub const MAX_CHARS: usize = 80;

pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' {
            // "don't" -> "dont"
        } else {
            pending_dash = true;
        }
        if out.chars().count() >= MAX_CHARS {
            break;
        }
    }
    let s: String = out.chars().take(MAX_CHARS).collect();
    s.trim_matches('-').to_string()
}

/// A slug typed by a person: accepted when it is what `slugify` would make of it.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  Rust & actix-web 4.0  "), "rust-actix-web-4-0");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn chinese_and_mixed() {
        assert_eq!(slugify("企业博客上线了！"), "企业博客上线了");
        assert_eq!(slugify("使用 Rust 构建社区"), "使用-rust-构建社区");
        assert_eq!(slugify("为消费者提供技术支持：第 2 部分"), "为消费者提供技术支持-第-2-部分");
    }

    #[test]
    fn bounded_and_valid() {
        assert!(slugify(&"长".repeat(200)).chars().count() <= MAX_CHARS);
        assert!(is_valid("hello-world"));
        assert!(is_valid("企业博客"));
        assert!(!is_valid("Hello"));
        assert!(!is_valid("a--b"));
        assert!(!is_valid("../etc"));
    }
}
