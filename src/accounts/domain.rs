//! Parse, don't validate: form input becomes these values or a named problem (a catalog key).

use unicode_normalization::UnicodeNormalization;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

/// A username: 3–32 letters (any script), digits, `_` or `-`, starting with a letter or digit;
/// in NFKC (full-width `ａｄｍｉｎ` is `admin`), with no invisible or format characters, and no
/// mixing of scripts that look alike (`аdmin` with a Cyrillic а): Latin may be mixed with Han,
/// Kana or Hangul, as Chinese, Japanese and Korean names are (UTS #39 "highly restrictive").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

/// The confusable "skeleton" of a name (UTS #39): names that look alike share it, whatever the
/// case, script or width they are written in (`Admin`, `АDMIN` in Cyrillic, `ａｄｍｉｎ` → one
/// skeleton). Taken of the capitals, where Latin, Greek and Cyrillic look most alike (`Т`, `М`,
/// `Н`, `В` have no Latin twin in lower case), and case does not matter anyway.
pub fn skeleton(name: &str) -> String {
    let upper: String = name.nfkc().collect::<String>().to_uppercase();
    unicode_security::confusable_detection::skeleton(&upper).collect()
}

/// Is this name, or one that looks like it, one of the reserved names?
pub fn looks_reserved(name: &str) -> bool {
    let key = skeleton(name);
    RESERVED.iter().any(|r| skeleton(r) == key)
}

/// Characters that show nothing or change how the text around them is shown (zero-width
/// joiners, direction overrides, soft hyphens, variation selectors…).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Names that would collide with site paths or mislead readers.
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "company",
    "plaza",
    "root",
    "setup",
    "staff",
    "static",
    "support",
    "system",
    "moderator",
    "official",
];

