//! Domain: Cloudflare's published address ranges (cloudflare.com/ips). A tracking host that
//! answers with these addresses and no CNAME is proxied ("orange cloud"): the ESP never sees
//! the requests and cannot issue the certificate, so tracked links break.

use std::net::IpAddr;

const V4: &[([u8; 4], u8)] = &[
    ([173, 245, 48, 0], 20),
    ([103, 21, 244, 0], 22),
    ([103, 22, 200, 0], 22),
    ([103, 31, 4, 0], 22),
    ([141, 101, 64, 0], 18),
    ([108, 162, 192, 0], 18),
    ([190, 93, 240, 0], 20),
    ([188, 114, 96, 0], 20),
    ([197, 234, 240, 0], 22),
    ([198, 41, 128, 0], 17),
    ([162, 158, 0, 0], 15),
    ([104, 16, 0, 0], 13),
    ([104, 24, 0, 0], 14),
    ([172, 64, 0, 0], 13),
    ([131, 0, 72, 0], 22),
];

const V6: &[([u16; 2], u8)] = &[
    ([0x2400, 0xcb00], 32),
    ([0x2606, 0x4700], 32),
    ([0x2803, 0xf800], 32),
    ([0x2405, 0xb500], 32),
    ([0x2405, 0x8100], 32),
    ([0x2a06, 0x98c0], 29),
    ([0x2c0f, 0xf248], 32),
];

/// Is `ip` in one of Cloudflare's ranges?
pub fn contains(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let a = u32::from(v4);
            V4.iter().any(|(net, bits)| {
                let mask = u32::MAX << (32 - u32::from(*bits));
                a & mask == u32::from_be_bytes(*net) & mask
            })
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let top = (u32::from(s[0]) << 16) | u32::from(s[1]);
            V6.iter().any(|(net, bits)| {
                let mask = u32::MAX << (32 - u32::from(*bits));
                top & mask == ((u32::from(net[0]) << 16) | u32::from(net[1])) & mask
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn ranges() {
        for ip in ["104.16.1.1", "172.67.1.1", "2606:4700::1111", "2a06:98c7::1", "162.159.0.1"] {
            assert!(contains(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["127.0.0.1", "93.184.215.14", "104.32.0.1", "2001:db8::1", "172.72.0.1"] {
            assert!(!contains(ip.parse().unwrap()), "{ip}");
        }
    }
}
