//! Markdown to safe HTML, done once when content is saved. Only `SafeHtml` is ever written raw
//! into a page.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// HTML that went through the sanitizer (or was stored after going through it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// HTML read back from the database, where only sanitized HTML is ever stored.
    pub fn from_stored(s: String) -> Self {
        SafeHtml(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Templates print sanitized HTML as it is, without `|safe`: the type is the proof that it went
/// through the sanitizer. (A test fails if any template uses `|safe`.)
impl askama::filters::HtmlSafe for SafeHtml {}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "del", "s", "sup", "section"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("td", ["class"])
        .add_tag_attributes("th", ["class"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            // Task-list checkboxes only, and never editable.
            ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed("checkbox")),
            ("input", "disabled") => Some(Cow::Borrowed("")),
            // Fenced-code language hints only.
            ("code", "class") => value
                .strip_prefix("language-")
                .filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+'))
                .map(|_| Cow::Owned(value.to_string())),
            ("div" | "sup", "class") => {
                matches!(value, "footnote-definition" | "footnote-reference").then(|| Cow::Owned(value.to_string()))
            }
            // Ids only for footnotes, prefixed so user content cannot clobber the page's own ids.
            (_, "id") => Some(Cow::Owned(format!("fn-{}", slug_id(value)))),
            ("a", "href") if value.starts_with('#') => Some(Cow::Owned(format!("#fn-{}", slug_id(&value[1..])))),
            // Table alignment, as classes (the CSP forbids inline styles).
            ("td" | "th", "class") => {
                matches!(value, "align-left" | "align-center" | "align-right").then(|| Cow::Owned(value.to_string()))
            }
            _ => Some(Cow::Owned(value.to_string())),
        });
    b
});

fn slug_id(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Render Markdown and sanitize the result.
pub fn render(markdown: &str) -> SafeHtml {
    let parser = Parser::new_ext(markdown, options());
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    // pulldown-cmark aligns table cells with inline styles, which the Content-Security-Policy
    // blocks; classes do the same job.
    let raw = raw
        .replace(r#" style="text-align: left""#, r#" class="align-left""#)
        .replace(r#" style="text-align: center""#, r#" class="align-center""#)
        .replace(r#" style="text-align: right""#, r#" class="align-right""#);
    sanitize(&raw)
}

/// Sanitize HTML from any source with the one policy.
pub fn sanitize(raw: &str) -> SafeHtml {
    SafeHtml(SANITIZER.clean(raw).to_string())
}

/// The text of a Markdown document without markup (for excerpts, descriptions, feeds' summaries).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_footnote = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote = true,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote = false,
            _ if in_footnote => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A short excerpt of plain text: at most `max` characters, cut at a word boundary for
/// space-separated scripts (Chinese text is cut between characters), with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let last = cut.chars().last().unwrap_or(' ');
    let next = text.chars().nth(max).unwrap_or(' ');
    let cut = if last.is_ascii_alphanumeric() && next.is_ascii_alphanumeric() {
        match cut.rfind(' ') {
            Some(i) if i > max / 2 => cut[..i].to_string(),
            _ => cut,
        }
    } else {
        cut
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_whitespace() || ",.;:，。；：".contains(c)))
}

/// Every link target in a Markdown document (for citations).
pub fn links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, options())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_flavoured_features() {
        let html = render(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~\n\nText[^1]\n\n[^1]: Note.\n\n```rust\nfn main() {}\n```",
        );
        let h = html.as_str();
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains(r#"<th class="align-center">"#), "{h}");
        assert!(!h.contains("style="), "{h}");
        assert!(h.contains(r#"type="checkbox""#) && h.contains("checked") && h.contains("disabled"), "{h}");
        assert!(h.contains("<del>old</del>"), "{h}");
        assert!(
            h.contains("footnote-definition") && h.contains(r##"href="#fn-1""##) && h.contains(r#"id="fn-1""#),
            "{h}"
        );
        assert!(h.contains(r#"<code class="language-rust">"#), "{h}");
    }

    #[test]
    fn strips_every_script_vector() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<input type=text onfocus=alert(1) autofocus>",
            "<form action=/logout><button>go</button></form>",
            "<object data=x></object><embed src=x>",
        ];
        for p in payloads {
            let h = render(p).into_string().to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onfocus",
                "javascript:",
                "data:text",
                "<iframe",
                "<style",
                "<svg",
                "style=\"background",
                "<form",
                "<object",
                "<embed",
                "type=\"text\"",
            ] {
                assert!(!h.contains(bad), "{p} -> {h}");
            }
        }
    }

    #[test]
    fn links_get_nofollow() {
        let h = render("[a](https://example.com)").into_string();
        assert!(h.contains("nofollow ugc"), "{h}");
    }

    #[test]
    fn excerpts() {
        assert_eq!(plain_text("# Title\n\nSome *bold* `code`."), "Title Some bold code.");
        assert_eq!(excerpt("hello world again", 13), "hello world…");
        assert_eq!(excerpt("企业员工博客为消费者提供技术支持", 6), "企业员工博客…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
