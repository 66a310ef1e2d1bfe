//! Media: uploads from the library and from every editor, pictures encoded again (metadata gone,
//! turned upright, in sizes), files recognised by their bytes, refused with a message when bad,
//! served with caching and ranges to whoever may read where they are shown.

use std::io::Cursor;

use image::{DynamicImage, ImageEncoder, ImageFormat};
use plaza::accounts::Role;

use crate::helpers::{Browser, spawn, spawn_with, start_topic};

/// A marker hidden in the EXIF block of test photos: it must never be served.
const EXIF_MARK: &[u8] = b"PLAZA-GPS-48.8584N-2.2945E";

/// A JPEG of `w` × `h` whose EXIF says "rotate 90° clockwise to show" and carries a marker.
pub fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 120]));
    let mut exif = b"II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(EXIF_MARK);
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_exif_metadata(exif).expect("exif");
    enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8).expect("jpeg");
    out
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 60])));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).expect("png");
    out
}

/// A few MPEG audio frames after an ID3 tag: enough to be recognised as MP3.
pub fn mp3() -> Vec<u8> {
    let mut out = b"ID3\x04\0\0\0\0\0\0".to_vec();
    for _ in 0..50 {
        let mut frame = vec![0xFF, 0xFB, 0x90, 0x64];
        frame.resize(417, 0x55);
        out.extend_from_slice(&frame);
    }
    out
}

/// The start of an MP4 video (an `ftyp` box with an ordinary video brand).
pub fn mp4() -> Vec<u8> {
    let mut out = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    out.extend_from_slice(&[0u8; 2000]);
    out
}

/// Upload one file as the editor's script does; its media id.
pub async fn upload_one(b: &Browser, name: &str, bytes: Vec<u8>, mime: &str) -> i64 {
    let (status, json) = b.upload_json(&[(name, bytes, mime)]).await;
    assert_eq!(status, 200, "{json}");
    json["uploaded"][0]["id"].as_i64().unwrap_or_else(|| panic!("no id in {json}"))
}

fn decoded(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap_or_else(|e| panic!("served picture does not decode: {e}"))
}

#[tokio::test]
async fn a_photo_is_encoded_again_upright_without_its_metadata_in_sizes() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    let id = upload_one(&ann, "holiday.jpg", photo(2400, 1200), "image/jpeg").await;

    // The default address: a WebP no wider than 800 px, turned upright (the EXIF said rotate).
    let (status, headers, bytes) = ann.get_bytes(&format!("/media/{id}"), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/webp");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["cache-control"].to_str().unwrap_or("").contains("max-age="));
    assert!(headers["content-disposition"].to_str().unwrap_or("").contains("holiday.webp"));
    let img = decoded(&bytes);
    assert!(img.height() > img.width(), "the picture was turned upright: {}x{}", img.width(), img.height());
    assert_eq!((img.width(), img.height()), (800, 1600));
    assert!(memchr::memmem::find(&bytes, EXIF_MARK).is_none(), "EXIF survived");
    assert!(memchr::memmem::find(&bytes, b"Exif").is_none(), "EXIF block survived");

    // Each size exists at its own address; the smallest is the thumbnail.
    for (file, width) in [("w320.webp", 320), ("w800.webp", 800), ("w1200.webp", 1200), ("thumb", 320)] {
        let (status, _, bytes) = ann.get_bytes(&format!("/media/{id}/{file}"), &[]).await;
        assert_eq!(status, 200, "{file}");
        assert_eq!(decoded(&bytes).width(), width, "{file}");
    }
    ann.get(&format!("/media/{id}/w9999.webp")).await.assert_status(404);

    // Conditional GET: the ETag names the bytes.
    let etag = headers["etag"].to_str().unwrap_or("").to_string();
    assert!(etag.len() > 60, "{etag}");
    let (status, _, _) = ann.get_bytes(&format!("/media/{id}"), &[("If-None-Match", &etag)]).await;
    assert_eq!(status, 304);

    // The library lists it, its size and its Markdown.
    ann.get("/media")
        .await
        .assert_contains("holiday.jpg")
        .assert_contains(&format!("![](/media/{id})"))
        .assert_contains("1200 × 2400");
}

#[tokio::test]
async fn the_same_file_twice_is_stored_once_and_both_members_have_it() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let file = png(900, 300);
    let a = upload_one(&ann, "chart.png", file.clone(), "image/png").await;
    let b = upload_one(&bob, "mine.png", file, "image/png").await;
    assert_ne!(a, b);
    assert_eq!(app.count("media_files"), 1);
    assert_eq!(app.count("media"), 2);
    let objects = walk(&app.settings.data_dir.join("media/objects"));
    assert_eq!(objects, app.count("media_renditions") as usize, "one object per rendition, once");
}

