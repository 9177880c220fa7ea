//! Finding and running the external tools (Yosys, OpenSTA): a missing one is an error naming
//! its Debian package, a run longer than the time allowed is stopped (its whole process group,
//! so ABC children go too) and reported as a timeout.

use std::ffi::OsString;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{io_err, SynthError};

/// An external tool: its executable, the variable that may point at it, its Debian package.
#[derive(Clone, Copy, Debug)]
pub struct Tool {
    /// Executable name on PATH.
    pub exe: &'static str,
    /// Environment variable that overrides the PATH search (a path to the executable).
    pub env: &'static str,
    /// Debian package that installs it.
    pub package: &'static str,
}

/// Yosys (generic synthesis, ABC).
pub const YOSYS: Tool = Tool {
    exe: "yosys",
    env: "YOSYS",
    package: "yosys",
};

/// OpenSTA (static timing of the mapped netlist).
pub const STA: Tool = Tool {
    exe: "sta",
    env: "STA",
    package: "opensta",
};

/// Finds `tool`: the file its environment variable names, else the first `exe` on `path`
/// (a `PATH`-style list).
pub fn find_in(
    tool: Tool,
    env_value: Option<OsString>,
    path: Option<OsString>,
) -> Result<PathBuf, SynthError> {
    let missing = |why: String| SynthError::MissingTool {
        tool: tool.exe.into(),
        package: tool.package.into(),
        why,
    };
    if let Some(v) = env_value.filter(|v| !v.is_empty()) {
        let p = PathBuf::from(v);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(missing(format!(
                "{}={} is not a file",
                tool.env,
                p.display()
            )))
        };
    }
    std::env::split_paths(&path.unwrap_or_default())
        .map(|d| d.join(tool.exe))
        .find(|p| p.is_file())
        .ok_or_else(|| missing("not on PATH".into()))
}

/// Finds `tool` from this process's environment.
pub fn find(tool: Tool) -> Result<PathBuf, SynthError> {
    find_in(tool, std::env::var_os(tool.env), std::env::var_os("PATH"))
}

/// Runs `exe args` in `dir`, stdout and stderr into `log`, for at most `timeout`; the exit
/// status must be 0. On a timeout the tool's process group is stopped.
pub fn run(
    name: &str,
    exe: &Path,
    args: &[&str],
    dir: &Path,
    log: &Path,
    timeout: Option<Duration>,
) -> Result<Duration, SynthError> {
    let out = fs::File::create(log).map_err(io_err(log))?;
    let err = out.try_clone().map_err(io_err(log))?;
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Its own process group: a timeout stops the tool and the children it started (ABC).
        .process_group(0)
        .spawn()
        .map_err(|e| SynthError::MissingTool {
            tool: name.into(),
            package: name.into(),
            why: format!("running {}: {e}", exe.display()),
        })?;
    let status = loop {
        if let Some(s) = child.try_wait().map_err(io_err(exe))? {
            break s;
        }
        if let Some(t) = timeout {
            if started.elapsed() >= t {
                // The group id is the child's pid (process_group(0)); `kill -- -PGID` stops
                // every process of the group, all of them started by this run.
                let _ = Command::new("kill")
                    .args(["-TERM", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err(SynthError::Timeout {
                    tool: name.into(),
                    seconds: t.as_secs(),
                    log: log.to_path_buf(),
                });
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        let text = fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        return Err(SynthError::ToolFailed {
            tool: name.into(),
            status: status.to_string(),
            log: log.to_path_buf(),
            tail,
        });
    }
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_tool_names_its_package() {
        let dir = tempfile::tempdir().unwrap();
        let e = find_in(YOSYS, None, Some(dir.path().as_os_str().to_owned())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`yosys` not found (not on PATH): install it with `apt-get install -y yosys`"
        );
        let e = find_in(STA, Some("/nonexistent/sta".into()), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`sta` not found (STA=/nonexistent/sta is not a file): install it with \
             `apt-get install -y opensta`"
        );
        // Found on the given PATH.
        let exe = dir.path().join("yosys");
        fs::write(&exe, "").unwrap();
        assert_eq!(
            find_in(YOSYS, None, Some(dir.path().as_os_str().to_owned())).unwrap(),
            exe
        );
    }

    #[test]
    fn a_run_past_its_timeout_is_stopped_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sleep.log");
        let started = Instant::now();
        let e = run(
            "sleep",
            Path::new("/bin/sleep"),
            &["30"],
            dir.path(),
            &log,
            Some(Duration::from_millis(300)),
        )
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            e.to_string().starts_with("sleep did not finish within 0 s"),
            "{e}"
        );
        let e = run(
            "false",
            Path::new("/bin/false"),
            &[],
            dir.path(),
            &log,
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("false failed (exit status: 1)"),
            "{e}"
        );
    }
}
