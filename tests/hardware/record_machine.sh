#!/bin/sh
# Copy what modelscout's hardware detection reads on this machine into DEST, for test fixtures:
# /proc/cpuinfo and meminfo, the cgroup memory files, memory hotplug state, NVML's raw answers,
# nvidia-smi's view, and modelscout's own report. Usage: record_machine.sh DEST [PYTHON]
set -u
DEST=$1
PY=${2:-python3}
mkdir -p "$DEST"
cp /proc/cpuinfo "$DEST/cpuinfo" 2>/dev/null
cp /proc/meminfo "$DEST/meminfo" 2>/dev/null
cp /proc/self/cgroup "$DEST/self_cgroup" 2>/dev/null
grep cgroup /proc/self/mountinfo > "$DEST/mountinfo_cgroup" 2>/dev/null
for f in memory.max memory.high memory.current memory.limit_in_bytes memory.usage_in_bytes \
         memory/memory.limit_in_bytes memory/memory.usage_in_bytes cgroup.controllers cpu.max; do
  [ -r "/sys/fs/cgroup/$f" ] && echo "$f: $(cat /sys/fs/cgroup/$f)" >> "$DEST/cgroup_files"
done
ls -la /sys/fs/cgroup > "$DEST/cgroup_ls" 2>&1
uname -a > "$DEST/uname"
nproc > "$DEST/nproc"
(lscpu || true) > "$DEST/lscpu" 2>&1
ls /sys/devices/system/memory > "$DEST/sys_memory_ls" 2>&1
cat /sys/devices/system/memory/block_size_bytes > "$DEST/sys_memory_block_size" 2>&1
for d in /sys/bus/virtio/devices/*; do echo "$d $(cat $d/device 2>/dev/null) $(readlink $d/driver)"; done > "$DEST/virtio_devices" 2>&1
(dmesg 2>/dev/null | grep -i -E 'balloon|virtio_mem|virtio-mem|hotplug|Memory:' | head -50) > "$DEST/dmesg_memory"
(grep -i -E 'System RAM|virtio' /proc/iomem) > "$DEST/iomem" 2>&1
df -B1 "${HF_HOME:-$HOME/.cache/huggingface}" / > "$DEST/df" 2>&1
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,memory.used,memory.free,driver_version,compute_cap --format=csv > "$DEST/nvidia-smi.csv" 2>&1
  nvidia-smi -q > "$DEST/nvidia-smi-q.txt" 2>&1
fi
"$PY" "$(dirname "$0")/record_nvml.py" > "$DEST/nvml.json" 2> "$DEST/nvml.err"
"$PY" -c 'import psutil, json; m=psutil.virtual_memory(); print(json.dumps({"total": m.total, "available": m.available, "cpu_logical": psutil.cpu_count(), "cpu_physical": psutil.cpu_count(logical=False)}))' > "$DEST/psutil.json" 2>&1
# The cgroup chain from this process's cgroup to the root: each level's memory limit and usage.
p=$(cut -d: -f3 /proc/self/cgroup | tail -1)
d=/sys/fs/cgroup$p
while :; do
  echo "$d max=$(cat $d/memory.max 2>/dev/null) current=$(cat $d/memory.current 2>/dev/null)"
  [ "$d" = /sys/fs/cgroup ] && break
  d=$(dirname "$d")
done > "$DEST/cgroup_chain"
# modelscout's own view, when it can be imported here.
if "$PY" -c 'import modelscout' 2>/dev/null; then
  "$PY" -m modelscout hw --json > "$DEST/hw.json" 2> "$DEST/hw.err"
  "$PY" -m modelscout hw > "$DEST/hw.txt" 2>&1
fi
