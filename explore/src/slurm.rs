//! `fspinn explore slurm`: an sbatch array script in which every task runs one point (or one
//! block of points) with `fspinn explore --point K` / `--shard i/n`. The shared output
//! directory is the only coordination: results are atomic files named by hash.

use crate::space::Space;
use std::fmt::Write as _;
use std::path::Path;

/// The script's text. `exe`, `space` and `out` should be absolute (tasks run elsewhere).
pub fn script(space: &Space, exe: &Path, space_path: &Path, out: &Path) -> String {
    let r = &space.file.slurm;
    let total = space.points.len();
    let per = r.points_per_task.max(1) as usize;
    let tasks = total.div_ceil(per).max(1);
    let q = |p: &Path| shell_quote(&p.display().to_string());
    let mut s = String::new();
    let _ = writeln!(s, "#!/bin/bash");
    let _ = writeln!(
        s,
        "# Written by `fspinn explore slurm`: {total} points in {tasks} array tasks."
    );
    let _ = writeln!(s, "#SBATCH --job-name=fspinn-explore");
    let _ = writeln!(s, "#SBATCH --array=0-{}", tasks - 1);
    let _ = writeln!(s, "#SBATCH --cpus-per-task={}", r.cpus_per_task);
    let _ = writeln!(s, "#SBATCH --mem={}M", r.mem_mb);
    let _ = writeln!(s, "#SBATCH --time={}", r.time);
    if let Some(p) = &r.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    let _ = writeln!(s, "#SBATCH --output={}/slurm-%A_%a.log", q(out));
    let _ = writeln!(s, "set -euo pipefail");
    let _ = writeln!(
        s,
        "export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-1}}\""
    );
    if per == 1 {
        let _ = writeln!(
            s,
            "exec {} explore --space {} --out {} --point \"$SLURM_ARRAY_TASK_ID\"",
            q(exe),
            q(space_path),
            q(out)
        );
    } else {
        let _ = writeln!(
            s,
            "exec {} explore --space {} --out {} --shard \"$SLURM_ARRAY_TASK_ID/{tasks}\"",
            q(exe),
            q(space_path),
            q(out)
        );
    }
    s
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
