//! Files the desk is given to read (`madoguchi oqs parse FILE`, the OQS
//! folder's `face/` and `res/` files, an appointment list, a backup to
//! restore): only **regular files**. A named pipe would block the reader
//! forever with no message, a device or a socket is nothing the desk should
//! read; they are refused with [`NotRegularFile`] before a byte is read.
//!
//! The check is made twice: on the path (following links — a link to a
//! regular file is a regular file), and on the opened file itself, which is
//! opened without blocking (`O_NONBLOCK` on Unix: opening a FIFO would
//! otherwise wait for a writer), so a file swapped in between is refused too.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// The file is a named pipe, a device, a socket or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a regular file (a {kind})")]
pub struct NotRegularFile {
    /// `named pipe`, `socket`, `device`, `folder` or `special file`.
    pub kind: &'static str,
}

fn kind_of(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    if t.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

fn refuse(t: fs::FileType) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, NotRegularFile { kind: kind_of(t) })
}

/// The [`NotRegularFile`] inside an error of [`open_regular`] or [`read`].
pub fn not_regular(e: &io::Error) -> Option<NotRegularFile> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<NotRegularFile>()).copied()
}

/// Opens `path` for reading if it is a regular file; else an error of kind
/// `InvalidInput` holding [`NotRegularFile`].
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse(meta.file_type()));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    // Shared with the other programs that use the same files (the 連携アプリ
    // writing, the レセコン moving face files away): never a lock on them.
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
        options.share_mode(0x1 | 0x2 | 0x4);
    }
    let file = options.open(path)?;
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(refuse(opened.file_type()));
    }
    Ok(file)
}

/// All bytes of the regular file `path`, at most `limit + 1` of them when a
/// limit is given (so that the caller can tell "too large" without reading
/// a huge file).
pub fn read(path: &Path, limit: Option<u64>) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let cap = limit.map_or(len, |l| len.min(l + 1));
    let mut bytes = Vec::with_capacity(cap as usize);
    match limit {
        Some(l) => file.take(l + 1).read_to_end(&mut bytes)?,
        None => (&file).read_to_end(&mut bytes)?,
    };
    Ok(bytes)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_named_pipe_and_a_folder_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.xml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // On a thread: a reader that blocks on the pipe fails the test, not hangs it.
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = fifo.clone();
        std::thread::spawn(move || tx.send(read(&pipe, None).map_err(|e| not_regular(&e))));
        let got = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("read answered: it did not block on the pipe");
        assert_eq!(got.unwrap_err(), Some(NotRegularFile { kind: "named pipe" }));
        let e = read(dir.path(), None).unwrap_err();
        assert_eq!(not_regular(&e).map(|n| n.kind), Some("folder"));
        let file = dir.path().join("a.xml");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read(&file, None).unwrap(), b"0123456789");
        assert_eq!(read(&file, Some(3)).unwrap(), b"0123");
        // A link to a regular file is read.
        std::os::unix::fs::symlink(&file, dir.path().join("link.xml")).unwrap();
        assert_eq!(read(&dir.path().join("link.xml"), None).unwrap().len(), 10);
    }
}
