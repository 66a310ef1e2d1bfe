//! What a sound or video file holds, read from its container without decoding it: its length,
//! whether it has a picture track (a "sound" file with video in it is a video), and a video's
//! size. Each reader walks the container's structure with bounds on every length it reads, and
//! gives up (None) on anything it does not understand: a file is never refused for a length
//! that cannot be read.

use std::io::{Read, Seek, SeekFrom};

/// What the container says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Probe {
    pub duration_ms: Option<i64>,
    /// It has a video track.
    pub video: bool,
    /// It has a sound track.
    pub audio: bool,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// The most of a file any reader looks at (the `moov` box of a long MP4 may be a few MB).
const MAX_READ: u64 = 16 * 1024 * 1024;

pub fn probe<R: Read + Seek>(f: &mut R, len: u64, mime: &str) -> Probe {
    let probed = match mime {
        "audio/mp4" | "video/mp4" => mp4(f, len),
        "video/webm" | "audio/webm" => webm(f, len),
        "audio/ogg" | "video/ogg" => ogg(f, len),
        "audio/mpeg" => mp3(f, len),
        _ => None,
    };
    probed.unwrap_or_default()
}

fn read_at<R: Read + Seek>(f: &mut R, at: u64, n: u64) -> Option<Vec<u8>> {
    f.seek(SeekFrom::Start(at)).ok()?;
    let mut buf = Vec::new();
    f.take(n.min(MAX_READ)).read_to_end(&mut buf).ok()?;
    Some(buf)
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

// ------------------------------------------------------------------ MP4 / M4A

/// The boxes inside `data`: (type, payload).
fn boxes(data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= data.len() && out.len() < 10_000 {
        let Some(size) = be_u32(data, at) else { break };
        let kind: [u8; 4] = match data[at + 4..at + 8].try_into() {
            Ok(k) => k,
            Err(_) => break,
        };
        let (header, size) = match size {
            0 => (8, data.len() - at),
            1 => match be_u64(data, at + 8) {
                Some(s) if s >= 16 => (16, usize::try_from(s).unwrap_or(usize::MAX)),
                _ => break,
            },
            s if s >= 8 => (8, s as usize),
            _ => break,
        };
        let end = at.saturating_add(size).min(data.len());
        if at + header > end {
            break;
        }
        out.push((kind, &data[at + header..end]));
        at = end;
    }
    out
}

fn mp4<R: Read + Seek>(f: &mut R, len: u64) -> Option<Probe> {
    // Find `moov` among the top-level boxes (often after a large `mdat`).
    let mut at = 0u64;
    let mut moov = None;
    for _ in 0..1000 {
        if at + 8 > len {
            break;
        }
        let head = read_at(f, at, 16)?;
        if head.len() < 8 {
            return None;
        }
        let size32 = be_u32(&head, 0)?;
        let size = match size32 {
            0 => len - at,
            1 => be_u64(&head, 8)?,
            s => u64::from(s),
        };
        if size < 8 {
            return None;
        }
        if &head[4..8] == b"moov" {
            moov = Some(read_at(f, at, size)?);
            break;
        }
        at = at.checked_add(size)?;
    }
    let moov = moov?;
    let (_, payload) = boxes(&moov).into_iter().find(|(k, _)| k == b"moov")?;
    let mut p = Probe::default();
    for (kind, body) in boxes(payload) {
        match &kind {
            b"mvhd" => {
                let (scale, duration) = if body.first() == Some(&1) {
                    (be_u32(body, 20)?, be_u64(body, 24)?)
                } else {
                    (be_u32(body, 12)?, u64::from(be_u32(body, 16)?))
                };
                if scale > 0 && duration != u64::from(u32::MAX) && duration != u64::MAX {
                    p.duration_ms = i64::try_from(u128::from(duration) * 1000 / u128::from(scale)).ok();
                }
            }
            b"trak" => {
                let inner = boxes(body);
                let handler = inner
                    .iter()
                    .find(|(k, _)| k == b"mdia")
                    .and_then(|(_, mdia)| boxes(mdia).into_iter().find(|(k, _)| k == b"hdlr"))
                    .and_then(|(_, h)| h.get(8..12).map(|t| t.to_vec()));
                match handler.as_deref() {
                    Some(b"vide") => {
                        p.video = true;
                        if let Some((_, tkhd)) = inner.iter().find(|(k, _)| k == b"tkhd") {
                            let off = if tkhd.first() == Some(&1) { 88 } else { 76 };
                            let w = be_u32(tkhd, off).map(|v| v >> 16);
                            let h = be_u32(tkhd, off + 4).map(|v| v >> 16);
                            if let (Some(w), Some(h)) = (w, h) {
                                if w > 0 && h > 0 && p.width.is_none() {
                                    p.width = Some(w);
                                    p.height = Some(h);
                                }
                            }
                        }
                    }
                    Some(b"soun") => p.audio = true,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Some(p)
}

// ------------------------------------------------------------------ WebM (Matroska)

/// An EBML variable-length number at `at`: (value, its length). `id` keeps the marker bit.
fn vint(b: &[u8], at: usize, id: bool) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut v = if id { u64::from(first) } else { u64::from(first) & ((1u64 << (8 - len)) - 1) };
    for i in 1..len {
        v = (v << 8) | u64::from(*b.get(at + i)?);
    }
    Some((v, len))
}

/// The elements inside `data`: (id, payload); an element of unknown size runs to the end.
fn elements(data: &[u8]) -> Vec<(u64, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() && out.len() < 10_000 {
        let Some((id, il)) = vint(data, at, true) else { break };
        let Some((size, sl)) = vint(data, at + il, false) else { break };
        let start = at + il + sl;
        let unknown = size == (1u64 << (7 * sl)) - 1;
        let end = if unknown {
            data.len()
        } else {
            start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX)).min(data.len())
        };
        if start > end {
            break;
        }
        out.push((id, &data[start..end]));
        at = end;
    }
    out
}

fn uint(b: &[u8]) -> u64 {
    b.iter().take(8).fold(0u64, |v, x| (v << 8) | u64::from(*x))
}

fn webm<R: Read + Seek>(f: &mut R, len: u64) -> Option<Probe> {
    // The header, segment info and tracks come first; clusters of frames follow.
    let head = read_at(f, 0, len.min(1024 * 1024))?;
    let segment = elements(&head).into_iter().find(|(id, _)| *id == 0x1853_8067)?.1;
    let mut p = Probe::default();
    for (id, body) in elements(segment) {
        match id {
            0x1549_A966 => {
                let mut scale = 1_000_000u64;
                let mut duration = None;
                for (id, v) in elements(body) {
                    match id {
                        0x2A_D7B1 => scale = uint(v),
                        0x4489 => {
                            duration = match v.len() {
                                4 => Some(f64::from(f32::from_be_bytes(v.try_into().ok()?))),
                                8 => Some(f64::from_be_bytes(v.try_into().ok()?)),
                                _ => None,
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(d) = duration.filter(|d| d.is_finite() && *d > 0.0) {
                    p.duration_ms = Some((d * scale as f64 / 1_000_000.0) as i64);
                }
            }
            0x1654_AE6B => {
                for (id, entry) in elements(body) {
                    if id != 0xAE {
                        continue;
                    }
                    let fields = elements(entry);
                    match fields.iter().find(|(id, _)| *id == 0x83).map(|(_, v)| uint(v)) {
                        Some(1) => {
                            p.video = true;
                            if let Some((_, video)) = fields.iter().find(|(id, _)| *id == 0xE0) {
                                let v = elements(video);
                                let w = v.iter().find(|(id, _)| *id == 0xB0).map(|(_, x)| uint(x) as u32);
                                let h = v.iter().find(|(id, _)| *id == 0xBA).map(|(_, x)| uint(x) as u32);
                                if p.width.is_none() {
                                    p.width = w.filter(|w| *w > 0);
                                    p.height = h.filter(|h| *h > 0);
                                }
                            }
                        }
                        Some(2) => p.audio = true,
                        _ => {}
                    }
                }
            }
            0x1F43_B675 => break,
            _ => {}
        }
    }
    Some(p)
}

// ------------------------------------------------------------------ Ogg

fn ogg<R: Read + Seek>(f: &mut R, len: u64) -> Option<Probe> {
    let head = read_at(f, 0, 4096)?;
    let mut p = Probe::default();
    let (rate, pre_skip) = if let Some(i) = memchr::memmem::find(&head, b"OpusHead") {
        p.audio = true;
        (48_000u64, u64::from(u16::from_le_bytes(head.get(i + 10..i + 12)?.try_into().ok()?)))
    } else if let Some(i) = memchr::memmem::find(&head, b"\x01vorbis") {
        p.audio = true;
        (u64::from(u32::from_le_bytes(head.get(i + 12..i + 16)?.try_into().ok()?)), 0)
    } else if memchr::memmem::find(&head, b"\x80theora").is_some() {
        p.video = true;
        return Some(p);
    } else {
        return Some(p);
    };
    if rate == 0 {
        return Some(p);
    }
    // The last page's granule position counts the samples up to its end.
    let tail_len = len.min(64 * 1024);
    let tail = read_at(f, len - tail_len, tail_len)?;
    let last = memchr::memmem::rfind(&tail, b"OggS")?;
    let granule = i64::from_le_bytes(tail.get(last + 6..last + 14)?.try_into().ok()?);
    if granule > 0 {
        let samples = (granule as u64).saturating_sub(pre_skip);
        p.duration_ms = i64::try_from(samples * 1000 / rate).ok();
    }
    Some(p)
}

// ------------------------------------------------------------------ MP3

fn mp3<R: Read + Seek>(f: &mut R, len: u64) -> Option<Probe> {
    let head = read_at(f, 0, 10)?;
    let mut start = 0u64;
    if head.starts_with(b"ID3") && head.len() == 10 {
        let size = head[6..10].iter().fold(0u64, |v, b| (v << 7) | u64::from(b & 0x7F));
        start = 10 + size + if head[5] & 0x10 != 0 { 10 } else { 0 };
    }
    let frame = read_at(f, start, 4096)?;
    // The first frame header (a few bytes of padding may come first).
    let at = (0..frame.len().saturating_sub(4)).find(|i| frame[*i] == 0xFF && frame[*i + 1] & 0xE0 == 0xE0)?;
    let h = &frame[at..];
    let version = (h[1] >> 3) & 0b11; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    let layer = (h[1] >> 1) & 0b11; // 1: layer III
    if layer != 1 || version == 1 {
        return None;
    }
    let bitrate_index = usize::from(h[2] >> 4);
    let rate_index = usize::from((h[2] >> 2) & 0b11);
    if bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    const MPEG1: [u64; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    const MPEG2: [u64; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let kbps = if version == 3 { MPEG1[bitrate_index] } else { MPEG2[bitrate_index] };
    let rate = [44_100u64, 48_000, 32_000][rate_index]
        >> match version {
            3 => 0,
            2 => 1,
            _ => 2,
        };
    let samples_per_frame = if version == 3 { 1152 } else { 576 };
    let mono = h[3] >> 6 == 0b11;
    // A Xing/Info or VBRI header says how many frames there are (variable bit rates).
    let side = match (version == 3, mono) {
        (true, false) => 32,
        (true, true) => 17,
        (false, false) => 17,
        (false, true) => 9,
    };
    let xing = 4 + side;
    let frames = if matches!(h.get(xing..xing + 4), Some(b"Xing") | Some(b"Info"))
        && h.get(xing + 7).is_some_and(|f| f & 1 == 1)
    {
        be_u32(h, xing + 8).map(u64::from)
    } else if h.get(36..40) == Some(b"VBRI") {
        be_u32(h, 36 + 14).map(u64::from)
    } else {
        None
    };
    let ms = match frames {
        Some(n) if n > 0 => n * samples_per_frame * 1000 / rate,
        _ => (len.saturating_sub(start + at as u64)) * 8 / kbps,
    };
    Some(Probe { duration_ms: i64::try_from(ms).ok(), audio: true, ..Probe::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn mp4_with(handler: &[u8; 4], scale: u32, duration: u32) -> Vec<u8> {
        fn bx(kind: &[u8], body: &[u8]) -> Vec<u8> {
            let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
            out.extend_from_slice(kind);
            out.extend_from_slice(body);
            out
        }
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&scale.to_be_bytes());
        mvhd[16..20].copy_from_slice(&duration.to_be_bytes());
        let mut tkhd = vec![0u8; 84];
        tkhd[76..80].copy_from_slice(&(640u32 << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(360u32 << 16).to_be_bytes());
        let mut hdlr = vec![0u8; 24];
        hdlr[8..12].copy_from_slice(handler);
        let trak = bx(b"trak", &[bx(b"tkhd", &tkhd), bx(b"mdia", &bx(b"hdlr", &hdlr))].concat());
        let moov = bx(b"moov", &[bx(b"mvhd", &mvhd), trak].concat());
        [bx(b"ftyp", b"isom\0\0\0\0isom"), bx(b"mdat", &[0u8; 1000]), moov].concat()
    }

    #[test]
    fn mp4_length_and_tracks() {
        let v = mp4_with(b"vide", 1000, 93_500);
        let p = probe(&mut Cursor::new(&v), v.len() as u64, "video/mp4");
        assert_eq!(
            p,
            Probe { duration_ms: Some(93_500), video: true, audio: false, width: Some(640), height: Some(360) }
        );
        let a = mp4_with(b"soun", 44_100, 44_100 * 61);
        let p = probe(&mut Cursor::new(&a), a.len() as u64, "audio/mp4");
        assert_eq!((p.duration_ms, p.video, p.audio), (Some(61_000), false, true));
    }

    #[test]
    fn mp3_length_from_its_bit_rate() {
        // 128 kbit/s MPEG-1 layer III frames: 16,000 bytes a second.
        let mut f = b"ID3\x04\0\0\0\0\0\0".to_vec();
        let frame_len = 417;
        while f.len() < 10 + 16_000 * 3 {
            let mut frame = vec![0xFF, 0xFB, 0x90, 0x64];
            frame.resize(frame_len, 0);
            f.extend_from_slice(&frame);
        }
        let p = probe(&mut Cursor::new(&f), f.len() as u64, "audio/mpeg");
        let ms = p.duration_ms.unwrap_or(0);
        assert!((2990..=3030).contains(&ms), "{ms}");
    }

    #[test]
    fn ogg_opus_length_from_the_last_granule() {
        let mut f = b"OggS\0\x02".to_vec();
        f.extend_from_slice(&[0u8; 22]);
        f.extend_from_slice(b"OpusHead\x01\x02\x38\x01");
        f.extend_from_slice(&[0u8; 200]);
        f.extend_from_slice(b"OggS\0\x04");
        f.extend_from_slice(&(48_000i64 * 10 + 312).to_le_bytes());
        f.extend_from_slice(&[0u8; 40]);
        let p = probe(&mut Cursor::new(&f), f.len() as u64, "audio/ogg");
        assert_eq!(p.duration_ms, Some(10_000));
    }

    #[test]
    fn garbage_gives_nothing_and_never_panics() {
        for mime in ["video/mp4", "audio/mp4", "video/webm", "audio/ogg", "audio/mpeg"] {
            for data in [
                vec![],
                vec![0xFFu8; 3],
                b"\0\0\0\x01moov\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
                vec![0x1A, 0x45, 0xDF, 0xA3, 0x01],
            ] {
                let _ = probe(&mut Cursor::new(&data), data.len() as u64, mime);
            }
        }
    }
}
