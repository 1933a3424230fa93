#!/bin/busybox sh
# bh-init: PID 1 of the bcache-harness guest, run by busybox sh from the initramfs.
# The shebang names busybox itself so this script runs even before applet links exist.
#
# Console protocol the host reads (lines on ttyS0):
#   bh-init: modprobe NAME failed
#   bh-init: modules loaded
#   bh-init: agent exited with status N
# Kernel command line: bh.shell=1 gives an interactive shell (agent in the background).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Applet links come with the image: measured under TCG, `busybox --install -s` here costs
# ~0.06 s of guest time per boot, while the links cost 37 KB of image. Kept as a fallback.
[ -e /sbin/modprobe ] || /bin/busybox --install -s

mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
# tracefs, for the race evidence (bcache's tracepoints); a kernel without it just lacks the
# directory's files, which the harness reports when it needs them.
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec </dev/console >/dev/console 2>&1

# Kernels with CONFIG_MEM_ALLOC_PROFILING account allocations by call site in
# /proc/allocinfo while vm.mem_profiling is 1. Turned on here, before bcache loads, it counts
# every allocation bcache makes, as booting with sysctl.vm.mem_profiling=1 would; kernels
# without it have no such file, and this line does nothing.
[ -w /proc/sys/vm/mem_profiling ] && echo 1 >/proc/sys/vm/mem_profiling

while read -r module; do
  [ -n "$module" ] || continue
  modprobe "$module" || echo "bh-init: modprobe $module failed"
done </etc/bh/modules
echo "bh-init: modules loaded"

case " $(cat /proc/cmdline) " in
  *" bh.shell=1 "*)
    /bin/bh-agent &
    setsid cttyhack sh
    ;;
  *)
    /bin/bh-agent
    echo "bh-init: agent exited with status $?"
    ;;
esac
sync
poweroff -f