/// A valid PNG of a few kilobytes that claims 50,000 × 50,000 pixels (7.5 GB decoded).
fn png_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![0u8; 1_000_000]).expect("zlib");
    chunk(&mut out, b"IDAT", &z.finish().expect("zlib"));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

#[tokio::test]
async fn bad_files_are_refused_with_a_message_and_nothing_is_stored() {
    let app = spawn_with(|s| s.media_image_mb = 1).await;
    let ann = app.user_browser("ann", Role::Member).await;
    let mut truncated = photo(800, 600);
    truncated.truncate(truncated.len() / 3);
    let bomb = png_bomb();
    let mut gifar = {
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image::RgbImage::new(4, 4))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Gif)
            .expect("gif");
        out
    };
    gifar.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0payload.class....PK\x01\x02....");
    gifar.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x2e\0\0\0\x10\0\0\0\0\0");
    let big = photo(1, 1).into_iter().chain(std::iter::repeat_n(0u8, 1_200_000)).collect::<Vec<u8>>();
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        ("shell.php.jpg", b"<?php system($_GET['c']); ?>".to_vec(), "image/jpeg", 422, "not a picture, sound or video"),
        (
            "page.jpg",
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            "image/jpeg",
            422,
            "not a picture, sound or video",
        ),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            "image/svg+xml",
            422,
            "SVG drawings are not accepted",
        ),
        ("bomb.png", bomb, "image/png", 422, "too large to process"),
        ("cut.jpg", truncated, "image/jpeg", 422, "damaged or cut short"),
        ("empty.png", Vec::new(), "image/png", 422, "The file is empty"),
        ("gifar.gif", gifar, "image/gif", 422, "another file (an archive) hidden"),
        ("huge.jpg", big, "image/jpeg", 413, "larger than this site accepts"),
    ];
    for (name, bytes, mime, status, message) in cases {
        let (got, json) = ann.upload_json(&[(name, bytes.clone(), mime)]).await;
        assert_eq!(got, status, "{name}: {json}");
        assert!(json["refused"][0][1].as_str().unwrap_or("").contains(message), "{name}: {json}");
        // Without a script, the library page says the same.
        let page = ann.upload("/media", &[], &[("files", name, bytes, mime)], &[]).await;
        assert_eq!(page.status.as_u16(), status, "{name}");
        page.assert_contains(message);
    }
    assert_eq!(app.count("media"), 0);
    assert_eq!(app.count("media_files"), 0);
    assert_eq!(walk(&app.settings.data_dir.join("media/objects")), 0);
    assert_eq!(walk(&app.settings.data_dir.join("media/tmp")), 0, "received files are not left behind");

    // Nobody but a member with this site's form gets a byte written: logged out, or without
    // the token, the answer comes before the file is read.
    let visitor = app.new_browser();
    visitor.upload("/media", &[], &[("files", "x.png", png(50, 50), "image/png")], &[]).await.assert_status(303);
    let forged = reqwest::multipart::Form::new()
        .part("files", reqwest::multipart::Part::bytes(png(50, 50)).file_name("x.png"))
        .text("csrf_token", "forged");
    let res = ann.client.post(format!("{}/media", ann.addr)).multipart(forged).send().await.expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(walk(&app.settings.data_dir.join("media/tmp")), 0);
}

#[tokio::test]
async fn an_upload_over_the_daily_quota_is_refused_and_leaves_nothing_behind() {
    let app = spawn_with(|s| s.media_daily_mb = 1).await;
    let ann = app.user_browser("ann", Role::Member).await;
    let mut big = mp3();
    big.resize(700_000, 0x55);
    let first = upload_one(&ann, "one.mp3", big.clone(), "audio/mpeg").await;
    big[500] = 1;
    let (status, json) = ann.upload_json(&[("two.mp3", big.clone(), "audio/mpeg")]).await;
    assert_eq!(status, 413, "{json}");
    assert!(json["refused"][0][1].as_str().unwrap_or("").contains("today's upload limit"), "{json}");
    assert_eq!(app.count("media_files"), 1);
    assert_eq!(walk(&app.settings.data_dir.join("media/objects")), 1, "the refused file was never stored");
    // Deleting what was uploaded today does not give its bytes back for today.
    ann.post(&format!("/media/{first}/delete"), &[]).await.assert_status(303);
    let (status, json) = ann.upload_json(&[("two.mp3", big.clone(), "audio/mpeg")]).await;
    assert_eq!(status, 413, "{json}");
    assert_eq!(app.count("media"), 0);
    // From an editor: the same 413, the text kept.
    app.create_board("help", "discussion", "everyone", "members");
    let fields = [("title", "Sound"), ("body", "Words I typed"), ("tags", ""), ("action", "save")];
    let page = ann.upload("/forums/help/new", &fields, &[("files", "two.mp3", big, "audio/mpeg")], &[]).await;
    assert_eq!(page.status.as_u16(), 413, "{}", page.body);
    page.assert_contains("Words I typed").assert_contains("today&#39;s upload limit");
}

