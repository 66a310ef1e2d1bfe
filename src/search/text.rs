//! Words: Chinese segmentation (jieba) for the index and for queries, the query language
//! (words, "phrases", -exclusions), and highlighted snippets. Shared by every backend, so a
//! query means the same thing whichever engine answers it.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};

/// Loaded once per process (~95 ms, ~34 MB), on first use.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);
static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The longest query we read; longer input is cut here (and the page says so).
pub const QUERY_MAX_CHARS: usize = 200;
/// At most this many words, phrases and exclusions count.
pub const QUERY_MAX_PARTS: usize = 12;

/// Han ideographs (the CJK blocks Chinese text uses).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2a6df}')
}

/// Split text into runs of Chinese and of everything else.
fn runs(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let cjk = is_cjk(first);
        let end = rest.char_indices().find(|&(_, c)| is_cjk(c) != cjk).map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some((cjk, run))
    })
}

/// Text as the index stores it: Chinese runs become space-separated words, with the
/// finer words inside longer ones too (技术支持 → 技术 支持 技术支持), so a two-character word
/// finds the longer words it is part of. Other text is left for the tokenizer.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for (cjk, run) in runs(text) {
        if cjk {
            for token in JIEBA.cut_for_search(run, true) {
                out.push(' ');
                out.push_str(token.word);
            }
            out.push(' ');
        } else {
            out.push_str(run);
        }
    }
    out
}

/// The words of a query's Chinese runs, cut the ordinary way (技术支持 stays one word; the
/// index holds it whole as well as in parts). Other text comes back as it was.
fn query_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (cjk, run) in runs(text) {
        if cjk {
            out.extend(JIEBA.cut(run, true).into_iter().map(|t| t.word.to_string()));
        } else {
            out.extend(run.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string));
        }
    }
    out
}

/// Text cut into the pieces a reader sees as words, keeping every character: Chinese runs by
/// jieba, other text into runs of letters and digits, runs of spaces, and single other
/// characters. The pieces joined give the text back. Diffs and merges compare these.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / 3);
    for (cjk, run) in runs(text) {
        if cjk {
            out.extend(JIEBA.cut(run, true).into_iter().map(|t| t.word));
            continue;
        }
        let mut rest = run;
        while let Some(first) = rest.chars().next() {
            let class = |c: char| {
                if c.is_alphanumeric() {
                    0
                } else if c.is_whitespace() && c != '\n' {
                    1
                } else {
                    2
                }
            };
            let kind = class(first);
            let end = if kind == 2 {
                first.len_utf8()
            } else {
                rest.char_indices().find(|&(_, c)| class(c) != kind).map_or(rest.len(), |(i, _)| i)
            };
            let (token, tail) = rest.split_at(end);
            out.push(token);
            rest = tail;
        }
    }
    out
}

/// One part of a query: the words it stands for (already segmented and cleaned of any
/// operator characters) and whether they must appear side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub words: Vec<String>,
    /// A quoted phrase of non-Chinese words: matched as adjacent words. A Chinese phrase is
    /// matched as all of its words (jieba's index positions are not a reliable sequence).
    pub phrase: bool,
}

