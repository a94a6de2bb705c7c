//! The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
//! the nearest untrusted address in `X-Forwarded-For`.

use std::net::IpAddr;

use actix_web::HttpRequest;

pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|addr| addr.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Some(from_forwarded_chain(peer, forwarded, trusted_proxies))
}

/// Walks `X-Forwarded-For` from the right (the hop nearest us): the first address that is not a
/// trusted proxy is the client. Anything left of it was written by the client and proves nothing.
fn from_forwarded_chain(peer: IpAddr, forwarded: &str, trusted_proxies: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    for hop in forwarded.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(address) => {
                client = address;
                if !trusted_proxies.contains(&address) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            from_forwarded_chain(ip("10.0.0.2"), "203.0.113.7", &proxies),
            ip("203.0.113.7")
        );
        assert_eq!(
            from_forwarded_chain(
                ip("10.0.0.2"),
                "198.51.100.1, 203.0.113.7, 10.0.0.3",
                &proxies
            ),
            ip("203.0.113.7")
        );
        // A client cannot choose its address by writing the header itself.
        assert_eq!(
            from_forwarded_chain(ip("10.0.0.2"), "1.2.3.4, 203.0.113.7", &proxies),
            ip("203.0.113.7")
        );
        assert_eq!(
            from_forwarded_chain(ip("10.0.0.2"), "", &proxies),
            ip("10.0.0.2")
        );
        assert_eq!(
            from_forwarded_chain(ip("10.0.0.2"), "rác, 203.0.113.7", &proxies),
            ip("203.0.113.7")
        );
    }
}
