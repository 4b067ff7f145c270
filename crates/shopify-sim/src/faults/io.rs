//! The connection-level half of fault injection: every accepted connection is wrapped so
//! that a request's handler can make the server drop it, or cut the answer short, the way a
//! failing network or proxy would.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What the server may still write on a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Pass,
    /// Every write fails: the connection is closed without (the rest of) an answer.
    Fail,
    /// The status line and headers pass, then `body_allowance` bytes of body, then the
    /// connection is closed.
    Truncate {
        /// How many bytes of the `\r\n\r\n` ending the headers were seen so far (4 = all).
        header_end_matched: u8,
        body_allowance: usize,
    },
}

/// A handle on one connection, given to the handler through `ConnectInfo`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnControl(Arc<Mutex<Mode>>);

impl ConnControl {
    /// The answer to the current request is never written; the connection closes.
    pub fn drop_connection(&self) {
        self.set(Mode::Fail);
    }

    /// The headers of the current answer and `body_bytes` of its body are written, then the
    /// connection closes.
    pub fn truncate_body(&self, body_bytes: usize) {
        self.set(Mode::Truncate {
            header_end_matched: 0,
            body_allowance: body_bytes,
        });
    }

    fn set(&self, mode: Mode) {
        if let Ok(mut current) = self.0.lock() {
            *current = mode;
        }
    }

    fn mode(&self) -> Mode {
        self.0.lock().map(|mode| *mode).unwrap_or(Mode::Fail)
    }
}

impl<'a> Connected<IncomingStream<'a, FaultListener>> for ConnControl {
    fn connect_info(stream: IncomingStream<'a, FaultListener>) -> Self {
        stream.io().control.clone()
    }
}

/// A TCP listener whose connections carry a [`ConnControl`].
pub(crate) struct FaultListener(pub TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        let (stream, address) = Listener::accept(&mut self.0).await;
        let io = FaultIo {
            inner: stream,
            control: ConnControl::default(),
        };
        (io, address)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

pub(crate) struct FaultIo {
    inner: TcpStream,
    control: ConnControl,
}

fn injected() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "fault injected")
}

/// How many bytes of `buf` may be written in `mode`, and the mode after writing `written`
/// of them.
fn allowance(mode: Mode, buf: &[u8]) -> usize {
    let Mode::Truncate {
        mut header_end_matched,
        body_allowance,
    } = mode
    else {
        return buf.len();
    };
    if header_end_matched == 4 {
        return body_allowance.min(buf.len());
    }
    for (position, byte) in buf.iter().enumerate() {
        header_end_matched = advance(header_end_matched, *byte);
        if header_end_matched == 4 {
            return (position + 1 + body_allowance).min(buf.len());
        }
    }
    buf.len()
}

fn after_write(mode: Mode, written: &[u8]) -> Mode {
    let Mode::Truncate {
        mut header_end_matched,
        mut body_allowance,
    } = mode
    else {
        return mode;
    };
    for byte in written {
        if header_end_matched == 4 {
            body_allowance = body_allowance.saturating_sub(1);
        } else {
            header_end_matched = advance(header_end_matched, *byte);
        }
    }
    Mode::Truncate {
        header_end_matched,
        body_allowance,
    }
}

/// One step of matching `\r\n\r\n`.
fn advance(matched: u8, byte: u8) -> u8 {
    const END: &[u8; 4] = b"\r\n\r\n";
    if byte == END[matched as usize] {
        matched + 1
    } else if byte == b'\r' {
        1
    } else {
        0
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mode = self.control.mode();
        if mode == Mode::Fail {
            return Poll::Ready(Err(injected()));
        }
        let allowed = allowance(mode, buf);
        if allowed == 0 && !buf.is_empty() {
            self.control.set(Mode::Fail);
            return Poll::Ready(Err(injected()));
        }
        let result = Pin::new(&mut self.inner).poll_write(cx, &buf[..allowed]);
        if let Poll::Ready(Ok(written)) = result {
            if mode != Mode::Pass {
                self.control.set(after_write(mode, &buf[..written]));
            }
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_passes_headers_then_part_of_the_body() {
        let response = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789";
        let mode = Mode::Truncate {
            header_end_matched: 0,
            body_allowance: 4,
        };
        let allowed = allowance(mode, response);
        assert_eq!(
            &response[..allowed],
            b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123"
        );
        // Written in two parts, the allowance carries over.
        let first = 20;
        let mode = after_write(mode, &response[..first]);
        let rest = &response[first..];
        assert_eq!(allowance(mode, rest), rest.len() - 6);
        let mode = after_write(mode, &rest[..allowance(mode, rest)]);
        assert_eq!(allowance(mode, b"89"), 0);
    }
}
