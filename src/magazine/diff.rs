//! What changed between two texts, word by word (Chinese cut into words by jieba, as search
//! does), for the diff and review pages; and three-way merges of two edits made from the same
//! revision, for edit conflicts and undo.
//!
//! Both work on lines first and on words only inside the lines that differ, so a long article
//! with a small change costs little, and a change in one paragraph never pairs words across
//! paragraphs.

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, MergeResolution, TextMerge, capture_diff_slices_deadline};

use crate::search::text::tokens;

/// Unchanged lines kept on each side of a change.
const CONTEXT: usize = 2;
/// A diff stops looking for the smallest difference after this long (it is still correct,
/// only coarser).
const DEADLINE: Duration = Duration::from_millis(300);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// A run of text and whether it was kept, added or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub change: Change,
    pub text: String,
}

impl Span {
    pub fn added(&self) -> bool {
        self.change == Change::Added
    }

    pub fn removed(&self) -> bool {
        self.change == Change::Removed
    }
}

/// A stretch of a diff: text (kept or changed), or unchanged lines left out (`gap`).
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// Removed and added text in reading order.
    pub inline: Vec<Span>,
    /// The old side (kept and removed text) and the new side (kept and added).
    pub old: Vec<Span>,
    pub new: Vec<Span>,
    pub changed: bool,
    /// This many unchanged lines, left out (the spans are then empty).
    pub gap: usize,
}

/// The differences between two texts.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    pub blocks: Vec<Block>,
    /// Words (a Chinese word counts as one) added and removed.
    pub added: usize,
    pub removed: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0 && !self.blocks.iter().any(|b| b.changed)
    }
}

fn deadline() -> Option<Instant> {
    Some(Instant::now() + DEADLINE)
}

fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

fn same(text: String) -> Span {
    Span { change: Change::Same, text }
}

/// Append to spans, joining a run to the one before when they are of the same kind.
fn push(spans: &mut Vec<Span>, change: Change, text: &str) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.change == change => last.text.push_str(text),
        _ => spans.push(Span { change, text: text.to_string() }),
    }
}

/// The word-level differences between two stretches of text.
fn words(old: &str, new: &str, diff: &mut Diff) -> Block {
    let (a, b) = (tokens(old), tokens(new));
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &a, &b, deadline());
    // (kept?, old token range, new token range); a lone space or mark between two changes is
    // taken into them, so "the quick brown" → "a slow red" reads as one change, not three.
    let mut pieces: Vec<(bool, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    for op in &ops {
        let (kept, ar, br) = match *op {
            DiffOp::Equal { old_index, new_index, len } => {
                (true, old_index..old_index + len, new_index..new_index + len)
            }
            DiffOp::Delete { old_index, old_len, new_index } => {
                (false, old_index..old_index + old_len, new_index..new_index)
            }
            DiffOp::Insert { old_index, new_index, new_len } => {
                (false, old_index..old_index, new_index..new_index + new_len)
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                (false, old_index..old_index + old_len, new_index..new_index + new_len)
            }
        };
        pieces.push((kept, ar, br));
    }
    for i in 1..pieces.len().saturating_sub(1) {
        let (kept, ref ar, _) = pieces[i];
        if kept && ar.len() == 1 && !is_word(a[ar.start]) && !pieces[i - 1].0 && !pieces[i + 1].0 {
            pieces[i].0 = false;
        }
    }
    let mut merged: Vec<(bool, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    for (kept, ar, br) in pieces {
        match merged.last_mut() {
            Some(last) if !last.0 && !kept => {
                last.1.end = ar.end;
                last.2.end = br.end;
            }
            _ => merged.push((kept, ar, br)),
        }
    }
    let (mut inline, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for (kept, ar, br) in merged {
        if kept {
            let text = a[ar].concat();
            push(&mut inline, Change::Same, &text);
            push(&mut left, Change::Same, &text);
            push(&mut right, Change::Same, &text);
            continue;
        }
        diff.removed += a[ar.clone()].iter().filter(|t| is_word(t)).count();
        diff.added += b[br.clone()].iter().filter(|t| is_word(t)).count();
        let (gone, came) = (a[ar].concat(), b[br].concat());
        push(&mut inline, Change::Removed, &gone);
        push(&mut inline, Change::Added, &came);
        push(&mut left, Change::Removed, &gone);
        push(&mut right, Change::Added, &came);
    }
    Block { inline, old: left, new: right, changed: true, gap: 0 }
}

fn kept(lines: &[&str]) -> Block {
    let text = lines.concat();
    Block {
        inline: vec![same(text.clone())],
        old: vec![same(text.clone())],
        new: vec![same(text)],
        changed: false,
        gap: 0,
    }
}

/// The differences between `old` and `new`, with unchanged stretches cut to a few lines of
/// context around each change.
pub fn diff(old: &str, new: &str) -> Diff {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &a, &b, deadline());
    let mut out = Diff::default();
    let last = ops.len().saturating_sub(1);
    for (i, op) in ops.iter().enumerate() {
        match *op {
            DiffOp::Equal { old_index, len, .. } => {
                let lines = &a[old_index..old_index + len];
                let head = if i == 0 { 0 } else { CONTEXT.min(len) };
                let tail = if i == last { 0 } else { CONTEXT.min(len - head) };
                if len <= head + tail + 1 {
                    out.blocks.push(kept(lines));
                    continue;
                }
                if head > 0 {
                    out.blocks.push(kept(&lines[..head]));
                }
                out.blocks.push(Block { gap: len - head - tail, ..Block::default() });
                if tail > 0 {
                    out.blocks.push(kept(&lines[len - tail..]));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                let block = words(&a[old_index..old_index + old_len].concat(), "", &mut out);
                out.blocks.push(block);
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                let block = words("", &b[new_index..new_index + new_len].concat(), &mut out);
                out.blocks.push(block);
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let block = words(
                    &a[old_index..old_index + old_len].concat(),
                    &b[new_index..new_index + new_len].concat(),
                    &mut out,
                );
                out.blocks.push(block);
            }
        }
    }
    out
}

/// A passage both edits changed, differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The passage as the other edit left it.
    pub theirs: String,
    /// The passage as this edit has it.
    pub ours: String,
}

/// Two edits of one text combined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// Both edits' changes; where they overlap, `ours`.
    pub text: String,
    pub conflicts: Vec<Conflict>,
}

