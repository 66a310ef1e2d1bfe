//! Who is asking, by network address: the TCP peer, or — only when that peer is one of the
//! operator's reverse proxies (`PLAZA_TRUSTED_PROXIES`) — the address it forwarded in
//! `X-Forwarded-For`. A visitor can write any `X-Forwarded-For` they like; it counts only when a
//! trusted proxy appended to it, and then only the hops that proxy vouches for.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

fn trusted(ip: &IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|p| p.contains(ip))
}

/// The client's address. Walks `X-Forwarded-For` from the right (the hop nearest to us) while the
/// hops are trusted proxies; the first one that is not is the client.
pub fn ip(req: &HttpRequest, proxies: &[IpNet]) -> IpAddr {
    let peer = req.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let peer = canonical(peer);
    if !trusted(&peer, proxies) {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else {
            // Not an address: nothing further left can be believed.
            break;
        };
        client = ip;
        if !trusted(&ip, proxies) {
            break;
        }
    }
    client
}

/// The address as the rate limits count it: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber or host usually holds the whole /64, so stepping through it must not escape a limit).
pub fn limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        v4 => v4.to_string(),
    }
}

/// IPv4 addresses reached over IPv6 (`::ffff:10.0.0.1`) count as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    fn ip_of(peer: &str, xff: Option<&str>, proxies: &[&str]) -> String {
        let mut req = TestRequest::default().peer_addr(peer.parse().unwrap_or_else(|e| panic!("{e}")));
        if let Some(x) = xff {
            req = req.insert_header(("X-Forwarded-For", x));
        }
        super::ip(&req.to_http_request(), &nets(proxies)).to_string()
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        // No proxy configured: the header is ignored.
        assert_eq!(ip_of("203.0.113.9:5000", Some("1.2.3.4"), &[]), "203.0.113.9");
        // From a trusted proxy: the client it names.
        assert_eq!(ip_of("10.0.0.2:5000", Some("1.2.3.4"), &["10.0.0.0/8"]), "1.2.3.4");
        // A spoofed entry to the left of the real client is not believed.
        assert_eq!(ip_of("10.0.0.2:5000", Some("6.6.6.6, 1.2.3.4"), &["10.0.0.0/8"]), "1.2.3.4");
        // Two trusted proxies in a row.
        assert_eq!(ip_of("10.0.0.2:5000", Some("1.2.3.4, 10.0.0.7"), &["10.0.0.0/8"]), "1.2.3.4");
        // An untrusted peer's header is ignored even when it names a trusted address.
        assert_eq!(ip_of("198.51.100.1:5000", Some("10.0.0.1"), &["10.0.0.0/8"]), "198.51.100.1");
        // Garbage stops the walk at the last believable hop.
        assert_eq!(ip_of("10.0.0.2:5000", Some("nonsense"), &["10.0.0.0/8"]), "10.0.0.2");
    }

    #[test]
    fn limits_count_an_ipv6_prefix_as_one_address() {
        let key = |s: &str| super::limit_key(s.parse().unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(key("2001:db8:5:6::1"), key("2001:db8:5:6:ffff::99"));
        assert_ne!(key("2001:db8:5:6::1"), key("2001:db8:5:7::1"));
        assert_eq!(key("203.0.113.5"), "203.0.113.5");
        assert_eq!(key("::ffff:203.0.113.5"), "203.0.113.5");
    }
}
