#pragma once
/// Building QEMU's argument vector and the guest kernel command line (pure functions).

#include <filesystem>
#include <string>
#include <vector>

namespace bh {

/// The accelerator QEMU runs the guest with.
enum class Accel { kKvm, kTcg };

/// "kvm" or "tcg".
std::string accel_name(Accel accel);

/// A raw disk image given to the guest as a virtio-blk device with a serial number, which
/// the guest uses to find it (/sys/block/vdX/serial).
struct VirtioDisk {
  std::filesystem::path image;  ///< an image file or a host block device
  std::string serial;
  std::string cache = "writeback";  ///< QEMU's cache mode: "writeback" (host page cache) or "none" (O_DIRECT)
  std::string aio = "threads";      ///< QEMU's AIO: "threads" or "native" (Linux AIO, needs cache=none)
};

/// Where the guest's serial console goes.
enum class ConsoleMode {
  kLogFile,     ///< written to the console log only
  kInteractive  ///< the terminal (stdio), also copied to the console log
};

/// Everything that decides one QEMU invocation.
struct VmConfig {
  std::filesystem::path qemu_binary = "qemu-system-x86_64";
  Accel accel = Accel::kTcg;
  std::filesystem::path kernel_image;  ///< bzImage, or an ELF vmlinux booted through PVH
  std::filesystem::path initramfs;
  std::string extra_cmdline;  ///< appended to the harness's own parameters
  int memory_mib = 1024;
  int cpus = 2;
  std::vector<VirtioDisk> disks;
  std::filesystem::path console_log;
  std::filesystem::path control_socket;  ///< unix socket QEMU listens on for the agent
  std::filesystem::path qmp_socket;      ///< unix socket for QMP (qmp_client.h); none when empty
  ConsoleMode console = ConsoleMode::kLogFile;
};

/// The guest kernel's command line: serial console, panic ends the VM (panic=-1 with
/// -no-reboot), full console log level so warnings and oopses reach console.log.
std::string kernel_cmdline(const VmConfig& config);

/// QEMU's argument vector, argv[0] included. No network, no reboot, no display.
std::vector<std::string> qemu_argv(const VmConfig& config);

}  // namespace bh
