//! `fetch` against a local HTTP server on 127.0.0.1: good files land verified, bad ones leave nothing behind.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use fspinn_model::data::{check, fetch, DataError, DatasetKind};

/// A minimal HTTP/1.1 file server serving the files of one directory, one
/// connection at a time. It stops when dropped, or by itself after 120 s.
struct Server {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, h, s) = (dir.to_path_buf(), hits.clone(), stop.clone());
        let handle = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        h.fetch_add(1, Ordering::Relaxed);
                        let _ = respond(stream, &dir);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            hits,
            stop,
            handle: Some(handle),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/files/", self.addr)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 16 * 1024 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        req.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&req);
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let name = target.strip_prefix("/files/").unwrap_or("");
    let file = (!name.is_empty() && !name.contains('/') && !name.contains(".."))
        .then(|| dir.join(name))
        .filter(|p| p.is_file());
    match file {
        Some(p) => {
            let body = fs::read(p)?;
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        None => {
            let body = b"not found";
            write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
        }
    }
    stream.flush()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A valid 28x28 IDX images file that is not MNIST.
fn tiny_images_gz() -> Vec<u8> {
    let mut idx = 0x0000_0803u32.to_be_bytes().to_vec();
    for d in [2u32, 28, 28] {
        idx.extend_from_slice(&d.to_be_bytes());
    }
    idx.extend(std::iter::repeat_n(9u8, 2 * 784));
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(&idx).unwrap();
    e.finish().unwrap()
}

#[test]
fn fetch_downloads_verifies_and_skips_present_files() {
    let Some(real) = common::data_root("the download of real files") else {
        return;
    };
    let src = real.join("mnist");
    let server = Server::start(&src);
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("mnist");

    let got = fetch(root.path(), DatasetKind::Mnist, Some(&server.url())).unwrap();
    assert_eq!(got.len(), 4);
    assert_eq!(server.hits(), 4);
    for p in &got {
        let name = p.file_name().unwrap();
        assert_eq!(p.parent().unwrap(), dest);
        assert_eq!(fs::read(p).unwrap(), fs::read(src.join(name)).unwrap());
    }
    assert_eq!(
        listing(&dest),
        [
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz"
        ]
    );
    assert!(check(&dest, DatasetKind::Mnist).iter().all(|r| r.ok));

    // everything present and verified: nothing is downloaded again
    let again = fetch(
        root.path(),
        DatasetKind::Mnist,
        Some(server.url().trim_end_matches('/')),
    )
    .unwrap();
    assert_eq!(again, got);
    assert_eq!(server.hits(), 4);

    // a damaged file is replaced, the others are kept
    fs::write(dest.join("t10k-labels-idx1-ubyte.gz"), b"damaged").unwrap();
    let again = fetch(root.path(), DatasetKind::Mnist, Some(&server.url())).unwrap();
    assert_eq!(again, got);
    assert_eq!(server.hits(), 5);

    // an uncompressed copy counts as present, and its path is returned
    let raw = dest.join("train-labels-idx1-ubyte");
    let mut v = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(dest.join("train-labels-idx1-ubyte.gz")).unwrap())
        .read_to_end(&mut v)
        .unwrap();
    fs::remove_file(dest.join("train-labels-idx1-ubyte.gz")).unwrap();
    fs::write(&raw, v).unwrap();
    let again = fetch(root.path(), DatasetKind::Mnist, Some(&server.url())).unwrap();
    assert_eq!(again[1], raw);
    assert_eq!(server.hits(), 5);
    assert_eq!(listing(&dest).len(), 4);
}

#[test]
fn fetch_rejects_a_wrong_checksum_and_leaves_nothing() {
    let served = tempfile::tempdir().unwrap();
    fs::write(
        served.path().join("train-images-idx3-ubyte.gz"),
        tiny_images_gz(),
    )
    .unwrap();
    let server = Server::start(served.path());
    let root = tempfile::tempdir().unwrap();

    let err = fetch(root.path(), DatasetKind::Mnist, Some(&server.url())).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DataError::Download { .. }), "{msg}");
    assert!(msg.contains("SHA-256 mismatch"), "{msg}");
    assert!(
        msg.contains(&format!("{}train-images-idx3-ubyte.gz", server.url())),
        "{msg}"
    );
    assert!(
        msg.contains("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        "{msg}"
    );
    assert_eq!(listing(&root.path().join("mnist")), Vec::<String>::new());

    // not an IDX file at all
    fs::write(
        served.path().join("train-images-idx3-ubyte.gz"),
        b"<html>moved</html>",
    )
    .unwrap();
    let msg = fetch(root.path(), DatasetKind::Mnist, Some(&server.url()))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("not usable") && msg.contains("bad magic"),
        "{msg}"
    );
    assert_eq!(listing(&root.path().join("mnist")), Vec::<String>::new());
}

#[test]
fn fetch_reports_404_and_leaves_nothing() {
    let served = tempfile::tempdir().unwrap();
    let server = Server::start(served.path());
    let root = tempfile::tempdir().unwrap();
    let err = fetch(root.path(), DatasetKind::FashionMnist, Some(&server.url())).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("404"), "{msg}");
    assert!(
        msg.contains(
            &root
                .path()
                .join("fashion-mnist/train-images-idx3-ubyte.gz")
                .display()
                .to_string()
        ),
        "{msg}"
    );
    assert_eq!(server.hits(), 1);
    assert_eq!(
        listing(&root.path().join("fashion-mnist")),
        Vec::<String>::new()
    );
}

#[test]
fn fetch_reports_an_unreachable_mirror() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let msg = fetch(root.path(), DatasetKind::Mnist, Some(&url))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains(&url) && msg.contains("download failed"),
        "{msg}"
    );
    assert_eq!(listing(&root.path().join("mnist")), Vec::<String>::new());
}
