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
    b.add_tags(["del", "s", "sup", "section", "audio", "video", "source"])
        .add_tag_attributes("audio", ["controls", "preload", "title"])
        .add_tag_attributes("video", ["controls", "preload", "title", "poster", "width", "height"])
        .add_tag_attributes("source", ["src", "type"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("td", ["class"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding", "class"])
        .add_tag_attributes("th", ["class"])
        .add_tag_attributes("span", ["class"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
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
            // Responsive pictures: only the site's own renditions (a `srcset` is a list of URLs the
            // URL filter does not see), and only the class Plaza gives them.
            ("img", "srcset") => {
                value.split(',').all(|c| c.trim().starts_with("/media/")).then(|| Cow::Owned(value.to_string()))
            }
            // Players play the site's own files only (nothing fetched from elsewhere).
            ("video", "poster") | ("source", "src") => {
                value.starts_with("/media/").then(|| Cow::Owned(value.to_string()))
            }
            ("audio" | "video", "controls") => Some(Cow::Borrowed("")),
            ("audio" | "video", "preload") => Some(Cow::Borrowed("metadata")),
            ("source", "type") => matches!(
                value,
                "audio/mpeg" | "audio/mp4" | "audio/ogg" | "audio/webm" | "video/mp4" | "video/webm" | "video/ogg"
            )
            .then(|| Cow::Owned(value.to_string())),
            ("img", "class") => (value == "media").then_some(Cow::Borrowed("media")),
            // A task list's box (its item needs no bullet beside it).
            ("span", "class") => (value == "task-box").then_some(Cow::Borrowed("task-box")),
            // Pictures come from this site only (raw HTML cannot make readers' browsers ask
            // another site for one).
            ("img", "src") => {
                (value.starts_with('/') && !value.starts_with("//")).then(|| Cow::Owned(value.to_string()))
            }
            ("img", "loading") => (value == "lazy").then_some(Cow::Borrowed("lazy")),
            ("img", "decoding") => (value == "async").then_some(Cow::Borrowed("async")),
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

/// How deeply Markdown blocks, inline markup and HTML elements may nest. The sanitizer's cost
/// grows with the square of the depth (20,000 nested quotes took minutes); no real text comes near.
pub const MAX_DEPTH: usize = 40;

/// Elements that never hold others (an opening tag without a closing one).
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// How deep the text nests, counting Markdown structure and the HTML tags written in it, given up
/// as soon as it passes `MAX_DEPTH` (one linear pass; the parser itself is linear).
pub fn nesting_depth(markdown: &str) -> usize {
    let mut blocks = 0usize;
    let mut html = 0usize;
    let mut deepest = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(_) => blocks += 1,
            Event::End(_) => blocks = blocks.saturating_sub(1),
            Event::Html(t) | Event::InlineHtml(t) => html = html_depth_after(&t, html),
            _ => {}
        }
        deepest = deepest.max(blocks + html);
        if deepest > MAX_DEPTH {
            break;
        }
    }
    deepest
}

/// Follow open and close tags through a piece of HTML (unclosed tags nest, as a browser reads them).
fn html_depth_after(fragment: &str, mut depth: usize) -> usize {
    let mut rest = fragment;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
        }
    }
    depth
}

/// Is this text nested too deeply to accept? (The catalog key names the problem.)
pub fn check_nesting(markdown: &str) -> Result<(), &'static str> {
    if nesting_depth(markdown) > MAX_DEPTH { Err("err-body-nested") } else { Ok(()) }
}

/// Render Markdown and sanitize the result. Text nested beyond `MAX_DEPTH` (forms refuse it; this
/// guards anything older or imported) is shown as escaped plain text instead of being parsed.
pub fn render(markdown: &str) -> SafeHtml {
    if nesting_depth(markdown) > MAX_DEPTH {
        return SafeHtml(format!("<pre>{}</pre>", crate::web::escape_html(markdown)));
    }
    render_with(markdown, &Embeds::new()).0
}

/// What a picture, sound or video of the site's media library is shown with: its renditions and
/// size, so the page can offer the right one and keep its place before it loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embed {
    pub kind: EmbedKind,
    /// The address shown when nothing better is chosen (`src`).
    pub src: String,
    /// Picture renditions with their widths, smallest first (`srcset`).
    pub srcset: Vec<(String, u32)>,
    pub width: u32,
    pub height: u32,
    /// Sound and video: the type of `src`, and a picture shown before playing.
    pub mime: String,
    pub poster: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedKind {
    Image,
    Audio,
    Video,
}

/// The media a text shows, by media id.
pub type Embeds = std::collections::HashMap<i64, Embed>;

/// The media id a Markdown image address points at: `/media/12` or `/media/12/w800.webp`.
pub fn media_id_of(url: &str) -> Option<i64> {
    let rest = url.strip_prefix("/media/")?;
    media_id(rest.split(['/', '?', '#']).next()?)
}

/// A media id as its addresses spell it (`crate::web::canonical_number`).
pub fn media_id(s: &str) -> Option<i64> {
    crate::web::canonical_number(s)
}

/// The media ids a text shows as pictures (`![…](/media/12)`), each once, in order.
pub fn media_refs(markdown: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    if !markdown.contains("/media/") {
        return ids;
    }
    for event in Parser::new_ext(markdown, options()) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if let Some(id) = media_id_of(&dest_url) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// Is this an address on another site (absolute http or https, or protocol-relative)?
fn is_remote(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// An address with a scheme of its own (`file:`, `data:`, `gopher:`…), not a path of this site.
fn has_scheme(url: &str) -> bool {
    let url = url.trim();
    url.find(':').is_some_and(|i| {
        i > 0 && url[..i].bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

/// The other sites' addresses a text shows as pictures (`![…](https://…)`), each once; and any
/// picture address with another scheme (`file:`, `data:`…), which fetching refuses with a reason.
pub fn remote_images(markdown: &str) -> Vec<String> {
    let mut urls = Vec::new();
    if !markdown.contains(':') && !markdown.contains("](//") {
        return urls;
    }
    for event in Parser::new_ext(markdown, options()) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            let url = dest_url.to_string();
            if (is_remote(&url) || has_scheme(&url)) && !urls.contains(&url) {
                urls.push(url);
            }
        }
    }
    urls
}

/// The text with the address of a picture replaced (every picture written with it; links and
/// code are left as they are).
pub fn replace_image_url(markdown: &str, from: &str, to: &str) -> String {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if dest_url.as_ref() == from {
                // The address is in the source after the alt text: its last occurrence there.
                if let Some(at) = markdown[range.clone()].rfind(from) {
                    spans.push(range.start + at..range.start + at + from.len());
                }
            }
        }
    }
    let mut out = markdown.to_string();
    for span in spans.into_iter().rev() {
        out.replace_range(span, to);
    }
    out
}

/// The HTML of one embedded piece of media (escaped; the sanitizer still reads it).
fn embed_html(e: &Embed, alt: &str) -> String {
    let esc = crate::web::escape_html;
    match e.kind {
        EmbedKind::Image => {
            let srcset = e.srcset.iter().map(|(url, w)| format!("{} {w}w", esc(url))).collect::<Vec<_>>().join(", ");
            // Never wider than the picture itself (a small one is not stretched to the column).
            let srcset = if e.srcset.len() > 1 {
                let w = e.width;
                format!(r#" srcset="{srcset}" sizes="(max-width: 48rem) min(100vw, {w}px), min(48rem, {w}px)""#)
            } else {
                String::new()
            };
            format!(
                r#"<img class="media" src="{}"{srcset} width="{}" height="{}" alt="{}" loading="lazy" decoding="async">"#,
                esc(&e.src),
                e.width,
                e.height,
                esc(alt)
            )
        }
        EmbedKind::Audio | EmbedKind::Video => {
            let tag = if e.kind == EmbedKind::Audio { "audio" } else { "video" };
            let poster = e.poster.as_deref().map(|p| format!(r#" poster="{}""#, esc(p))).unwrap_or_default();
            let size = if e.kind == EmbedKind::Video && e.width > 0 {
                format!(r#" width="{}" height="{}""#, e.width, e.height)
            } else {
                String::new()
            };
            format!(
                r#"<{tag} controls preload="metadata"{poster}{size} title="{}"><source src="{}" type="{}"><a href="{}">{}</a></{tag}>"#,
                esc(alt),
                esc(&e.src),
                esc(&e.mime),
                esc(&e.src),
                esc(if alt.is_empty() { &e.src } else { alt })
            )
        }
    }
}

/// Render Markdown with the site's media shown as themselves (sized pictures with their
/// renditions, players). Also returns the addresses of embedded pictures written without a
/// description (`![](/media/12)`), which forms refuse.
pub fn render_with(markdown: &str, embeds: &Embeds) -> (SafeHtml, Vec<String>) {
    if nesting_depth(markdown) > MAX_DEPTH {
        return (SafeHtml(format!("<pre>{}</pre>", crate::web::escape_html(markdown))), Vec::new());
    }
    let mut missing_alt = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    // Inside an embedded image: its embed, address and the alt text gathered so far.
    let mut open: Option<(&Embed, String, String)> = None;
    // Inside a picture from another site, shown as a link to it.
    let mut outside_image = false;
    for event in Parser::new_ext(markdown, options()) {
        match (event, open.as_mut()) {
            (Event::Start(Tag::Image { dest_url, .. }), None)
                if media_id_of(&dest_url).and_then(|id| embeds.get(&id)).is_some() =>
            {
                let embed = media_id_of(&dest_url).and_then(|id| embeds.get(&id));
                if let Some(embed) = embed {
                    open = Some((embed, dest_url.to_string(), String::new()));
                }
            }
            (Event::End(TagEnd::Image), Some(_)) => {
                if let Some((embed, url, alt)) = open.take() {
                    let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
                    if alt.is_empty() && embed.kind == EmbedKind::Image {
                        missing_alt.push(url);
                    }
                    events.push(Event::InlineHtml(embed_html(embed, &alt).into()));
                }
            }
            // A picture from another site, or a file of the library this text may not show
            // (someone else's, or deleted): a link to it, its description the link's text.
            (Event::Start(Tag::Image { dest_url, title, id, .. }), None)
                if is_remote(&dest_url) || has_scheme(&dest_url) || media_id_of(&dest_url).is_some() =>
            {
                events.push(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url,
                    title,
                    id,
                }));
                outside_image = true;
            }
            (Event::End(TagEnd::Image), None) if outside_image => {
                outside_image = false;
                events.push(Event::End(TagEnd::Link));
            }
            // A task list's box as a character, not a form control: a disabled checkbox has no
            // label a screen reader could give (axe: "Form elements must have labels"), a ballot
            // box is read as what it is.
            (Event::TaskListMarker(done), None) => events.push(Event::InlineHtml(
                if done {
                    "<span class=\"task-box\">\u{2611}</span> "
                } else {
                    "<span class=\"task-box\">\u{2610}</span> "
                }
                .into(),
            )),
            (Event::Text(t) | Event::Code(t), Some((_, _, alt))) => alt.push_str(&t),
            (Event::SoftBreak | Event::HardBreak, Some((_, _, alt))) => alt.push(' '),
            (_, Some(_)) => {}
            (event, None) => events.push(event),
        }
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    // pulldown-cmark aligns table cells with inline styles, which the Content-Security-Policy
    // blocks; classes do the same job.
    let raw = raw
        .replace(r#" style="text-align: left""#, r#" class="align-left""#)
        .replace(r#" style="text-align: center""#, r#" class="align-center""#)
        .replace(r#" style="text-align: right""#, r#" class="align-right""#);
    (sanitize(&raw), missing_alt)
}

/// Renders at once: at most one per core, so a burst of large previews cannot take every thread.
static RENDERS: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)));

/// How long a request waits for its rendering (including its turn) before it is refused.
pub const RENDER_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// Render on the blocking pool, a bounded number at a time and within `RENDER_BUDGET`, so the
/// request workers keep answering other people meanwhile. `Err` is a catalog key for the form.
pub async fn render_bounded(markdown: String, embeds: Embeds) -> Result<(SafeHtml, Vec<String>), &'static str> {
    check_nesting(&markdown)?;
    let work = async {
        let permit = RENDERS.acquire().await.map_err(|_| "err-body-slow")?;
        let html = tokio::task::spawn_blocking(move || {
            let html = render_with(&markdown, &embeds);
            drop(permit);
            html
        })
        .await
        .map_err(|_| "err-body-slow")?;
        Ok(html)
    };
    tokio::time::timeout(RENDER_BUDGET, work).await.unwrap_or(Err("err-body-slow"))
}

/// Sanitize HTML from any source with the one policy.
pub fn sanitize(raw: &str) -> SafeHtml {
    SafeHtml(SANITIZER.clean(raw).to_string())
}

/// What the site's own short texts (its footer) may hold: paragraphs and lists, emphasis, code
/// and links; the links are the company's, so they are followed (no `nofollow ugc`).
static SITE_TEXT: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags(["p", "br", "a", "strong", "em", "code", "ul", "ol", "li", "del"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some("noopener"));
    b
});

/// A short text of the site's own (the footer) from Markdown: headings, tables, pictures and
/// raw HTML become plain text.
pub fn render_site_text(markdown: &str) -> SafeHtml {
    let mut raw = String::new();
    html::push_html(&mut raw, Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH));
    SafeHtml(SITE_TEXT.clean(&raw).to_string())
}

/// The text of a Markdown document without markup (for excerpts, descriptions, feeds' summaries and
/// search). Blocks stay apart: paragraphs, headings, list items and table cells are separated by a
/// space and a table's rows by " · ", so "| Plan | Price |" never reads "PlanPrice"; a heading
/// ends with a colon unless it has its own punctuation ("What changed: They moved…").
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_footnote = false;
    // Where the last heading's colon was put (start, end), to take it back at the very end.
    let mut colon: Option<(usize, usize)> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => in_footnote = true,
            Event::End(TagEnd::FootnoteDefinition) => in_footnote = false,
            _ if in_footnote => {}
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => out.push_str(" · "),
            Event::End(TagEnd::Table) => {
                let kept = out.trim_end().trim_end_matches('·').len();
                out.truncate(kept);
                out.push(' ');
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::End(TagEnd::Heading(_)) => {
                let end = out.trim_end().len();
                if let Some(c) = out[..end].chars().last()
                    && c.is_alphanumeric()
                {
                    out.truncate(end);
                    out.push_str(if super::is_cjk(c) { "：" } else { ":" });
                    colon = Some((end, out.len()));
                }
                out.push(' ');
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::CodeBlock(_)
                | Tag::TableCell
                | Tag::BlockQuote(_),
            )
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => out.push(' '),
            _ => {}
        }
    }
    // A heading with nothing after it ends the text as it was written.
    if let Some((start, end)) = colon
        && out.trim_end().len() == end
    {
        out.truncate(start);
    }
    // (No space after a full-width colon: "交接清单：今天完成了什么".)
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace("： ", "：")
}

