//! The ports `ww run` takes: libp2p (TCP and QUIC over UDP), the HTTP
//! routes and the admin plane. Each is bound for a moment, as the node
//! would bind it; one that is taken is fine if a node running here holds
//! it, and a problem otherwise.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};

use libp2p::Multiaddr;
use libp2p::multiaddr::Protocol;
use runtime::node::state::State;

use super::{Finding, Options};

/// What a port is for, and the flag of `ww run` that moves it.
struct Port {
    what: String,
    addr: SocketAddr,
    udp: bool,
    flag: &'static str,
}

pub fn check(options: &Options, nodes: &[State]) -> Vec<Finding> {
    let libp2p = SocketAddr::from((Ipv4Addr::UNSPECIFIED, options.port));
    let mut ports = vec![
        Port {
            what: format!("port {}/tcp (libp2p)", options.port),
            addr: libp2p,
            udp: false,
            flag: "--port N",
        },
        Port {
            what: format!("port {}/udp (libp2p QUIC)", options.port),
            addr: libp2p,
            udp: true,
            flag: "--port N",
        },
        Port {
            what: format!("{} (HTTP routes)", options.http),
            addr: options.http,
            udp: false,
            flag: "--http-listen 127.0.0.1:N",
        },
    ];
    if let Some(admin) = options.admin {
        ports.push(Port {
            what: format!("{admin} (admin plane)"),
            addr: admin,
            udp: false,
            flag: "--with-http-admin 127.0.0.1:N (or off)",
        });
    }
    ports.iter().map(|port| check_one(port, nodes)).collect()
}

fn check_one(port: &Port, nodes: &[State]) -> Finding {
    let bound = if port.udp {
        UdpSocket::bind(port.addr).map(drop)
    } else {
        TcpListener::bind(port.addr).map(drop)
    };
    let number = port.addr.port();
    match bound {
        Ok(()) => Finding::ok(&port.what, "free"),
        Err(e) if e.kind() == ErrorKind::AddrInUse => match holder(port, nodes) {
            Some(pid) => Finding::ok(
                &port.what,
                format!(
                    "held by the node running here (pid {pid}); a second node needs {}",
                    port.flag
                ),
            ),
            None => Finding::problem(
                &port.what,
                "taken by another program; `ww run` would fail to start",
                format!(
                    "stop the program holding it (`ss -{}lnp 'sport = :{number}'` names it), or run `ww run {}`",
                    if port.udp { "u" } else { "t" },
                    port.flag
                ),
            ),
        },
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Finding::problem(
            &port.what,
            format!("not allowed to bind it: {e}"),
            format!("use a port above 1023: `ww run {}`", port.flag),
        ),
        Err(e) => Finding::problem(
            &port.what,
            format!("cannot bind it: {e}"),
            format!("give an address of this machine: `ww run {}`", port.flag),
        ),
    }
}

/// The pid of the running node that holds `port`, as its state file says.
fn holder(port: &Port, nodes: &[State]) -> Option<u32> {
    let number = port.addr.port();
    let on_port = |addr: &String| {
        addr.parse::<Multiaddr>().is_ok_and(|a| {
            a.iter().any(|p| match p {
                Protocol::Tcp(n) => !port.udp && n == number,
                Protocol::Udp(n) => port.udp && n == number,
                _ => false,
            })
        })
    };
    let at = |addr: &str| addr.parse::<SocketAddr>().is_ok_and(|a| a == port.addr);
    nodes
        .iter()
        .find(|node| {
            node.listen_addrs.iter().any(on_port)
                || at(&node.http)
                || node.admin.as_deref().is_some_and(at)
        })
        .map(|node| node.pid)
}