/// A parsed query. Every word is plain letters and digits: nothing a user types can reach an
/// engine as an operator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub include: Vec<Part>,
    pub exclude: Vec<Part>,
    /// The input was longer than `QUERY_MAX_CHARS` or had too many parts, and was cut.
    pub truncated: bool,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let mut truncated = input.chars().count() > QUERY_MAX_CHARS;
        let input: String = input.chars().take(QUERY_MAX_CHARS).collect();
        let mut query = Query::default();
        let mut chars = input.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let negate = c == '-';
            if negate {
                chars.next();
            }
            let (raw, quoted) = if chars.peek() == Some(&'"') {
                chars.next();
                (chars.by_ref().take_while(|&c| c != '"').collect::<String>(), true)
            } else {
                (chars.by_ref().take_while(|c| !c.is_whitespace()).collect::<String>(), false)
            };
            let words = query_words(&raw);
            if words.is_empty() {
                continue;
            }
            if query.include.len() + query.exclude.len() >= QUERY_MAX_PARTS {
                truncated = true;
                break;
            }
            let has_cjk = raw.chars().any(is_cjk);
            // "actix-web" or "v1.2" is one thing typed: its pieces stay together, like a phrase.
            let phrase = words.len() > 1 && !has_cjk;
            let part = Part { words, phrase: phrase || (quoted && !has_cjk) };
            if negate { query.exclude.push(part) } else { query.include.push(part) }
        }
        query.truncated = truncated;
        query
    }

    /// Nothing to look for (empty, only punctuation, or only exclusions).
    pub fn is_empty(&self) -> bool {
        self.include.is_empty()
    }

    /// The words to highlight in results.
    pub fn highlight_words(&self) -> Vec<&str> {
        self.include.iter().flat_map(|p| p.words.iter().map(String::as_str)).collect()
    }

    /// The query written back in its canonical form (for engines that parse their own syntax).
    pub fn to_plain(&self) -> String {
        self.written(&|w| w.to_string())
    }

    /// The query with its English words stemmed (`syncing` → `sync`), for an engine that
    /// searches text indexed by `stemmed` (Meilisearch does not stem: the same forms match as
    /// on the database indexes, which stem English).
    pub fn to_stemmed(&self) -> String {
        self.written(&|w| if w.chars().any(is_cjk) { w.to_string() } else { stem(w) })
    }

    fn written(&self, word: &dyn Fn(&str) -> String) -> String {
        let part = |p: &Part| {
            let words: Vec<String> = p.words.iter().map(|w| word(w)).collect();
            if p.phrase { format!("\"{}\"", words.join(" ")) } else { words.join(" ") }
        };
        let mut out: Vec<String> = self.include.iter().map(part).collect();
        out.extend(self.exclude.iter().map(|p| format!("-{}", part(p))));
        out.join(" ")
    }
}

/// A piece of a snippet: text, and whether it is a match to highlight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub mark: bool,
}

fn stem(word: &str) -> String {
    STEMMER.stem(&word.to_lowercase()).into_owned()
}

/// Byte ranges of the non-Chinese words in `text` (runs of letters and digits).
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let word_char = c.is_alphanumeric() && !is_cjk(c);
        match (start, word_char) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Text with every English word replaced by its stem (`Synced folders` → `sync folder`);
