//! Pictures are never served as they were uploaded: each is decoded (within limits, so a small
//! file that claims to be enormous is refused before its pixels are allocated), turned upright by
//! its EXIF orientation, and encoded again as WebP renditions of a few widths. What the file
//! carried besides pixels (EXIF, GPS position, comments, scripts appended after the image) is
//! left behind. Animated GIFs stay animated GIFs, their frames encoded again.

use std::io::Cursor;

use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::imageops::FilterType;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The widest rendition, and the smaller ones offered to small screens.
pub const WIDTHS: [u32; 3] = [320, 800, 1600];

/// The largest picture decoded: sides and pixels. A 50,000 × 50,000 PNG of a few kilobytes is
/// refused from its header.
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory one decode may take (a 50-megapixel RGBA picture is 200 MB).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// An animation: at most this many frames, and this many pixels over all of them.
const MAX_FRAMES: usize = 300;
/// (An 86 KB GIF of 11 frames of 3000 × 3000 took seconds of a core: animations are bounded by
/// their total pixels.)
const MAX_FRAME_PIXELS: u64 = 20_000_000;
/// WebP quality of the renditions.
const QUALITY: f32 = 80.0;

/// One encoded rendition.
#[derive(Debug)]
pub struct Rendition {
    /// `w320`, `w800`, `w1600`, `w500` (its width), or `gif`.
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A decoded and encoded picture.
#[derive(Debug)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub animated: bool,
    /// Smallest first.
    pub renditions: Vec<Rendition>,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// Decode and encode again. `Err` is the catalog key of the reason it is refused.
pub fn process(bytes: &[u8], format: ImageFormat) -> Result<Picture, &'static str> {
    if format == ImageFormat::Gif {
        if let Some(p) = animated_gif(bytes)? {
            return Ok(p);
        }
    }
    let img = decode(bytes, format)?;
    let (width, height) = (img.width(), img.height());
    let mut renditions = Vec::new();
    // Largest first, each made from the one before (cheaper than from the original every time).
    let mut source = img;
    let mut targets: Vec<u32> = WIDTHS.iter().copied().filter(|t| *t < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        targets.push(width);
    } else if !targets.contains(&WIDTHS[WIDTHS.len() - 1]) {
        targets.push(WIDTHS[WIDTHS.len() - 1]);
    }
    targets.sort_unstable();
    targets.dedup();
    for (i, target) in targets.iter().rev().enumerate() {
        let resized = if *target == source.width() {
            source.clone()
        } else {
            let th = ((u64::from(height) * u64::from(*target)) / u64::from(width)).max(1) as u32;
            let filter = if i == 0 { FilterType::CatmullRom } else { FilterType::Triangle };
            source.resize_exact(*target, th, filter)
        };
        let bytes = encode_webp(&resized)?;
        renditions.push(Rendition {
            name: format!("w{}", resized.width()),
            mime: "image/webp",
            bytes,
            width: resized.width(),
            height: resized.height(),
        });
        source = resized;
    }
    renditions.reverse();
    Ok(Picture { width, height, animated: false, renditions })
}

/// Does a JPEG's image data end (an end-of-image marker after the last start of scan)? The
/// decoder shows a cut-off JPEG with its missing part grey; such a file is refused instead.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let Some(scan) = memchr::memmem::rfind(bytes, &[0xFF, 0xDA]) else { return false };
    memchr::memmem::rfind(&bytes[scan..], &[0xFF, 0xD9]).is_some()
}

/// Decode within limits, upright, as 8-bit RGB or RGBA.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, &'static str> {
    if format == ImageFormat::Jpeg && !jpeg_complete(bytes) {
        return Err("media-err-corrupt");
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("media-err-corrupt");
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err("media-err-dimensions");
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    img.apply_orientation(orientation);
    let img = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    };
    Ok(img)
}

/// The side of a podcast's cover art: podcast apps ask for a square JPEG or PNG of 1,400 to
/// 3,000 pixels.
pub const COVER_SIDE: u32 = 1400;