/// A letter or digit of a script that separates words with spaces (a cut inside a run of them
/// would split a word; Chinese is cut between any two characters).
fn in_word(c: char) -> bool {
    c.is_alphanumeric() && !super::is_cjk(c)
}

/// A short excerpt of plain text: at most `max` characters, cut at a word boundary for
/// space-separated scripts (Chinese text is cut between characters), with an ellipsis.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    // At most `max` characters, and never inside what reads as one character (an emoji family
    // joined by ZWJ, a flag, a letter with combining accents).
    use unicode_segmentation::UnicodeSegmentation;
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let end = text.grapheme_indices(true).map(|(i, _)| i).take_while(|&i| i <= end).last().unwrap_or(0);
    let cut = text[..end].to_string();
    let last = cut.chars().last().unwrap_or(' ');
    let next = text[end..].chars().next().unwrap_or(' ');
    let cut = if in_word(last) && in_word(next) {
        // Back to where the word began: a space, or a Chinese character right before it.
        let start = cut
            .char_indices()
            .rev()
            .find(|&(_, c)| !in_word(c))
            .map(|(i, c)| if c.is_whitespace() { i } else { i + c.len_utf8() });
        match start {
            Some(i) if cut[..i].chars().count() > max / 2 => cut[..i].to_string(),
            _ => cut,
        }
    } else {
        cut
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_whitespace() || ",.;:·-–—，。；：、".contains(c)))
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
    fn deep_nesting_is_measured_and_never_sanitized() {
        assert!(nesting_depth("> quote\n\n- item\n  - nested\n\n<div><p>x</p></div>") < 10);
        for deep in [
            ">".repeat(20_000),
            format!("{}x", "- ".repeat(20_000)),
            format!("{}x", "* ".repeat(20_000)),
            "<div>".repeat(20_000),
            format!("{}x{}", "<span>".repeat(5_000), "</span>".repeat(5_000)),
            (0..300).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>(),
        ] {
            assert!(nesting_depth(&deep) > MAX_DEPTH);
            assert_eq!(check_nesting(&deep), Err("err-body-nested"));
            assert!(render(&deep).as_str().starts_with("<pre>"));
        }
        // Void and self-closing tags do not nest.
        assert!(nesting_depth(&"<br><img src=x><hr/>".repeat(1000)) < 5);
    }

    #[test]
    fn github_flavoured_features() {
        let html = render(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~\n\nText[^1]\n\n[^1]: Note.\n\n```rust\nfn main() {}\n```",
        );
        let h = html.as_str();
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains(r#"<th class="align-center">"#), "{h}");
        assert!(!h.contains("style="), "{h}");
        assert!(
            h.contains("<li><span class=\"task-box\">\u{2611}</span> done</li>")
                && h.contains("<li><span class=\"task-box\">\u{2610}</span> todo</li>"),
            "{h}"
        );
        assert!(!h.contains("<input"), "{h}");
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
    fn pictures_from_elsewhere_become_links() {
        let h = render("![A chart](https://tracker.example/p.png) and <img src=\"//cdn.example/x.gif\">").into_string();
        assert!(h.contains(r#"<a href="https://tracker.example/p.png""#) && h.contains(">A chart</a>"), "{h}");
        assert!(!h.contains("<img src=\"http") && !h.contains("cdn.example"), "{h}");
        assert_eq!(
            remote_images("![a](https://x.example/1.png) ![b](/media/3) [c](https://x.example/2)"),
            vec!["https://x.example/1.png"]
        );
        assert_eq!(
            replace_image_url(
                "![a](https://x.example/1.png \"t\") `https://x.example/1.png`",
                "https://x.example/1.png",
                "/media/9"
            ),
            "![a](/media/9 \"t\") `https://x.example/1.png`"
        );
    }

    #[test]
    fn links_get_nofollow() {
        let h = render("[a](https://example.com)").into_string();
        assert!(h.contains("nofollow ugc"), "{h}");
    }

    #[test]
    fn the_sites_own_text_keeps_links_and_little_else() {
        let html = render_site_text(
            "# ACME\n\n1 Harbour St · [Terms](/terms) · [x](javascript:alert(1)) ![p](/media/1) <b onclick=x>b</b>",
        );
        let html = html.as_str();
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains(r#"<a href="/terms" rel="noopener">Terms</a>"#), "{html}");
        assert!(!html.contains("javascript") && !html.contains("<img") && !html.contains("onclick"), "{html}");
        assert!(html.contains("ACME") && html.contains("1 Harbour St"), "{html}");
    }

    #[test]
    fn excerpts() {
        assert_eq!(plain_text("# Title\n\nSome *bold* `code`."), "Title: Some bold code.");
        assert_eq!(plain_text("## What changed?\n\nA fix.\n\n## The end"), "What changed? A fix. The end");
        assert_eq!(excerpt("hello world again", 13), "hello world…");
        assert_eq!(excerpt("企业员工博客为消费者提供技术支持", 6), "企业员工博客…");
        assert_eq!(excerpt("short", 10), "short");
    }

    #[test]
    fn plain_text_keeps_blocks_apart() {
        let table = "Intro\n\n| Plan | Storage | Price |\n|---|---|---|\n| Team | 1 TB | $8 |\n| Business | 5 TB | $15 |\n\nAfter";
        assert_eq!(plain_text(table), "Intro Plan Storage Price · Team 1 TB $8 · Business 5 TB $15 After");
        assert_eq!(plain_text("- one\n- two\n\n> quoted\n\n---\n\n```\ncode\n```"), "one two quoted code");
        assert_eq!(plain_text("# 标题\n\n正文第一段"), "标题：正文第一段");
        assert_eq!(plain_text("- [x] done\n- [ ] open"), "☑ done ☐ open");
    }

    #[test]
    fn excerpts_cut_between_words() {
        // Accented words are words too: never "Zürich's caf…".
        assert_eq!(excerpt("Meet us in Zürich café tomorrow", 17), "Meet us in Zürich…");
        assert_eq!(excerpt("Straße Straße Straße", 16), "Straße Straße…");
        // A Latin word run into Chinese text is cut where it begins.
        assert_eq!(excerpt("我们的支持Plaza服务", 7), "我们的支持…");
        // Chinese is cut between characters; trailing punctuation goes before the ellipsis.
        assert_eq!(excerpt("我们很高兴，今天发布新版本", 6), "我们很高兴…");
        // An emoji family (five code points) or a flag is kept whole or left out.
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(excerpt(&format!("ok {family}{family} done"), 6), "ok…");
        assert_eq!(excerpt(&format!("{family}{family}{family} x"), 7), format!("{family}…"));
        assert_eq!(excerpt("🇨🇳🇨🇳🇨🇳 flags", 3), "🇨🇳…");
        assert_eq!(excerpt("Cafe\u{301}s cafe\u{301}s", 4), "Caf…");
        assert_eq!(excerpt("Plan Storage · Team 1 TB", 14), "Plan Storage…");
    }
}
