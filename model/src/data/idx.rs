//! IDX file reader: gzip detection by magic, header validation before allocation, single-pass SHA-256.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;
use sha2::{Digest, Sha256};

use super::error::DataError;

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Deflate cannot expand data by more than about 1032:1; a header claiming more
/// than this ratio allows for the compressed file is rejected before anything is allocated.
const MAX_DEFLATE_RATIO: u64 = 1032;
/// Slack for gzip headers and tiny files in the ratio check.
const RATIO_SLACK: u64 = 4096;
/// Largest buffer reserved up front for a gzip stream, per compressed byte, so a header
/// that passes the ratio check still cannot make us reserve much more than is really there.
const GZ_RESERVE_FACTOR: u64 = 16;
/// Largest buffer reserved up front when the source length is unknown.
const UNKNOWN_LEN_RESERVE: u64 = 64 << 20;

/// What the caller expects the file to hold; checked against the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A 3-D unsigned-byte file; `dims` optionally fixes (rows, cols).
    Images { dims: Option<(usize, usize)> },
    /// A 1-D unsigned-byte file.
    Labels,
}

impl Expect {
    fn magic(&self) -> u32 {
        match self {
            Expect::Images { .. } => IMAGES_MAGIC,
            Expect::Labels => LABELS_MAGIC,
        }
    }

    fn ndims(&self) -> usize {
        match self {
            Expect::Images { .. } => 3,
            Expect::Labels => 1,
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Expect::Images { .. } => "IDX unsigned-byte 3-D images",
            Expect::Labels => "IDX unsigned-byte 1-D labels",
        }
    }
}

/// A parsed and structurally verified IDX file, with the hashes computed while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxData {
    /// Number of items (images or labels), the first dimension.
    pub count: usize,
    /// Rows per image (1 for labels).
    pub rows: usize,
    /// Columns per image (1 for labels).
    pub cols: usize,
    /// The data after the header, `count * rows * cols` bytes.
    pub data: Vec<u8>,
    /// Whether the file was gzip-compressed.
    pub gzipped: bool,
    /// Size of the file as stored.
    pub file_bytes: u64,
    /// SHA-256 of the file as stored (lower-case hex).
    pub file_sha256: String,
    /// SHA-256 of the decompressed IDX content, header included (equals `file_sha256` for raw files).
    pub content_sha256: String,
}

/// Reads and checks the IDX file at `path` (gzipped or not).
pub fn read_path(path: &Path, expect: Expect) -> Result<IdxData, DataError> {
    let file = File::open(path).map_err(DataError::io(path))?;
    let meta = file.metadata().map_err(DataError::io(path))?;
    if meta.is_dir() {
        return Err(DataError::Io {
            path: path.to_path_buf(),
            err: io::Error::other("is a directory, expected an IDX file"),
        });
    }
    read_from(file, Some(meta.len()), path, expect)
}

/// Reads and checks an IDX stream; `len` is the stored size if known (it bounds what
/// the header may claim), `path` is only used in error messages.
pub fn read_from<R: Read>(
    mut src: R,
    len: Option<u64>,
    path: &Path,
    expect: Expect,
) -> Result<IdxData, DataError> {
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut src, &mut magic).map_err(DataError::io(path))?;
    let src = (&magic[..n]).chain(src);
    if n == 2 && magic == [0x1f, 0x8b] {
        let members = GzMembers::new(BufReader::with_capacity(1 << 16, Hashing::new(src)));
        let mut content = Hashing::new(members);
        let (count, rows, cols, data) = read_content(&mut content, len, true, path, expect)?;
        // The stream only ends once its input is exhausted, so the file hasher
        // has now seen every byte; drain defensively anyway.
        let content_sha256 = content.finish_hex();
        let mut stored = content.inner.into_inner().into_inner();
        io::copy(&mut stored, &mut io::sink()).map_err(DataError::io(path))?;
        let file_bytes = stored.bytes;
        Ok(IdxData {
            count,
            rows,
            cols,
            data,
            gzipped: true,
            file_bytes,
            file_sha256: stored.finish_hex(),
            content_sha256,
        })
    } else {
        let mut content = Hashing::new(src);
        let (count, rows, cols, data) = read_content(&mut content, len, false, path, expect)?;
        let file_bytes = content.bytes;
        let sha = content.finish_hex();
        Ok(IdxData {
            count,
            rows,
            cols,
            data,
            gzipped: false,
            file_bytes,
            file_sha256: sha.clone(),
            content_sha256: sha,
        })
    }
}

/// SHA-256 (hex) and size of a file, streamed; for reports on files that failed to parse.
pub fn hash_file(path: &Path) -> Result<(String, u64), DataError> {
    let file = File::open(path).map_err(DataError::io(path))?;
    let mut h = Hashing::new(file);
    io::copy(&mut h, &mut io::sink()).map_err(DataError::io(path))?;
    let bytes = h.bytes;
    Ok((h.finish_hex(), bytes))
}

