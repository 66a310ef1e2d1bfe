//! What a file is, from its bytes alone: never from its name or what the browser said. Only the
//! kinds Plaza accepts are recognised; anything else is refused with a message naming the problem.

use image::ImageFormat;

/// A file Plaza accepts, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// A picture, decoded and encoded again before anyone sees it.
    Image(ImageFormat),
    /// Sound, served as it came (with this type).
    Audio(&'static str),
    /// Video, served as it came (with this type).
    Video(&'static str),
}

impl Sniffed {
    pub fn media_type(self) -> &'static str {
        match self {
            Sniffed::Image(_) => super::TYPE_IMAGE,
            Sniffed::Audio(_) => super::TYPE_AUDIO,
            Sniffed::Video(_) => super::TYPE_VIDEO,
        }
    }
}

/// How many leading bytes `sniff` needs.
pub const HEAD: usize = 4096;

/// Recognise a file by its first bytes (`HEAD` of them, or all if shorter). `Err` is the catalog
/// key of the reason it is refused.
pub fn sniff(head: &[u8]) -> Result<Sniffed, &'static str> {
    if head.is_empty() {
        return Err("media-err-empty");
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Sniffed::Image(ImageFormat::Jpeg));
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Sniffed::Image(ImageFormat::Png));
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Ok(Sniffed::Image(ImageFormat::Gif));
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok(Sniffed::Image(ImageFormat::WebP));
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        return match brand {
            b"avif" | b"avis" | b"heic" | b"heix" | b"mif1" | b"msf1" => Err("media-err-heif"),
            b"M4A " | b"M4B " | b"M4P " | b"F4A " => Ok(Sniffed::Audio("audio/mp4")),
            b"qt  " => Err("media-err-quicktime"),
            _ => Ok(Sniffed::Video("video/mp4")),
        };
    }
    if head.starts_with(b"OggS") {
        // The first page carries the codec's identification header.
        let first = &head[..head.len().min(128)];
        if contains(first, b"\x80theora") {
            return Ok(Sniffed::Video("video/ogg"));
        }
        if contains(first, b"OpusHead") || contains(first, b"\x01vorbis") || contains(first, b"\x7fFLAC") {
            return Ok(Sniffed::Audio("audio/ogg"));
        }
        return Err("media-err-type");
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // Matroska; only its WebM profile is played by browsers.
        return if contains(&head[..head.len().min(64)], b"webm") {
            Ok(Sniffed::Video("video/webm"))
        } else {
            Err("media-err-matroska")
        };
    }
    if head.starts_with(b"ID3") || is_mpeg_audio_frame(head) {
        return Ok(Sniffed::Audio("audio/mpeg"));
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    if text.contains("<svg") {
        return Err("media-err-svg");
    }
    Err("media-err-type")
}

/// An MPEG-1/2 layer III frame header: 11 sync bits, a version and layer that exist, a bit rate
/// and sampling rate that are not reserved.
fn is_mpeg_audio_frame(b: &[u8]) -> bool {
    b.len() >= 4
        && b[0] == 0xFF
        && b[1] & 0xE0 == 0xE0
        && (b[1] >> 3) & 0b11 != 0b01
        && (b[1] >> 1) & 0b11 == 0b01
        && b[2] >> 4 != 0b1111
        && b[2] >> 4 != 0
        && (b[2] >> 2) & 0b11 != 0b11
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// How many trailing bytes `ends_with_zip` needs: a ZIP's end record and its longest comment.
pub const TAIL: usize = 22 + 65_535;

/// Does the file end with a ZIP archive (a JAR, a DOCX, a ZIP) — a polyglot such as a GIFAR,
/// which a picture viewer shows and an archive reader opens? A ZIP is read from its end: its
/// end-of-central-directory record, whose comment length reaches exactly the end of the file.
pub fn ends_with_zip(tail: &[u8]) -> bool {
    let mut at = tail.len();
    while let Some(i) = memchr::memmem::rfind(&tail[..at], b"PK\x05\x06") {
        if i + 22 <= tail.len() {
            let comment = u16::from_le_bytes([tail[i + 20], tail[i + 21]]) as usize;
            if i + 22 + comment == tail.len() {
                return true;
            }
        }
        at = i;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_bytes_and_refuses_the_rest() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Sniffed::Image(ImageFormat::Jpeg)));
        assert_eq!(sniff(b"GIF89a...."), Ok(Sniffed::Image(ImageFormat::Gif)));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Sniffed::Image(ImageFormat::WebP)));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\0\0"), Ok(Sniffed::Video("video/mp4")));
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A \0\0\0\0"), Ok(Sniffed::Audio("audio/mp4")));
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\0\0"), Ok(Sniffed::Audio("audio/mpeg")));
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]), Ok(Sniffed::Audio("audio/mpeg")));
        assert_eq!(sniff(b""), Err("media-err-empty"));
        assert_eq!(sniff(b"<?php system($_GET['c']); ?>"), Err("media-err-type"));
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), Err("media-err-type"));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"), Err("media-err-svg"));
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0\0\0"), Err("media-err-heif"));
        assert_eq!(sniff(b"%PDF-1.7"), Err("media-err-type"));
    }

    #[test]
    fn finds_an_archive_at_the_end() {
        let mut gifar = b"GIF89a....picture....".to_vec();
        gifar.extend_from_slice(b"PK\x03\x04...entries...PK\x01\x02...");
        gifar.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x03\0abc");
        assert!(ends_with_zip(&gifar));
        assert!(!ends_with_zip(b"GIF89a....PK\x05\x06 not at the end, more bytes follow here........"));
        assert!(!ends_with_zip(b"plain"));
    }
}
