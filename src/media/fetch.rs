//! Pictures given by their address (a post's cover, `![…](https://…)` in a text) are fetched once
//! by the server and stored like uploads, so readers' browsers never ask another site for
//! anything (no tracking pixels; the Content-Security-Policy allows pictures from this site
//! alone). The fetch is bounded and never reaches this network: only http(s) on the usual ports,
//! only public addresses (checked after the name is resolved, and the connection pinned to the
//! address checked), a few redirects each checked the same way, a time limit and a size limit.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use sha2::Digest;

use super::upload::{Received, clean_name};

/// How long one fetch may take, all redirects included.
const TIME_LIMIT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 3;

/// Is this an address on the public internet (not this machine, this network, or a reserved
/// range)?
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // 6to4 carries an IPv4 address in its second and third groups: judged by that one.
            if s[0] == 0x2002 {
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || s[..6].iter().all(|g| *g == 0) // IPv4-compatible (::a.b.c.d), deprecated
                || (s[0] == 0x2001 && s[1] == 0) // Teredo (tunnels to an IPv4 address)
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated, still routed privately)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b)) // NAT64 (reaches IPv4 behind it)
        }
    }
}

/// Fetch a picture by its address into a received file (as if uploaded). `Err` is a catalog key.
/// (`private`: also from this machine and private networks; only the test suite sets it.)
pub async fn fetch(
    url: &str,
    max_bytes: u64,
    tmp_dir: std::path::PathBuf,
    private: bool,
) -> Result<Received, &'static str> {
    tokio::time::timeout(TIME_LIMIT, fetch_inner(url, max_bytes, tmp_dir, private))
        .await
        .unwrap_or(Err("media-err-fetch-slow"))
}

async fn fetch_inner(
    url: &str,
    max_bytes: u64,
    tmp_dir: std::path::PathBuf,
    private: bool,
) -> Result<Received, &'static str> {
    let mut current = url::Url::parse(url).map_err(|_| "media-err-fetch-url")?;
    for _ in 0..=MAX_REDIRECTS {
        let (host, addr) = checked_target(&current, private).await?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(&host, addr)
            .timeout(TIME_LIMIT)
            .user_agent("Plaza (fetching a picture a member linked)")
            .build()
            .map_err(|_| "error-internal")?;
        let mut res = client
            .get(current.as_str())
            .header("Accept", "image/webp,image/png,image/jpeg,image/gif")
            .send()
            .await
            .map_err(|_| "media-err-fetch")?;
        if res.status().is_redirection() {
            let to = res.headers().get("location").and_then(|v| v.to_str().ok()).ok_or("media-err-fetch")?;
            current = current.join(to).map_err(|_| "media-err-fetch-url")?;
            continue;
        }
        if !res.status().is_success() {
            return Err("media-err-fetch");
        }
        if res.content_length().is_some_and(|n| n > max_bytes) {
            return Err("media-err-too-big");
        }
        let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(|_| "error-internal")?;
        let mut hasher = sha2::Sha256::new();
        let mut head = Vec::new();
        let mut size = 0u64;
        while let Some(chunk) = res.chunk().await.map_err(|_| "media-err-fetch")? {
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err("media-err-too-big");
            }
            if head.len() < super::sniff::HEAD {
                let take = (super::sniff::HEAD - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            tmp.write_all(&chunk).map_err(|_| "error-internal")?;
        }
        // Only pictures are fetched this way (sound and video are uploaded).
        if !matches!(super::sniff::sniff(&head)?, super::sniff::Sniffed::Image(_)) {
            return Err("media-err-fetch-type");
        }
        let name = current.path_segments().and_then(|mut s| s.next_back()).unwrap_or("picture");
        let name = percent_decoded(name);
        return Ok(Received {
            field: String::new(),
            file_name: clean_name(&name),
            tmp: tmp.into_temp_path(),
            size,
            sha256: hex::encode(hasher.finalize()),
            head,
        });
    }
    Err("media-err-fetch")
}

fn percent_decoded(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The host of an address and the one public socket address the fetch will use for it.
async fn checked_target(url: &url::Url, private: bool) -> Result<(String, SocketAddr), &'static str> {
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return Err("media-err-fetch-url");
    }
    let port = url.port_or_known_default().ok_or("media-err-fetch-url")?;
    let host = url.host_str().ok_or("media-err-fetch-url")?.to_string();
    let lookup = format!("{}:{port}", host.trim_start_matches('[').trim_end_matches(']'));
    let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
        use std::net::ToSocketAddrs;
        lookup.to_socket_addrs().map(|a| a.collect::<Vec<_>>())
    })
    .await
    .map_err(|_| "error-internal")?
    .map_err(|_| "media-err-fetch")?;
    // Every address the name has must be public: a name that also points inside is refused.
    if addrs.is_empty() || (!private && addrs.iter().any(|a| !is_public(a.ip()))) {
        return Err("media-err-fetch-private");
    }
    if !matches!(port, 80 | 443 | 8080 | 8443) && !private {
        return Err("media-err-fetch-port");
    }
    Ok((host, addrs[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::127.0.0.1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "fec0::1",
        ] {
            let ip: IpAddr = private.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
            assert!(!is_public(ip), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2002:5db8:d822::1"] {
            let ip: IpAddr = public.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
            assert!(is_public(ip), "{public}");
        }
    }

    #[tokio::test]
    async fn addresses_inside_or_odd_are_refused_before_any_request() {
        let dir = std::env::temp_dir();
        for url in [
            "http://127.0.0.1/x.png",
            "http://localhost/x.png",
            "http://[::1]/x.png",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
            "ftp://example.com/x.png",
            "http://user:pw@example.com/x.png",
            "http://127.0.0.1:22/x.png",
            "not a url",
        ] {
            let got = fetch(url, 1_000_000, dir.clone(), false).await.map(|_| ());
            assert!(matches!(got, Err("media-err-fetch-private" | "media-err-fetch-url")), "{url}: {got:?}");
        }
    }
}