/// Chinese and other text is kept as it is.
pub fn stemmed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in word_ranges(text) {
        out.push_str(&text[at..s]);
        out.push_str(&stem(&text[s..e]));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// Byte ranges in `text` where the query's words occur: English words by stem ("installing"
/// for "install"), Chinese words as substrings.
fn match_ranges(text: &str, words: &[&str]) -> Vec<(usize, usize)> {
    let stems: Vec<String> = words.iter().filter(|w| !w.chars().any(is_cjk)).map(|w| stem(w)).collect();
    let mut ranges = Vec::new();
    for w in words.iter().filter(|w| w.chars().any(is_cjk)) {
        ranges.extend(text.match_indices(*w).map(|(i, m)| (i, i + m.len())));
    }
    if !stems.is_empty() {
        ranges.extend(word_ranges(text).into_iter().filter(|&(s, e)| stems.contains(&stem(&text[s..e]))));
    }
    ranges.sort_unstable();
    // Overlaps (a Chinese word inside another) merge into one highlight.
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Split `text` into fragments with the query's words marked.
pub fn highlight(text: &str, words: &[&str]) -> Vec<Fragment> {
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in match_ranges(text, words) {
        if s > at {
            out.push(Fragment { text: text[at..s].to_string(), mark: false });
        }
        out.push(Fragment { text: text[s..e].to_string(), mark: true });
        at = e;
    }
    if at < text.len() {
        out.push(Fragment { text: text[at..].to_string(), mark: false });
    }
    out
}

/// About `width` characters of `text` around the first match, with the matches marked and
/// "…" where the text was cut. Without a match (the title matched), the opening.
pub fn snippet(text: &str, words: &[&str], width: usize) -> Vec<Fragment> {
    let text = text.trim();
    let first = match_ranges(text, words).first().map_or(0, |r| r.0);
    // Start a little before the match, on a character boundary, at a word break if one is near.
    let lead = width / 4;
    let before: Vec<(usize, char)> = text[..first].char_indices().collect();
    let mut start = before.len().checked_sub(lead).map_or(0, |k| before[k].0);
    if start > 0 {
        if let Some(space) = text[start..first].find(char::is_whitespace) {
            start += space + 1;
        }
    }
    let end = text[start..].char_indices().nth(width).map_or(text.len(), |(i, _)| start + i);
    let mut out = highlight(&text[start..end], words);
    if start > 0 {
        out.insert(0, Fragment { text: "… ".into(), mark: false });
    }
    if end < text.len() {
        out.push(Fragment { text: " …".into(), mark: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_every_character_and_cut_chinese_into_words() {
        let text = "Plaza 3.0 — 我们的技术支持团队\n  works!";
        let t = tokens(text);
        assert_eq!(t.concat(), text);
        assert!(t.contains(&"Plaza") && t.contains(&"3") && t.contains(&"\n") && t.contains(&"  "), "{t:?}");
        assert!(t.contains(&"我们") && t.contains(&"团队"), "{t:?}");
    }

    #[test]
    fn chinese_is_indexed_as_words_and_their_parts() {
        let t = index_text("为消费者提供技术支持");
        for w in ["消费者", "技术", "支持", "技术支持"] {
            assert!(t.split_whitespace().any(|x| x == w), "{w} missing from {t}");
        }
        assert_eq!(index_text("Rust actix-web"), "Rust actix-web");
    }

    #[test]
    fn queries_keep_words_and_drop_operators() {
        let q = Query::parse(r#"install "quick start" -beta 技术支持 NEAR( a:b *"#);
        assert_eq!(q.include[0].words, ["install"]);
        assert!(q.include[1].phrase);
        assert_eq!(q.include[1].words, ["quick", "start"]);
        assert_eq!(q.exclude[0].words, ["beta"]);
        assert_eq!(q.include[2].words, ["技术支持"]);
        assert_eq!(q.include[3].words, ["NEAR"]);
        assert_eq!(q.include[4].words, ["a", "b"]);
        assert_eq!(q.include.len(), 5, "a lone * is no word");
        assert!(Query::parse("?!* \"\" -").is_empty());
        assert!(Query::parse("-only").is_empty());
        let long = "word ".repeat(3000);
        let q = Query::parse(&long);
        assert!(q.truncated);
        assert_eq!(q.include.len(), QUERY_MAX_PARTS);
        assert_eq!(Query::parse("\"unterminated phrase").include[0].words, ["unterminated", "phrase"]);
    }

    #[test]
    fn stemmed_text_and_queries_meet() {
        assert_eq!(stemmed("Synced folders, 技术支持!"), "sync folder, 技术支持!");
        assert_eq!(
            Query::parse("syncing \"release notes\" -betas 技术").to_stemmed(),
            "sync \"releas note\" 技术 -beta"
        );
    }

    #[test]
    fn snippets_mark_stems_and_chinese_words() {
        let s = snippet("We are installing Plaza today", &["install"], 100);
        assert!(s.iter().any(|f| f.mark && f.text == "installing"));
        let s = snippet("我们为消费者提供技术支持。", &["技术支持"], 100);
        assert!(s.iter().any(|f| f.mark && f.text == "技术支持"));
        let long = format!("{} needle {}", "hay ".repeat(200), "hay ".repeat(200));
        let s = snippet(&long, &["needle"], 80);
        assert_eq!(s.first().map(|f| f.text.as_str()), Some("… "));
        assert!(s.iter().any(|f| f.mark && f.text == "needle"));
        assert_eq!(s.last().map(|f| f.text.as_str()), Some(" …"));
    }
}