#[tokio::test]
async fn names_are_cleaned_and_types_come_from_the_bytes() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    let long = format!("{}.png", "x".repeat(500));
    for name in ["../../etc/passwd.png", long.as_str(), "春天.png", ".hidden.png"] {
        let (status, json) = ann.upload_json(&[(name, png(10, 10), "image/png")]).await;
        assert_eq!(status, 200, "{json}");
        let stored = json["uploaded"][0]["file_name"].as_str().unwrap_or("").to_string();
        assert!(!stored.contains('/') && !stored.contains('\u{1}') && stored.chars().count() <= 120, "{stored}");
    }
    // Control characters cannot be sent in a header: the form cannot be read, and says why.
    let page = ann.upload("/media", &[], &[("files", "a\u{1}b\u{0}.png", png(10, 10), "image/png")], &[]).await;
    page.assert_status(400).assert_contains("Rename the file");
    // A video named and sent as sound is a video.
    let (status, json) = ann.upload_json(&[("song.mp3", mp4(), "audio/mpeg")]).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["uploaded"][0]["media_type"], "video");
    let id = json["uploaded"][0]["id"].as_i64().unwrap_or(0);
    let (_, headers, _) = ann.get_bytes(&format!("/media/{id}"), &[]).await;
    assert_eq!(headers["content-type"], "video/mp4");
}

#[tokio::test]
async fn sound_is_served_in_ranges_so_players_can_seek() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    let file = mp3();
    let id = upload_one(&ann, "episode.mp3", file.clone(), "audio/mpeg").await;
    let (status, headers, bytes) = ann.get_bytes(&format!("/media/{id}"), &[("Range", "bytes=100-199")]).await;
    assert_eq!(status, 206);
    assert_eq!(headers["content-range"], format!("bytes 100-199/{}", file.len()).as_str());
    assert_eq!(headers["content-type"], "audio/mpeg");
    assert_eq!(bytes, file[100..200]);
    // A player resuming checks the version with If-Range: the same ETag gets the part, another
    // the whole file.
    let etag = headers["etag"].to_str().unwrap_or("").to_string();
    let path = format!("/media/{id}");
    let (status, _, bytes) = ann.get_bytes(&path, &[("Range", "bytes=0-9"), ("If-Range", &etag)]).await;
    assert_eq!((status, bytes.len()), (206, 10));
    let (status, _, bytes) = ann.get_bytes(&path, &[("Range", "bytes=0-9"), ("If-Range", "\"old\"")]).await;
    assert_eq!((status, bytes.len()), (200, file.len()));
    let (status, headers, _) = ann.get_bytes(&path, &[("Range", "bytes=999999-")]).await;
    assert_eq!(status, 416);
    assert_eq!(headers["content-range"], format!("bytes */{}", file.len()).as_str());
    let (status, _, bytes) = ann.get_bytes(&path, &[("Range", "bytes=abc")]).await;
    assert_eq!((status, bytes.len()), (200, file.len()));
    let (status, _, bytes) = ann.get_bytes(&format!("/media/{id}/file.mp3"), &[]).await;
    assert_eq!((status, bytes.len()), (200, file.len()));
}

