//! A published issue as one EPUB 3 book for offline reading (built with `epub-builder`): a cover
//! page with the theme and the editor's note, a table of contents, then each article in the
//! issue's order with its writers. Pictures travel inside the book (the same files the pages
//! show, readable by the same rule); sound and video stay online, linked by their address.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};
use regex::{Captures, Regex};

use super::pages::readable_issue;
use super::queries as q;
use super::{Article, Issue};
use crate::content::feeds::absolutize;
use crate::content::listing;
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::cache::keep;
use crate::web::{AppState, Ctx, escape_html};

/// Pictures put in one book at most (the rest stay links to the site).
const PICTURES_MAX: usize = 300;

const STYLESHEET: &str = "body { font-family: serif; line-height: 1.5; margin: 0 1em; }
h1 { font-size: 1.6em; line-height: 1.2; }
.byline, .theme { color: #555; font-style: italic; }
img { max-width: 100%; height: auto; }
figure { margin: 1em 0; }
blockquote { margin-left: 1em; padding-left: .8em; border-left: 3px solid #ccc; }
pre { white-space: pre-wrap; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .4em; }";

/// The patterns that make rendered HTML into the book's XHTML (constant, so they compile: a
/// unit test proves it; `None` would only leave a book without its chapters' markup fixed).
struct Patterns {
    src: Regex,
    dropped: Regex,
    players: Regex,
    void: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    Some(Patterns {
        src: Regex::new(r#"\bsrc="/media/([0-9]+)(?:/([A-Za-z0-9_.-]+))?""#).ok()?,
        dropped: Regex::new(r#"\s(?:srcset|sizes|loading|decoding)="[^"]*""#).ok()?,
        players: Regex::new(r#"(?s)<(video|audio)\b[^>]*?\bsrc="([^"]*)"[^>]*>.*?</(?:video|audio)>"#).ok()?,
        void: Regex::new(r#"<(area|br|col|embed|hr|img|input|source|track|wbr)\b((?:[^>"]|"[^"]*")*?)\s*/?>"#).ok()?,
    })
});

/// A picture the book carries: the media item and which of its files.
type Picture = (i64, Option<String>);

fn picture_path(p: &Picture) -> String {
    format!("images/{}-{}", p.0, p.1.as_deref().unwrap_or("default"))
}

/// Rendered HTML made into XHTML for the book: pictures pointed at their copies in it, sound and
/// video at their address on the site, other site links absolute, void elements closed.
fn xhtml(html: &str, base: &str, pictures: &mut Vec<Picture>, listen: &str) -> String {
    let Some(p) = PATTERNS.as_ref() else {
        return format!("<pre>{}</pre>", escape_html(html));
    };
    let html = p.dropped.replace_all(html, "");
    let html = p.players.replace_all(&html, |c: &Captures| {
        let src = &c[2];
        let url = if src.starts_with('/') { format!("{base}{src}") } else { src.to_string() };
        format!(r#"<p><a href="{url}">{}</a></p>"#, escape_html(listen))
    });
    let html = p.src.replace_all(&html, |c: &Captures| {
        let picture: Picture = (c[1].parse().unwrap_or(0), c.get(2).map(|m| m.as_str().to_string()));
        if !pictures.contains(&picture) && pictures.len() >= PICTURES_MAX {
            return format!(r#"src="{base}{}""#, &c[0][5..c[0].len() - 1]);
        }
        if !pictures.contains(&picture) {
            pictures.push(picture.clone());
        }
        format!(r#"src="{}""#, picture_path(&picture))
    });
    let html = absolutize(&html, base);
    let html = p.void.replace_all(&html, "<$1$2 />");
    html.replace("&nbsp;", "&#160;")
}

fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head><meta charset="UTF-8" /><title>{}</title><link rel="stylesheet" type="text/css" href="stylesheet.css" /></head>
<body>
{body}
</body>
</html>
"#,
        escape_html(title)
    )
}

/// The language a text is written in, as far as a book needs to know (Chinese or not).
fn language_of(text: &str, fallback: &'static str) -> &'static str {
    let cjk = text.chars().filter(|c| crate::search::text::is_cjk(*c)).count();
    if cjk * 4 > text.chars().filter(|c| c.is_alphanumeric()).count().max(1) {
        "zh"
    } else if text.chars().any(char::is_alphabetic) {
        "en"
    } else {
        fallback
    }
}

struct Book {
    issue: Issue,
    title: String,
    articles: Vec<(Article, String)>,
    note: String,
    cover: Option<(Vec<u8>, String)>,
    pictures: Vec<(String, Vec<u8>, String)>,
    lang: &'static str,
    contents_label: String,
    site: String,
    base: String,
}

fn build(book: Book) -> Result<Vec<u8>, epub_builder::Error> {
    let mut epub = EpubBuilder::new(ZipLibrary::new()?)?;
    epub.epub_version(EpubVersion::V30);
    epub.set_title(book.title.clone());
    epub.add_author(book.site.clone());
    epub.set_languages(vec![book.lang.to_string()]);
    epub.set_toc_name(book.contents_label.clone());
    epub.set_generator("Plaza");
    if !book.issue.theme.is_empty() {
        epub.add_description(book.issue.theme.clone());
    }
    let id = format!("{}{}", book.base, book.issue.path());
    epub.set_uuid(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, id.as_bytes()));
    if let Some(at) = book.issue.published_at {
        epub.set_publication_date(at.and_utc());
    }
    epub.stylesheet(STYLESHEET.as_bytes())?;
    if let Some((bytes, mime)) = &book.cover {
        let ext = mime.rsplit('/').next().unwrap_or("img");
        epub.add_cover_image(format!("images/cover.{ext}"), bytes.as_slice(), mime.as_str())?;
    }
    for (path, bytes, mime) in &book.pictures {
        epub.add_resource(path, bytes.as_slice(), mime.as_str())?;
    }
    let mut cover = format!("<h1>{}</h1>", escape_html(&book.title));
    if let Some((_, mime)) = &book.cover {
        let ext = mime.rsplit('/').next().unwrap_or("img");
        cover = format!(r#"<p><img src="images/cover.{ext}" alt="" /></p>{cover}"#);
    }
    if !book.issue.theme.is_empty() {
        cover.push_str(&format!(r#"<p class="theme">{}</p>"#, escape_html(&book.issue.theme)));
    }
    cover.push_str(&book.note);
    epub.add_content(
        EpubContent::new("cover.xhtml", page(book.lang, &book.title, &cover).as_bytes())
            .title(book.title.clone())
            .reftype(ReferenceType::Cover),
    )?;
    epub.inline_toc();
    for (i, (article, body)) in book.articles.iter().enumerate() {
        let lang = language_of(&format!("{} {}", article.title, article.excerpt), book.lang);
        epub.add_content(
            EpubContent::new(format!("article-{}.xhtml", i + 1), page(lang, &article.title, body).as_bytes())
                .title(article.title.clone())
                .reftype(ReferenceType::Text),
        )?;
    }
    let mut out = Vec::new();
    epub.generate(&mut out)?;
    Ok(out)
}

/// `GET /magazine/{number}/epub`: the published issue as a book.
pub async fn download(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let view = readable_issue(&ctx, &state, &path).await?;
    if !view.issue.live {
        return Err(AppError::NotFound);
    }
    let issue = view.issue;
    let articles: Vec<Article> = view.toc.iter().flat_map(|s| s.articles.iter().cloned()).collect();
    let updated = articles.iter().map(|a| a.updated_at).chain(issue.published_at).max().unwrap_or_default();
    let etag = format!("\"epub-{}-{}\"", issue.id, updated.and_utc().timestamp());
    let public = ctx.user.is_none();
    let cache = if public { "public, max-age=3600" } else { "private, max-age=3600" };
    let fresh = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag);
    let mut keys = vec![listing::content_key(issue.id)];
    keys.extend(articles.iter().map(|a| listing::content_key(a.id)));
    if fresh {
        let res = HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
        return Ok(keep(res, keys));
    }
    let (base, lang) = (ctx.base_url.clone(), ctx.lang);
    let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
    let writers = crate::db::run(&state.pool, move |conn| Ok(q::writers_of(conn, &ids)?)).await?;
    let mut wanted: Vec<Picture> = Vec::new();
    let listen = ctx.t("magazine-epub-online");
    let mut chapters = Vec::with_capacity(articles.len());
    for article in articles {
        let names: Vec<String> =
            writers.get(&article.id).map(|w| w.iter().map(|a| a.name().to_string()).collect()).unwrap_or_default();
        let mut body = format!("<h1>{}</h1>", escape_html(&article.title));
        if !names.is_empty() {
            body.push_str(&format!(
                r#"<p class="byline">{} {}</p>"#,
                escape_html(&ctx.t("magazine-by")),
                escape_html(&names.join(", "))
            ));
        }
        body.push_str(&xhtml(&article.body_html, &base, &mut wanted, &listen));
        body.push_str(&format!(
            r#"<p class="byline"><a href="{base}{}">{}</a></p>"#,
            escape_html(&article.path()),
            escape_html(&ctx.t("magazine-epub-read-online"))
        ));
        chapters.push((article, body));
    }
    let note = xhtml(&issue.note_html, &base, &mut wanted, &listen);
    // The pictures' files, each as the site would serve it to this reader (or left out).
    let (viewer, cover_id, asked) = (ctx.viewer(), issue.cover_media_id, wanted.clone());
    let keys_of = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let mut out: HashMap<String, (String, String)> = HashMap::new();
        let mut look = |p: &Picture, path: String| -> diesel::QueryResult<()> {
            if let Some(m) = crate::media::handlers::readable(conn, &guard, p.0)? {
                if let Some(r) = crate::media::handlers::pick(&m.renditions, p.1.as_deref()) {
                    if r.mime.starts_with("image/") {
                        out.insert(path, (r.object_key.clone(), r.mime.clone()));
                    }
                }
            }
            Ok(())
        };
        for p in &asked {
            look(p, picture_path(p))?;
        }
        if let Some(id) = cover_id {
            look(&(id, Some("large".into())), "cover".into())?;
        }
        Ok(out)
    })
    .await?;
    let mut pictures = Vec::new();
    let mut cover = None;
    for (path, (key, mime)) in keys_of {
        match state.media.store.read(&key).await {
            Ok(bytes) if path == "cover" => cover = Some((bytes, mime)),
            Ok(bytes) => pictures.push((path, bytes, mime)),
            Err(e) => tracing::warn!(error = %e, key, "a picture for a book could not be read"),
        }
    }
    // A picture that could not be put in the book stays a picture on the site.
    let carried: Vec<String> = pictures.iter().map(|p| p.0.clone()).collect();
    let online = |html: String| -> String {
        let mut html = html;
        for p in &wanted {
            let path = picture_path(p);
            if !carried.contains(&path) {
                let file = p.1.as_deref().map(|f| format!("/{f}")).unwrap_or_default();
                html = html.replace(&format!(r#"src="{path}""#), &format!(r#"src="{base}/media/{}{file}""#, p.0));
            }
        }
        html
    };
    let chapters: Vec<(Article, String)> = chapters.into_iter().map(|(a, b)| (a, online(b))).collect();
    // The book's language is its text's, whatever the reader's interface.
    let reader = if lang == crate::web::Lang::Zh { "zh" } else { "en" };
    let sample: String = chapters.iter().map(|(a, _)| format!("{} {} ", a.title, a.excerpt)).collect();
    let book_lang = language_of(&format!("{} {} {sample}", issue.title, issue.theme), reader);
    let note = online(note);
    let title = ctx.ta("magazine-issue-title", &[("number", issue.number.to_string()), ("title", issue.title.clone())]);
    let site_slug = crate::content::slug::slugify(&ctx.site_name);
    let file_name =
        format!("{}-magazine-{}.epub", if site_slug.is_ascii() { site_slug.as_str() } else { "plaza" }, issue.number);
    let book = Book {
        title,
        articles: chapters,
        note,
        cover,
        pictures,
        lang: book_lang,
        contents_label: ctx.t("magazine-contents"),
        site: ctx.site_name.clone(),
        base: ctx.base_url.clone(),
        issue,
    };
    let bytes = web::block(move || build(book)).await.map_err(AppError::internal)?.map_err(AppError::internal)?;
    let res = HttpResponse::Ok()
        .content_type("application/epub+zip")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes);
    Ok(keep(res, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_xhtml_with_pictures_inside() {
        assert!(PATTERNS.is_some(), "the patterns compile");
        let html = r#"<p>A&nbsp;b<br>c</p><p><img class="media" src="/media/2/w600.webp" srcset="/media/2/w320.webp 320w" sizes="100vw" width="600" alt="x > y" loading="lazy"></p><video class="media" controls src="/media/3/clip.mp4" poster="/media/3/poster.webp"></video><a href="/u/ann">Ann</a>"#;
        let mut pictures = Vec::new();
        let out = xhtml(html, "https://ex.test", &mut pictures, "Watch online");
        assert_eq!(
            out,
            r#"<p>A&#160;b<br />c</p><p><img class="media" src="images/2-w600.webp" width="600" alt="x > y" /></p><p><a href="https://ex.test/media/3/clip.mp4">Watch online</a></p><a href="https://ex.test/u/ann">Ann</a>"#
        );
        assert_eq!(pictures, vec![(2, Some("w600.webp".to_string()))]);
    }

    #[test]
    fn a_book_is_told_its_language() {
        assert_eq!(language_of("春天的照片 读者拍摄", "en"), "zh");
        assert_eq!(language_of("Garden robots", "zh"), "en");
        assert_eq!(language_of("2026", "zh"), "zh");
    }
}
