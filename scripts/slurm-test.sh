#!/usr/bin/env bash
# Proves `fspinn explore` on a real Slurm cluster of one node: installs slurm-wlm and munge (as
# root, when missing), starts munged, slurmctld and slurmd on localhost with a private config,
# submits the tiny space as an sbatch array (one task per point, >= 4 tasks), waits, runs the
# report and checks it; stops the daemons at exit. Usage: scripts/slurm-test.sh [FSPINN_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${1:-}
if [ -z "$BIN" ]; then
  cargo build --quiet --bin fspinn
  BIN="$ROOT/target/debug/fspinn"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "slurm-test: needs slurm-wlm and munge (apt-get install slurm-wlm munge, as root)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm munge \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm munge; }
fi

WORK=$(mktemp -d /tmp/fspinn-slurm.XXXXXX)
chmod 755 "$WORK"
CONF="$WORK/etc"
mkdir -p "$CONF" "$WORK/spool/ctld" "$WORK/spool/d" "$WORK/log" "$WORK/munge"
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ $rc != 0 ]; then
    echo "slurm-test: FAILED (rc $rc); logs in $WORK/log" >&2
    tail -n 20 "$WORK"/log/*.log >&2 2>/dev/null || true
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT

HOST=$(hostname -s)
USER_NAME=$(id -un)
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))

# munge: a private key and socket, so nothing of the machine's setup is touched.
dd if=/dev/urandom bs=1 count=1024 of="$WORK/munge/munge.key" status=none
chmod 400 "$WORK/munge/munge.key"
SOCK="$WORK/munge/munge.socket"
munged --key-file="$WORK/munge/munge.key" --socket="$SOCK" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" \
  --seed-file="$WORK/munge/seed" --force -F &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

cat > "$CONF/slurm.conf" <<CONF_EOF
ClusterName=fspinn-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=$USER_NAME
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCK
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldPort=6917
SlurmdPort=6918
StateSaveLocation=$WORK/spool/ctld
SlurmdSpoolDir=$WORK/spool/d
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
InactiveLimit=0
KillWait=5
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF_EOF
export SLURM_CONF="$CONF/slurm.conf"
printf 'ConstrainCores=no\n' > "$CONF/cgroup.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed' && break
  sleep 0.3
done
sinfo
sinfo -h -o '%T' | grep -qE 'idle|mixed' || { echo "slurm-test: the node did not come up" >&2; exit 1; }

OUT="$WORK/run"
JOB="$WORK/job.sh"
"$BIN" explore slurm --space examples/explore/tiny.toml --out "$OUT" --emit "$JOB"
grep -q -- '--array=0-3' "$JOB" || { echo "slurm-test: expected a 4-task array" >&2; exit 1; }
export FSPINN_DATA=${FSPINN_DATA:-}
JOBID=$(sbatch --parsable "$JOB")
echo "submitted array job $JOBID"
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$JOBID" 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h -j "$JOBID" 2>/dev/null)" ] || { echo "slurm-test: job $JOBID still queued after 10 min" >&2; squeue; exit 1; }
ls "$OUT"/slurm-*.log >/dev/null
TASKS=$(ls "$OUT"/slurm-"$JOBID"_*.log | wc -l)
echo "array tasks run: $TASKS"
[ "$TASKS" -ge 4 ] || { echo "slurm-test: $TASKS task logs, expected 4" >&2; exit 1; }

REPORT=$("$BIN" explore report "$OUT" --json | tail -n 1)
python3 - "$REPORT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["finished"] == 4 and r["total_points"] == 4 and not r["missing"], r
assert r["pareto"], "empty front"
assert r["chosen"] is not None, "no chosen design"
assert len(r["plots"]) == 4, r["plots"]
print("slurm-test: report ok: %d points, front %s, chosen point %d" %
      (r["finished"], r["pareto"], r["chosen"]["index"]))
PY
# A rerun through Slurm's result directory does no work.
AGAIN=$("$BIN" explore --space examples/explore/tiny.toml --out "$OUT" --json | tail -n 1)
echo "$AGAIN" | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["ran"]==0, j'
echo "slurm-test: PASS"