#[tokio::test]
async fn an_editor_without_scripts_attaches_files_and_asks_for_a_description() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    app.create_board("help", "discussion", "everyone", "members");
    let fields = [("title", "My screen"), ("body", "It looks like this:"), ("tags", ""), ("action", "save")];
    let page =
        ann.upload("/forums/help/new", &fields, &[("files", "screen.png", png(1000, 500), "image/png")], &[]).await;
    // Kept, with the picture added to the text, and a description asked for: news, not an error.
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    page.assert_contains("It looks like this:")
        .assert_contains(r#"<p class="field-notice" id="files-error" role="status">Files attached below your text."#)
        .assert_lacks("Please correct");
    let id: i64 = app.ids("media", "content_id")[0];
    page.assert_contains(&format!("![](/media/{id})"));
    assert_eq!(app.count("topics"), 0);

    let body = format!("It looks like this:\n\n![The settings screen with the save button greyed out](/media/{id})");
    let (path, _) = start_topic(&ann, "help", "My screen", &body).await;
    let topic = app.new_browser().get(&path).await;
    topic
        .assert_status(200)
        .assert_contains(r#"alt="The settings screen with the save button greyed out""#)
        .assert_contains(&format!(
            r#"srcset="/media/{id}/w320.webp 320w, /media/{id}/w800.webp 800w, /media/{id}/w1000.webp 1000w""#
        ))
        .assert_contains(r#"width="1000" height="500""#);
    // Shown in a public topic: anyone may fetch it now, and the library says where it is used.
    let (status, headers, _) = app.new_browser().get_bytes(&format!("/media/{id}/w320.webp"), &[]).await;
    assert_eq!(status, 200);
    assert!(headers["cache-control"].to_str().unwrap_or("").starts_with("public"));
    ann.get("/media").await.assert_contains("My screen").assert_lacks("Not used anywhere");
}

#[tokio::test]
async fn media_is_seen_only_where_it_is_shown() {
    let app = spawn().await;
    let insider = app.user_browser("insider", Role::Employee).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let visitor = app.new_browser();
    app.create_board("staff-room", "discussion", "employees", "members");
    app.create_board("help", "discussion", "everyone", "members");
    let private = upload_one(&insider, "roadmap.png", png(400, 300), "image/png").await;
    let unused = upload_one(&insider, "draft.png", png(300, 300), "image/png").await;
    start_topic(&insider, "staff-room", "Plans", &format!("![The roadmap](/media/{private})")).await;
    // Naming someone else's file in a public topic does not make it readable.
    let (look, _) =
        start_topic(&carol, "help", "Look", &format!("![Stolen](/media/{private}) ![Other](/media/{unused})")).await;
    // …and shows it as a link named by its description, not as a broken picture.
    for b in [&visitor, &carol] {
        b.get(&look)
            .await
            .assert_contains(&format!(
                r#"<a href="/media/{private}" rel="nofollow ugc noopener noreferrer">Stolen</a>"#
            ))
            .assert_lacks(&format!(r#"src="/media/{private}"#))
            .assert_lacks(&format!(r#"srcset="/media/{private}"#));
    }
    for id in [private, unused] {
        for path in [format!("/media/{id}"), format!("/media/{id}/thumb"), format!("/media/{id}/w320.webp")] {
            for (who, b) in [("visitor", &visitor), ("member", &carol)] {
                let (status, _, _) = b.get_bytes(&path, &[]).await;
                assert_eq!(status, 404, "{who} fetched {path}");
            }
        }
    }
    let colleague = app.user_browser("colleague", Role::Employee).await;
    assert_eq!(colleague.get_bytes(&format!("/media/{private}"), &[]).await.0, 200);
    // One file, one address.
    for path in [format!("/media/+{private}"), format!("/media/0{private}"), format!("/media/0{private}/thumb")] {
        assert_eq!(colleague.get_bytes(&path, &[]).await.0, 404, "{path}");
    }
    assert_eq!(colleague.get_bytes(&format!("/media/{unused}"), &[]).await.0, 404);
    assert_eq!(insider.get_bytes(&format!("/media/{unused}"), &[]).await.0, 200);
    // Nobody else can delete it, and its owner cannot while it is used.
    carol.post(&format!("/media/{unused}/delete"), &[]).await.assert_status(404);
    insider
        .post(&format!("/media/{private}/delete"), &[])
        .await
        .assert_status(409)
        .assert_contains("cannot be deleted");
    insider.post(&format!("/media/{unused}/delete"), &[]).await.assert_status(303);
    insider.get("/media").await.assert_lacks("draft.png").assert_contains("roadmap.png");
    assert_eq!(insider.get_bytes(&format!("/media/{unused}"), &[]).await.0, 404);
}

#[tokio::test]
async fn uploads_at_once_are_each_stored_once_and_counted_right() {
    let app = spawn().await;
    let mut browsers = Vec::new();
    for i in 0..6 {
        browsers.push(app.user_browser(&format!("member{i}"), Role::Member).await);
    }
    let shared = png(700, 200);
    let mut tasks = Vec::new();
    for (i, b) in browsers.iter().enumerate() {
        let own = png(300 + i as u32, 200);
        let shared = shared.clone();
        tasks.push(async move {
            let (s1, j1) = b.upload_json(&[("same.png", shared, "image/png")]).await;
            let (s2, j2) = b.upload_json(&[("own.png", own, "image/png")]).await;
            assert_eq!((s1, s2), (200, 200), "{j1} {j2}");
            [j1["uploaded"][0]["id"].as_i64().unwrap_or(0), j2["uploaded"][0]["id"].as_i64().unwrap_or(0)]
        });
    }
    let ids: Vec<i64> = futures_util::future::join_all(tasks).await.into_iter().flatten().collect();
    let mut stored = app.ids("media", "content_id");
    stored.sort_unstable();
    let mut acknowledged = ids.clone();
    acknowledged.sort_unstable();
    assert_eq!(stored, acknowledged, "every acknowledged upload is there once");
    assert_eq!(app.count("media_files"), 7, "the shared file is stored once");
    let kept = app.number("SELECT CAST(COALESCE(SUM(stored_bytes), 0) AS BIGINT) AS n FROM media_files");
    let real = app.number("SELECT CAST(COALESCE(SUM(byte_size), 0) AS BIGINT) AS n FROM media_renditions");
    assert_eq!(kept, real);
}

/// An MP4 whose `moov` (after the media data, as cameras write it) says how long it is and
/// which tracks it has: `handler` "vide" or "soun".
pub fn mp4_file(brand: &[u8; 4], handler: &[u8; 4], seconds: u32) -> Vec<u8> {
    fn bx(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&(seconds * 1000).to_be_bytes());
    let mut tkhd = vec![0u8; 84];
    tkhd[76..80].copy_from_slice(&(1280u32 << 16).to_be_bytes());
    tkhd[80..84].copy_from_slice(&(720u32 << 16).to_be_bytes());
    let mut hdlr = vec![0u8; 24];
    hdlr[8..12].copy_from_slice(handler);
    let trak = bx(b"trak", &[bx(b"tkhd", &tkhd), bx(b"mdia", &bx(b"hdlr", &hdlr))].concat());
    let moov = bx(b"moov", &[bx(b"mvhd", &mvhd), trak].concat());
    [bx(b"ftyp", &[&brand[..], b"\0\0\0\0isom"].concat()), bx(b"mdat", &vec![7u8; 5000]), moov].concat()
}

#[tokio::test]
async fn sound_and_video_are_what_their_tracks_say_with_their_length() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    // A talk recorded as MP4: a video of 1:33, 1280 × 720.
    let (_, json) = ann.upload_json(&[("talk.mp4", mp4_file(b"isom", b"vide", 93), "video/mp4")]).await;
    assert_eq!(json["uploaded"][0]["media_type"], "video", "{json}");
    // Named and branded as M4A sound, but with a picture track: a video.
    let (_, json) = ann.upload_json(&[("voice.m4a", mp4_file(b"M4A ", b"vide", 5), "audio/mp4")]).await;
    assert_eq!(json["uploaded"][0]["media_type"], "video", "{json}");
    // An MP4 with sound alone is sound.
    let (_, json) = ann.upload_json(&[("show.mp4", mp4_file(b"isom", b"soun", 3725), "video/mp4")]).await;
    assert_eq!(json["uploaded"][0]["media_type"], "audio", "{json}");
    let library = ann.get("/media").await;
    library.assert_contains("1:33").assert_contains("1280 × 720").assert_contains("1:02:05");
    assert_eq!(app.number("SELECT CAST(MAX(duration_ms) AS BIGINT) AS n FROM media_files"), 3_725_000);
    // Shown in a text, a video is a player.
    let id = json["uploaded"][0]["id"].as_i64().unwrap_or(0);
    app.create_board("help", "discussion", "everyone", "members");
    let (path, _) = start_topic(&ann, "help", "Listen", &format!("![Our show](/media/{id})")).await;
    app.new_browser()
        .get(&path)
        .await
        .assert_contains(&format!(r#"<source src="/media/{id}/file.m4a" type="audio/mp4">"#))
        .assert_contains("<audio controls");
}

#[tokio::test]
async fn a_profile_picture_is_uploaded_shown_and_removed() {
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    let page = ann.upload("/settings/avatar", &[], &[("avatar", "song.mp3", mp3(), "audio/mpeg")], &[]).await;
    page.assert_status(422).assert_contains("must be a picture");
    ann.upload("/settings/avatar", &[], &[("avatar", "me.jpg", photo(600, 600), "image/jpeg")], &[])
        .await
        .assert_status(303);
    let id = app.ids("media", "content_id")[0];
    let visitor = app.new_browser();
    visitor.get("/u/ann").await.assert_contains(&format!(r#"src="/media/{id}/thumb""#));
    assert_eq!(visitor.get_bytes(&format!("/media/{id}/thumb"), &[]).await.0, 200, "avatars are public");
    ann.get("/media").await.assert_contains("your profile picture");
    ann.post(&format!("/media/{id}/delete"), &[]).await.assert_status(409);
    ann.post("/settings/avatar/remove", &[]).await.assert_status(303);
    visitor.get("/u/ann").await.assert_lacks(&format!("/media/{id}/thumb"));
    assert_eq!(visitor.get_bytes(&format!("/media/{id}/thumb"), &[]).await.0, 404);

    // Erasing the account takes the picture and every file nothing shows.
    ann.upload("/settings/avatar", &[], &[("avatar", "me2.jpg", photo(500, 500), "image/jpeg")], &[])
        .await
        .assert_status(303);
    let id = app.ids("media", "content_id").into_iter().max().unwrap_or(0);
    assert_eq!(visitor.get_bytes(&format!("/media/{id}/thumb"), &[]).await.0, 200);
    app.create_board("help", "discussion", "everyone", "members");
    let shown = upload_one(&ann, "shown.png", png(40, 30), "image/png").await;
    upload_one(&ann, "unused.png", png(30, 30), "image/png").await;
    start_topic(&ann, "help", "Kept", &format!("![A chart](/media/{shown})")).await;
    ann.post("/settings/account/delete", &[("password", crate::helpers::PASSWORD)]).await.assert_status(303);
    assert_eq!(visitor.get_bytes(&format!("/media/{id}/thumb"), &[]).await.0, 404);
    assert_eq!(app.ids("media", "content_id"), vec![shown], "only the file kept content shows stays");
    assert_eq!(visitor.get_bytes(&format!("/media/{shown}"), &[]).await.0, 200);
    // The storage page names the erased uploader without a link to a profile that is gone.
    let admin = app.user_browser("boss", Role::Admin).await;
    admin.get("/admin/media").await.assert_contains("deleted member").assert_lacks(r#"href="/u/deleted-"#);
}

#[tokio::test]
async fn a_podcast_feed_carries_episodes_as_podcast_apps_read_them() {
    let app = spawn().await;
    let host = app.user_browser("host", Role::Employee).await;
    crate::helpers::publish(&host, "host", "Hello", "First post.", "").await;
    let settings = |cover: Vec<u8>| {
        let host = &host;
        async move {
            host.upload(
                "/manage/blogs/host",
                &[
                    ("title", "Plaza Talks"),
                    ("description", "Conversations with the people who build Plaza."),
                    ("blogroll", ""),
                    ("podcast", "on"),
                    ("podcast_category", "Technology"),
                    ("podcast_language", "en"),
                    ("podcast_author", "Plaza Inc."),
                    ("podcast_email", "podcast@example.com"),
                ],
                &[("cover", "cover.png", cover, "image/png")],
                &[],
            )
            .await
        }
    };
    // Cover art smaller than podcast apps accept is refused, with the text kept.
    settings(png(800, 800))
        .await
        .assert_status(422)
        .assert_contains("at least 1,400")
        .assert_contains("podcast@example.com");
    settings(png(1600, 1500)).await.assert_status(303);
    // Unticked, the blog stops being a podcast but keeps its details for later.
    let cover_id = app.number("SELECT CAST(MAX(cover_media_id) AS BIGINT) AS n FROM podcasts");
    host.post(
        "/manage/blogs/host",
        &[
            ("title", "Plaza Talks"),
            ("description", "Conversations."),
            ("blogroll", ""),
            ("podcast_category", "Technology"),
            ("podcast_language", "en"),
            ("podcast_author", "Plaza Inc."),
        ],
    )
    .await
    .assert_status(303);
    app.new_browser().get("/blogs/host/feed.rss").await.assert_lacks("itunes:category");
    settings(png(1600, 1500)).await.assert_status(303);
    assert_eq!(app.count("podcasts"), 1);
    assert!(cover_id > 0);
    let audio = mp4_file(b"M4A ", b"soun", 1830);
    let episode = upload_one(&host, "episode-1.m4a", audio.clone(), "audio/mp4").await;
    let page = crate::helpers::editor(
        &host,
        "/write",
        &[
            ("blog", "host"),
            ("title", "Episode 1: 分享与成长"),
            ("body", "We talk about sharing."),
            ("episode", &episode.to_string()),
            ("transcript", "**Ann:** Welcome to the first episode."),
        ],
    )
    .await;
    page.assert_status(303);
    let post = app.new_browser().get(&page.location()).await;
    post.assert_contains("<audio controls").assert_contains("30:30").assert_contains("Welcome to the first episode");

    let rss = app.new_browser().get("/blogs/host/feed.rss").await;
    rss.assert_status(200);
    // For checking by hand with a real feed reader (feedparser), as BENCHMARKS.md describes.
    if let Ok(path) = std::env::var("PLAZA_DUMP_PODCAST_FEED") {
        std::fs::write(path, &rss.body).expect("dump");
    }
    let base = crate::helpers::BASE_URL;
    rss.assert_contains(&format!(
        r#"<enclosure url="{base}/media/{episode}/file.m4a" length="{}" type="audio/mp4"/>"#,
        audio.len()
    ))
    .assert_contains("<itunes:duration>00:30:30</itunes:duration>")
    .assert_contains(r#"<itunes:category text="Technology">"#)
    .assert_contains("<itunes:author>Plaza Inc.</itunes:author>")
    .assert_contains("<itunes:email>podcast@example.com</itunes:email>")
    .assert_contains("<itunes:explicit>false</itunes:explicit>")
    .assert_contains("<language>en</language>");
    let cover = rss.body.split(r#"<itunes:image href=""#).nth(1).and_then(|s| s.split('"').next()).unwrap_or("");
    let cover = cover.strip_prefix(base).unwrap_or(cover).to_string();
    let (status, headers, bytes) = app.new_browser().get_bytes(&cover, &[]).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap_or("")), (200, "image/jpeg"), "{cover}");
    assert_eq!((decoded(&bytes).width(), decoded(&bytes).height()), (1400, 1400));
    // The file itself is fetchable by any podcast app.
    let (status, _, bytes) = app.new_browser().get_bytes(&format!("/media/{episode}/file.m4a"), &[]).await;
    assert_eq!((status, bytes.len()), (200, audio.len()));
    // Atom readers get the file as an enclosure link.
    app.new_browser().get("/blogs/host/feed.atom").await.assert_contains(&format!(
        r#"<link href="{base}/media/{episode}/file.m4a" rel="enclosure" type="audio/mp4" length="{}"/>"#,
        audio.len()
    ));
}

/// Media in an S3-compatible object store (`PLAZA_MEDIA_URL=s3://…`). Runs when
/// `PLAZA_TEST_S3_ENDPOINT` names one (`.ci/run` starts moto's server for it, with `AWS_*`
/// credentials in the environment).
#[tokio::test]
async fn media_in_an_object_store_are_served_by_signed_redirects() {
    let Ok(endpoint) = std::env::var("PLAZA_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: PLAZA_TEST_S3_ENDPOINT is not set (.ci/run sets it)");
        return;
    };
    assert!(
        std::env::var("AWS_ACCESS_KEY_ID").is_ok(),
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with PLAZA_TEST_S3_ENDPOINT"
    );
    let bucket = format!("plaza-{}", &plaza::web::random_token()[..12]);
    let made = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.expect("create bucket");
    assert!(made.status().is_success(), "bucket not made: {}", made.status());
    let url = format!("s3://{bucket}/site?endpoint={endpoint}&region=us-east-1");
    let app = spawn_with(move |s| s.media_url = Some(url)).await;
    let ann = app.user_browser("ann", Role::Member).await;
    let picture = upload_one(&ann, "photo.jpg", photo(1000, 600), "image/jpeg").await;
    upload_one(&app.user_browser("bob", Role::Member).await, "same.jpg", photo(1000, 600), "image/jpeg").await;
    let sound = mp3();
    let episode = upload_one(&ann, "talk.mp3", sound.clone(), "audio/mpeg").await;
    // Nothing is written under the data dir but what uploads pass through.
    assert_eq!(walk(&app.settings.data_dir.join("media/objects")), 0);
    assert_eq!(walk(&app.settings.data_dir.join("media/tmp")), 0);
    // The same picture from two members is stored once (upright it is 600 px wide: 2 renditions),
    // and the sound file.
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix=site/"))
        .await
        .expect("list")
        .text()
        .await
        .expect("list");
    assert_eq!(listing.matches("<Key>").count(), 3, "{listing}");
    let plain = reqwest::Client::new();
    for (path, mime, check) in [
        (format!("/media/{picture}/w600.webp"), "image/webp", None),
        (format!("/media/{episode}"), "audio/mpeg", Some(sound.clone())),
    ] {
        let page = ann.get(&path).await;
        assert_eq!(page.status.as_u16(), 307, "{path}: {}", page.body);
        let to = page.location();
        assert!(to.starts_with(&endpoint) && to.contains("X-Amz-Signature="), "{to}");
        let res = plain.get(&to).send().await.expect("signed url");
        assert_eq!(res.status().as_u16(), 200, "{to}");
        assert_eq!(res.headers()["content-type"], mime);
        let bytes = res.bytes().await.expect("bytes").to_vec();
        match check {
            Some(expected) => assert_eq!(bytes, expected),
            None => assert_eq!(decoded(&bytes).width(), 600),
        }
    }
    // The policy still decides first: others get no address at all.
    app.new_browser().get(&format!("/media/{picture}")).await.assert_status(404);
}

/// Another site with a picture anyone may fetch (a member's profile picture there): its address.
async fn picture_elsewhere() -> (crate::helpers::TestApp, String) {
    let other = spawn().await;
    let b = other.user_browser("elsewhere", Role::Member).await;
    b.upload("/settings/avatar", &[], &[("avatar", "pixel.png", png(400, 400), "image/png")], &[])
        .await
        .assert_status(303);
    let id = other.ids("media", "content_id")[0];
    let url = format!("{}/media/{id}/thumb", other.addr);
    (other, url)
}

#[tokio::test]
async fn pictures_given_by_address_are_fetched_once_and_served_from_here() {
    let (_other, url) = picture_elsewhere().await;
    let app = spawn_with(|s| s.fetch_private_addresses = true).await;
    let ann = app.user_browser("ann", Role::Member).await;
    app.create_board("help", "discussion", "everyone", "members");
    let (path, id) = start_topic(&ann, "help", "Look", &format!("Like this:\n\n![A blue square]({url})")).await;
    let media = app.ids("media", "content_id");
    assert_eq!(media.len(), 1, "fetched and stored once");
    let page = app.new_browser().get(&path).await;
    page.assert_contains(&format!(r#"src="/media/{}/"#, media[0])).assert_contains(r#"alt="A blue square""#);
    assert!(!page.body.contains(&url), "the other site's address is not in the page");
    // The text now names the copy here; the author sees that in the editor.
    ann.get(&format!("/topics/{id}/edit")).await.assert_contains(&format!("![A blue square](/media/{})", media[0]));
    // Pages allow pictures from this site alone.
    let csp = page.header("content-security-policy");
    assert!(csp.contains("img-src 'self';") && csp.contains("media-src 'self';"), "{csp}");

    // A blog post's cover given by address is fetched too; another member's picture is refused.
    let host = app.user_browser("host", Role::Employee).await;
    let mine =
        crate::helpers::editor(&host, "/write", &[("blog", "host"), ("title", "Cover"), ("cover_url", &url)]).await;
    mine.assert_status(303);
    let post = app.new_browser().get(&mine.location()).await;
    assert!(!post.body.contains(&url));
    post.assert_contains(r#"<img class="cover" src="/media/"#);
    let stolen = format!("/media/{}", media[0]);
    crate::helpers::editor(&host, "/write", &[("blog", "host"), ("title", "Stolen"), ("cover_url", &stolen)])
        .await
        .assert_status(422)
        .assert_contains("your own media");
}

#[tokio::test]
async fn addresses_inside_the_network_are_never_fetched_and_the_text_is_kept() {
    let (_other, url) = picture_elsewhere().await;
    let app = spawn().await;
    let ann = app.user_browser("ann", Role::Member).await;
    app.create_board("help", "discussion", "everyone", "members");
    let body = format!("My words stay.\n\n![Internal]({url})");
    let page =
        ann.post("/forums/help/new", &[("title", "Try"), ("body", &body), ("tags", ""), ("action", "save")]).await;
    page.assert_status(422).assert_contains("not on the public internet").assert_contains("My words stay.");
    assert_eq!(app.count("media"), 0);
    // Nor are addresses of other kinds (files of the server, gopher…).
    for odd in ["file:///etc/passwd", "gopher://example.com/1", "data:image/png;base64,iVBORw0KGgo="] {
        let body = format!("Kept too.\n\n![Odd]({odd})");
        let page =
            ann.post("/forums/help/new", &[("title", "Odd"), ("body", &body), ("tags", ""), ("action", "save")]).await;
        page.assert_status(422)
            .assert_contains("Only pictures at http:// or https:// addresses")
            .assert_contains("Kept too.");
    }
    // Raw HTML cannot make readers fetch from elsewhere either.
    let (path, _) = start_topic(&ann, "help", "Pixel", "Hi <img src=\"https://tracker.example/p.gif\"> there").await;
    app.new_browser().get(&path).await.assert_lacks("tracker.example");
}
