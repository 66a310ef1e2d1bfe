//! The upload path under generated input: any bytes, and real pictures and containers damaged at
//! random (bytes replaced, cut short), go through recognition, decoding and probing. Each is
//! accepted or refused with a catalog key; none panics, none takes unbounded memory. A bounded
//! number of cases runs with every `cargo test`.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};
use proptest::prelude::*;

use super::{picture, probe, sniff, upload};

fn encoded(format: ImageFormat) -> Vec<u8> {
    let img =
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, 99])));
    let mut out = Vec::new();
    let _ = img.write_to(&mut Cursor::new(&mut out), format);
    out
}

/// Whatever the bytes, each step answers.
fn through_the_path(bytes: &[u8]) {
    let _ = sniff::ends_with_zip(bytes);
    match sniff::sniff(&bytes[..bytes.len().min(sniff::HEAD)]) {
        Ok(sniff::Sniffed::Image(format)) => {
            let _ = picture::process(bytes, format);
        }
        Ok(sniff::Sniffed::Audio(mime) | sniff::Sniffed::Video(mime)) => {
            let _ = probe::probe(&mut Cursor::new(bytes), bytes.len() as u64, mime);
        }
        Err(key) => assert!(key.starts_with("media-err-")),
    }
    for mime in ["video/mp4", "video/webm", "audio/ogg", "audio/mpeg"] {
        let _ = probe::probe(&mut Cursor::new(bytes), bytes.len() as u64, mime);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        through_the_path(&bytes);
    }

    #[test]
    fn damaged_pictures(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in any::<usize>(),
    ) {
        let format = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif, ImageFormat::WebP][which];
        let mut bytes = encoded(format);
        for (at, value) in edits {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = value;
            }
        }
        if cut % 3 == 0 && !bytes.is_empty() {
            bytes.truncate(cut % bytes.len());
        }
        through_the_path(&bytes);
    }

    #[test]
    fn damaged_containers(
        prefix in prop_oneof![
            Just(b"\0\0\0\x18ftypisom\0\0\0\0isom".to_vec()),
            Just(vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm', 0x18, 0x53, 0x80, 0x67, 0x01, 0xFF]),
            Just(b"OggS\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0OpusHead".to_vec()),
            Just(b"ID3\x04\0\0\0\0\0\x10".to_vec()),
        ],
        tail in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let bytes = [prefix, tail].concat();
        through_the_path(&bytes);
    }

    #[test]
    fn file_names_are_always_harmless(name in ".{0,600}") {
        let clean = upload::clean_name(&name);
        prop_assert!(!clean.contains('/') && !clean.contains('\\') && !clean.starts_with('.'));
        prop_assert!(!clean.chars().any(char::is_control));
        prop_assert!(!clean.is_empty() && clean.chars().count() <= 120);
    }
}