impl Username {
    pub fn parse(input: &str) -> Result<Username, &'static str> {
        if input.chars().any(is_invisible) {
            return Err("err-username-invisible");
        }
        let normalized: String = input.trim().nfkc().collect();
        let s = normalized.as_str();
        let len = s.chars().count();
        if len == 0 {
            return Err("err-username-empty");
        }
        if len < 3 {
            return Err("err-username-short");
        }
        if len > 32 {
            return Err("err-username-long");
        }
        if !s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return Err("err-username-chars");
        }
        if !s.chars().next().is_some_and(char::is_alphanumeric) {
            return Err("err-username-chars");
        }
        let letters: String = s.chars().filter(|c| *c != '_' && *c != '-').collect();
        if letters.as_str().detect_restriction_level() > RestrictionLevel::HighlyRestrictive {
            return Err("err-username-mixed");
        }
        // Deleted accounts are renamed `deleted-<id>`: nobody may take such a name first.
        if looks_reserved(s) || skeleton(s).starts_with(&skeleton("deleted-")) {
            return Err("err-username-reserved");
        }
        Ok(Username(s.to_string()))
    }

    /// The look-alike key that must be unique too (`skeleton`).
    pub fn skeleton(&self) -> String {
        skeleton(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive key that must be unique.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("err-email-empty");
        }
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid { Ok(Email(s.to_string())) } else { Err("err-email-invalid") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A new password that passes the policy: 10–256 characters, not a common password,
/// not the username or e-mail.
pub struct NewPassword(String);

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "1234567890",
    "12345678910",
    "123456789a",
    "qwertyuiop",
    "1q2w3e4r5t",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "admin12345",
    "abcdefghij",
    "0123456789",
    "1111111111",
    "qwerty1234",
    "passw0rd12",
    "changeme12",
];

impl NewPassword {
    pub fn parse(input: &str, username: &str, email: &str) -> Result<NewPassword, &'static str> {
        let len = input.chars().count();
        if len == 0 {
            return Err("err-password-empty");
        }
        if len < 10 {
            return Err("err-password-short");
        }
        if len > 256 {
            return Err("err-password-long");
        }
        let lower = input.to_lowercase();
        let distinct = {
            let mut c: Vec<char> = lower.chars().collect();
            c.sort_unstable();
            c.dedup();
            c.len()
        };
        if COMMON.contains(&lower.as_str())
            || distinct < 4
            || (!username.is_empty() && lower.contains(&username.to_lowercase()))
            || (!email.is_empty() && lower == email.to_lowercase())
        {
            return Err("err-password-weak");
        }
        Ok(NewPassword(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("alice").is_ok());
        assert!(Username::parse("李小龙").is_ok());
        assert!(Username::parse("dev_ops-2").is_ok());
        assert_eq!(Username::parse(""), Err("err-username-empty"));
        assert_eq!(Username::parse("ab"), Err("err-username-short"));
        assert_eq!(Username::parse(&"a".repeat(33)), Err("err-username-long"));
        assert_eq!(Username::parse("a b c"), Err("err-username-chars"));
        assert_eq!(Username::parse("<script>"), Err("err-username-chars"));
        assert_eq!(Username::parse("_abc"), Err("err-username-chars"));
        assert_eq!(Username::parse("Admin"), Err("err-username-reserved"));
        assert_eq!(Username::parse("Alice").map(|u| u.key()), Ok("alice".to_string()));
    }

    #[test]
    fn look_alike_usernames() {
        // NFKC: full-width letters are the ASCII ones.
        assert_eq!(Username::parse("ａｌｉｃｅ").map(|u| u.as_str().to_string()), Ok("alice".to_string()));
        assert_eq!(Username::parse("ａｄｍｉｎ"), Err("err-username-reserved"));
        // A Cyrillic а among Latin letters.
        assert_eq!(Username::parse("\u{0430}dmin"), Err("err-username-mixed"));
        assert_eq!(Username::parse("p\u{0430}ypal"), Err("err-username-mixed"));
        // All Cyrillic, looking like a Latin name: one skeleton.
        assert_eq!(skeleton("\u{0441}\u{043E}\u{0441}\u{043E}"), skeleton("coco"));
        assert_eq!(Username::parse("\u{0405}\u{0422}\u{0410}\u{0422}\u{0406}\u{0421}"), Err("err-username-reserved"));
        assert_eq!(Username::parse("ADM1N"), Err("err-username-reserved"));
        // Invisible characters.
        assert_eq!(Username::parse("ali\u{200B}ce"), Err("err-username-invisible"));
        assert_eq!(Username::parse("alice\u{202E}"), Err("err-username-invisible"));
        // Real names in one script, or Latin with Han, are fine.
        assert!(Username::parse("Дмитрий").is_ok());
        assert!(Username::parse("张三abc").is_ok());
        assert!(Username::parse("dev_ops-2").is_ok());
        assert_eq!(skeleton("Alice"), skeleton("\u{0430}lice"));
        assert_ne!(skeleton("alice"), skeleton("bob"));
    }

    #[test]
    fn emails() {
        assert!(Email::parse("a@example.com").is_ok());
        assert_eq!(Email::parse(" "), Err("err-email-empty"));
        for bad in ["a", "a@b", "@b.com", "a@.com", "a b@c.com", "a@b@c.com", "a@b.com."] {
            assert_eq!(Email::parse(bad), Err("err-email-invalid"), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("correct horse battery", "alice", "a@b.c").is_ok());
        assert_eq!(NewPassword::parse("short", "alice", "").err(), Some("err-password-short"));
        assert_eq!(NewPassword::parse("password123", "x", "").err(), Some("err-password-weak"));
        assert_eq!(NewPassword::parse("aaaaaaaaaaaa", "x", "").err(), Some("err-password-weak"));
        assert_eq!(NewPassword::parse("alice-is-great", "alice", "").err(), Some("err-password-weak"));
        assert_eq!(NewPassword::parse(&"x1".repeat(200), "a", "").err(), Some("err-password-long"));
    }
}

/// Throwaway mail services (`disposable_domains.txt`).
static DISPOSABLE: std::sync::LazyLock<std::collections::HashSet<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("disposable_domains.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Is this address at a throwaway mail service (or a subdomain of one)?
pub fn is_disposable(email: &str) -> bool {
    let Some((_, domain)) = email.trim().rsplit_once('@') else { return false };
    let domain = domain.trim_end_matches('.').to_lowercase();
    let mut rest = domain.as_str();
    loop {
        if DISPOSABLE.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod disposable_tests {
    #[test]
    fn throwaway_services_and_their_subdomains() {
        assert!(super::is_disposable("x@mailinator.com"));
        assert!(super::is_disposable("x@Inbox.MAILINATOR.com"));
        assert!(!super::is_disposable("x@example.com"));
        assert!(!super::is_disposable("x@notmailinator.com"));
        assert!(!super::is_disposable("nonsense"));
    }
}