/// Podcast cover art: the middle square of the picture as a 1,400-pixel JPEG, and a small WebP.
/// A picture smaller than that is refused (the apps refuse it too).
pub fn process_cover(bytes: &[u8], format: ImageFormat) -> Result<Picture, &'static str> {
    let img = decode(bytes, format)?;
    let side = img.width().min(img.height());
    if side < COVER_SIDE {
        return Err("podcast-err-cover-small");
    }
    let square = img.crop_imm((img.width() - side) / 2, (img.height() - side) / 2, side, side);
    let cover =
        DynamicImage::ImageRgb8(square.resize_exact(COVER_SIDE, COVER_SIDE, FilterType::CatmullRom).into_rgb8());
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&cover).map_err(refusal)?;
    let small = cover.resize_exact(320, 320, FilterType::Triangle);
    Ok(Picture {
        width: COVER_SIDE,
        height: COVER_SIDE,
        animated: false,
        renditions: vec![
            Rendition { name: "w320".into(), mime: "image/webp", bytes: encode_webp(&small)?, width: 320, height: 320 },
            Rendition { name: "cover".into(), mime: "image/jpeg", bytes: jpeg, width: COVER_SIDE, height: COVER_SIDE },
        ],
    })
}

fn encode_webp(img: &DynamicImage) -> Result<Vec<u8>, &'static str> {
    let encoder = webp::Encoder::from_image(img).map_err(|_| "media-err-corrupt")?;
    Ok(encoder.encode(QUALITY).to_vec())
}

/// An animated GIF, its frames decoded within limits and encoded again (a still GIF is `None`).
fn animated_gif(bytes: &[u8]) -> Result<Option<Picture>, &'static str> {
    let mut decoder = GifDecoder::new(Cursor::new(bytes)).map_err(refusal)?;
    decoder.set_limits(limits()).map_err(refusal)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("media-err-corrupt");
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err("media-err-dimensions");
    }
    let mut frames = Vec::new();
    let mut pixels = 0u64;
    for frame in decoder.into_frames() {
        let frame = frame.map_err(refusal)?;
        pixels += u64::from(frame.buffer().width()) * u64::from(frame.buffer().height());
        frames.push(frame);
        if frames.len() > MAX_FRAMES || pixels > MAX_FRAME_PIXELS {
            return Err("media-err-dimensions");
        }
    }
    if frames.len() < 2 {
        return Ok(None);
    }
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
        encoder.set_repeat(Repeat::Infinite).map_err(refusal)?;
        encoder.encode_frames(frames).map_err(refusal)?;
    }
    Ok(Some(Picture {
        width: w,
        height: h,
        animated: true,
        renditions: vec![Rendition { name: "gif".to_string(), mime: "image/gif", bytes: out, width: w, height: h }],
    }))
}

fn refusal(e: image::ImageError) -> &'static str {
    match e {
        image::ImageError::Limits(_) => "media-err-dimensions",
        image::ImageError::Unsupported(_) => "media-err-type",
        _ => "media-err-corrupt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Result<Vec<u8>, image::ImageError> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90])));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)?;
        Ok(out)
    }

    #[test]
    fn renditions_never_wider_than_the_picture() -> Result<(), image::ImageError> {
        let p = process(&png(2000, 1000)?, ImageFormat::Png)
            .map_err(|k| image::ImageError::IoError(std::io::Error::other(k)))?;
        let got: Vec<(String, u32, u32)> = p.renditions.iter().map(|r| (r.name.clone(), r.width, r.height)).collect();
        assert_eq!(got, vec![("w320".into(), 320, 160), ("w800".into(), 800, 400), ("w1600".into(), 1600, 800)]);
        assert!(p.renditions.iter().all(|r| r.bytes.starts_with(b"RIFF")));
        let small = process(&png(500, 250)?, ImageFormat::Png)
            .map_err(|k| image::ImageError::IoError(std::io::Error::other(k)))?;
        let got: Vec<(String, u32)> = small.renditions.iter().map(|r| (r.name.clone(), r.width)).collect();
        assert_eq!(got, vec![("w320".into(), 320), ("w500".into(), 500)]);
        Ok(())
    }

    #[test]
    fn a_small_file_claiming_huge_dimensions_is_refused_from_its_header() -> Result<(), image::ImageError> {
        // A valid PNG header claiming 50,000 × 50,000, then a truncated body.
        let mut bomb = png(1, 1)?;
        bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        assert!(matches!(process(&bomb, ImageFormat::Png), Err("media-err-dimensions" | "media-err-corrupt")));
        Ok(())
    }
}