/// Parses header and data from the (decompressed) content stream.
fn read_content<R: Read>(
    r: &mut R,
    len: Option<u64>,
    gz: bool,
    path: &Path,
    expect: Expect,
) -> Result<(usize, usize, usize, Vec<u8>), DataError> {
    let stream = if gz { "decompressed stream" } else { "file" };
    let mut word = [0u8; 4];
    read_header(r, &mut word, 0, gz, path, stream)?;
    let found = u32::from_be_bytes(word);
    check_magic(found, expect, path)?;

    let ndims = expect.ndims();
    let mut dims = [0u64; 3];
    for (i, d) in dims.iter_mut().take(ndims).enumerate() {
        read_header(r, &mut word, 4 + 4 * i, gz, path, stream)?;
        *d = u64::from(u32::from_be_bytes(word));
    }
    let header_len = 4 + 4 * ndims as u64;
    let (count, rows, cols) = match expect {
        Expect::Labels => (dims[0], 1, 1),
        Expect::Images { dims: want } => {
            let (rows, cols) = (dims[1], dims[2]);
            if rows == 0 || cols == 0 {
                return Err(DataError::BadDims {
                    path: path.to_path_buf(),
                    detail: format!("images are {rows}x{cols}; rows and columns must be non-zero"),
                });
            }
            if let Some((wr, wc)) = want {
                if (rows, cols) != (wr as u64, wc as u64) {
                    return Err(DataError::BadDims {
                        path: path.to_path_buf(),
                        detail: format!("images are {rows}x{cols}, expected {wr}x{wc}"),
                    });
                }
            }
            (dims[0], rows, cols)
        }
    };
    // count, rows, cols < 2^32 each, so count * (rows * cols) < 2^96 may overflow u64.
    let body = (rows * cols)
        .checked_mul(count)
        .ok_or_else(|| DataError::TooLarge {
            path: path.to_path_buf(),
            detail: format!("{count} items of {rows}x{cols} bytes overflow a 64-bit size"),
        })?;
    let claimed = header_len + body; // header_len is tiny, body < 2^64 - 2^32
    let what = if ndims == 3 { "images" } else { "labels" };

    // Check the claim against what the source can hold before reserving anything.
    if let Some(len) = len {
        if !gz && claimed > len {
            return Err(DataError::Truncated {
                path: path.to_path_buf(),
                detail: format!(
                    "the header promises {count} {what} ({claimed} bytes with the header), \
                     but the file has only {len} bytes"
                ),
            });
        }
        if !gz && claimed < len {
            return Err(DataError::TrailingData {
                path: path.to_path_buf(),
                detail: format!(
                    "the header promises {count} {what} ({claimed} bytes with the header), \
                     but the file has {len} bytes"
                ),
            });
        }
        if gz
            && claimed
                > len
                    .saturating_mul(MAX_DEFLATE_RATIO)
                    .saturating_add(RATIO_SLACK)
        {
            return Err(DataError::TooLarge {
                path: path.to_path_buf(),
                detail: format!(
                    "the header promises {count} {what} ({claimed} bytes), more than a \
                     {len}-byte gzip file can hold"
                ),
            });
        }
    }
    let body_usize = usize::try_from(body).map_err(|_| DataError::TooLarge {
        path: path.to_path_buf(),
        detail: format!("{body} bytes of {what} do not fit in memory on this platform"),
    })?;
    let reserve = match (gz, len) {
        (false, Some(_)) => body, // checked equal to the file length above
        (true, Some(len)) => body.min(len.saturating_mul(GZ_RESERVE_FACTOR)),
        (_, None) => body.min(UNKNOWN_LEN_RESERVE),
    };
    let mut data = Vec::with_capacity(reserve as usize);
    // Read at most one byte more than promised, to notice trailing data without reading it all.
    r.take(body + 1)
        .read_to_end(&mut data)
        .map_err(|e| stream_error(e, gz, path))?;
    if data.len() < body_usize {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            detail: format!(
                "the header promises {count} {what} ({body} bytes after the {header_len}-byte \
                 header), but the {stream} ends after {} of them",
                data.len()
            ),
        });
    }
    if data.len() > body_usize {
        let detail = if gz {
            // Decompress the rest (into nothing) to tell a damaged stream from extra data.
            let extra = io::copy(r, &mut io::sink()).map_err(|e| stream_error(e, gz, path))?;
            format!(
                "the {stream} holds {} bytes of {what} after the header, but its header promises {body}",
                data.len() as u64 + extra
            )
        } else {
            format!("the {stream} goes on after the {body} bytes of {what} its header promises")
        };
        return Err(DataError::TrailingData {
            path: path.to_path_buf(),
            detail,
        });
    }
    let to_usize = |v: u64| v as usize; // all < 2^32 or checked via body_usize
    Ok((to_usize(count), to_usize(rows), to_usize(cols), data))
}