/// Combine `ours` and `theirs`, two edits of `base`: changes to different lines are both kept;
/// where both changed the same lines, the words are merged if the changes do not touch the same
/// words, else it is a conflict (and `ours` is kept there).
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    let lines = TextMerge::from_lines(base, ours, theirs);
    let mut out = Merged { text: String::with_capacity(ours.len()), conflicts: Vec::new() };
    for region in lines.regions() {
        let ours_part = part(|i| lines.ours_line(i), region.ours_range());
        match region.resolution() {
            MergeResolution::Unchanged => out.text.push_str(&part(|i| lines.base_line(i), region.base_range())),
            MergeResolution::Theirs => out.text.push_str(&part(|i| lines.theirs_line(i), region.theirs_range())),
            MergeResolution::Conflict => {
                let base_part = part(|i| lines.base_line(i), region.base_range());
                let theirs_part = part(|i| lines.theirs_line(i), region.theirs_range());
                match merge_words(&base_part, &ours_part, &theirs_part) {
                    Some(text) => out.text.push_str(&text),
                    None => {
                        out.text.push_str(&ours_part);
                        out.conflicts.push(Conflict { theirs: theirs_part, ours: ours_part });
                    }
                }
            }
            // Ours, Both (the same change), and any kind added later: this edit's text.
            _ => out.text.push_str(&ours_part),
        }
    }
    out
}

fn part<'a>(get: impl Fn(usize) -> Option<&'a str>, range: std::ops::Range<usize>) -> String {
    range.filter_map(get).collect()
}

/// A word-level merge of three passages, or None where the edits touch the same words.
fn merge_words(base: &str, ours: &str, theirs: &str) -> Option<String> {
    // One word per line for the line merge; a line break (the only token holding one) becomes
    // NUL, which stored text never contains.
    let encode = |text: &str| -> String {
        tokens(text).into_iter().map(|t| if t == "\n" { "\0\n".to_string() } else { format!("{t}\n") }).collect()
    };
    let (b, o, t) = (encode(base), encode(ours), encode(theirs));
    let merged = TextMerge::from_lines(b.as_str(), o.as_str(), t.as_str());
    if merged.is_conflicted() {
        return None;
    }
    let text = merged.to_string();
    Some(text.split('\n').map(|t| if t == "\0" { "\n" } else { t }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(d: &Diff) -> String {
        let mut s = String::new();
        for b in &d.blocks {
            if b.gap > 0 {
                s.push_str(&format!("[…{}]", b.gap));
            }
            for span in &b.inline {
                match span.change {
                    Change::Same => s.push_str(&span.text),
                    Change::Added => s.push_str(&format!("{{+{}+}}", span.text)),
                    Change::Removed => s.push_str(&format!("[-{}-]", span.text)),
                }
            }
        }
        s
    }

    #[test]
    fn english_words_change_not_letters() {
        let d = diff("The quick brown fox jumps.\n", "The slow brown fox leaps.\n");
        assert_eq!(inline(&d), "The [-quick-]{+slow+} brown fox [-jumps-]{+leaps+}.\n");
        assert_eq!((d.added, d.removed), (2, 2));
    }

    #[test]
    fn chinese_is_cut_into_words() {
        let d = diff("我们的技术支持团队很好。\n", "我们的客户服务团队很好。\n");
        let text = inline(&d);
        assert!(text.contains("[-技术支持-]") || text.contains("[-技术-]"), "{text}");
        assert!(text.contains("{+客户服务+}") || text.contains("{+客户+}"), "{text}");
        assert!(text.starts_with("我们的") && text.ends_with("团队很好。\n"), "{text}");
    }

    #[test]
    fn long_unchanged_stretches_are_cut() {
        let old: String = (0..20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n");
        let d = diff(&old, &new);
        let text = inline(&d);
        assert!(text.starts_with("[…8]line 8\nline 9\nline [-10-]{+ten+}\nline 11\nline 12\n[…7]"), "{text}");
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn edits_to_different_paragraphs_merge() {
        let base = "One.\n\nTwo.\n\nThree.\n";
        let m = merge(base, "One!\n\nTwo.\n\nThree.\n", "One.\n\nTwo.\n\nThree!\n");
        assert_eq!(m.text, "One!\n\nTwo.\n\nThree!\n");
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn edits_to_different_words_of_one_line_merge() {
        let base = "我们的技术支持团队 answers every question quickly.\n";
        let m = merge(
            base,
            "我们的客户服务团队 answers every question quickly.\n",
            "我们的技术支持团队 answers every question politely.\n",
        );
        assert_eq!(m.text, "我们的客户服务团队 answers every question politely.\n");
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn edits_to_the_same_words_conflict_and_keep_ours() {
        let m = merge("Price: 10 dollars.\n", "Price: 12 dollars.\n", "Price: 15 dollars.\n");
        assert_eq!(m.text, "Price: 12 dollars.\n");
        assert_eq!(
            m.conflicts,
            vec![Conflict { theirs: "Price: 15 dollars.\n".into(), ours: "Price: 12 dollars.\n".into() }]
        );
    }
}