fn read_header<R: Read>(
    r: &mut R,
    word: &mut [u8; 4],
    offset: usize,
    gz: bool,
    path: &Path,
    stream: &str,
) -> Result<(), DataError> {
    r.read_exact(word).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            DataError::Truncated {
                path: path.to_path_buf(),
                detail: format!(
                    "the {stream} ends inside the IDX header (before byte {})",
                    offset + 4
                ),
            }
        } else {
            stream_error(e, gz, path)
        }
    })
}

/// Maps a read error to the most helpful variant: damaged gzip data, gzip cut short, or plain I/O.
fn stream_error(err: io::Error, gz: bool, path: &Path) -> DataError {
    let after_stream = err
        .get_ref()
        .is_some_and(|e| e.downcast_ref::<NotGzip>().is_some());
    match (gz, err.kind()) {
        (true, _) if after_stream => DataError::TrailingData {
            path: path.to_path_buf(),
            detail: "the file goes on after the end of the gzip stream with data that is not gzip"
                .to_string(),
        },
        (true, ErrorKind::InvalidInput | ErrorKind::InvalidData) => DataError::Gzip {
            path: path.to_path_buf(),
            err,
        },
        (true, ErrorKind::UnexpectedEof) => DataError::Truncated {
            path: path.to_path_buf(),
            detail: format!("the gzip stream ends early ({err})"),
        },
        _ => DataError::Io {
            path: path.to_path_buf(),
            err,
        },
    }
}

/// Decompresses a gzip file member after member (concatenated gzip files are valid gzip),
/// reporting non-gzip bytes after a member as [`NotGzip`] rather than as a broken header.
struct GzMembers<R: BufRead> {
    decoder: Option<GzDecoder<R>>,
    finished: Option<R>,
}

impl<R: BufRead> GzMembers<R> {
    fn new(inner: R) -> Self {
        GzMembers {
            decoder: Some(GzDecoder::new(inner)),
            finished: None,
        }
    }

    fn into_inner(self) -> R {
        match (self.decoder, self.finished) {
            (Some(d), _) => d.into_inner(),
            (None, Some(r)) => r,
            (None, None) => unreachable!("GzMembers always holds its reader"),
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // End of a member: more input must be another member, or nothing.
            let mut inner = self.decoder.take().expect("checked above").into_inner();
            let rest = inner.fill_buf()?;
            if rest.is_empty() {
                self.finished = Some(inner);
                return Ok(0);
            }
            if rest[0] != 0x1f {
                self.finished = Some(inner);
                return Err(io::Error::new(ErrorKind::InvalidData, NotGzip));
            }
            self.decoder = Some(GzDecoder::new(inner));
        }
    }
}

/// Marker error: bytes after a complete gzip member that do not start another member.
#[derive(Debug)]
struct NotGzip;

impl fmt::Display for NotGzip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("data after the end of the gzip stream is not gzip")
    }
}

impl std::error::Error for NotGzip {}

fn check_magic(found: u32, expect: Expect, path: &Path) -> Result<(), DataError> {
    let expected = expect.magic();
    if found == expected {
        return Ok(());
    }
    let ty = (found >> 8) & 0xff;
    let nd = found & 0xff;
    let detail = if found >> 16 != 0 {
        "not an IDX file (its first two bytes must be zero)".to_string()
    } else if ty != 0x08 {
        let name = match ty {
            0x09 => "signed byte",
            0x0b => "16-bit integer",
            0x0c => "32-bit integer",
            0x0d => "32-bit float",
            0x0e => "64-bit float",
            _ => "unknown type",
        };
        format!("element type 0x{ty:02x} ({name}) is not supported, only 0x08 (unsigned byte)")
    } else {
        let hint = match (nd, expect) {
            (1, Expect::Images { .. }) => " (this looks like a labels file)",
            (3, Expect::Labels) => " (this looks like an images file)",
            _ => "",
        };
        format!("{nd} dimension(s), expected {}{hint}", expect.ndims())
    };
    Err(DataError::BadMagic {
        path: path.to_path_buf(),
        found,
        expected,
        detail: format!("({}): {detail}", expect.describe()),
    })
}

/// Reads until `buf` is full or the stream ends; returns the number of bytes read.
fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that hashes and counts everything read through it.
pub(crate) struct Hashing<R> {
    pub(crate) inner: R,
    hasher: Sha256,
    pub(crate) bytes: u64,
}

impl<R> Hashing<R> {
    pub(crate) fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The hex digest of everything read so far (resets the hasher).
    pub(crate) fn finish_hex(&mut self) -> String {
        to_hex(&self.hasher.finalize_reset())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Lower-case hex of a byte string.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}
