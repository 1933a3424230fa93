#include "harness/vm/qemu_command.h"

#include "protocol/protocol.h"

namespace bh {
namespace {

/// A value inside QEMU's comma-separated options: commas doubled, so a path cannot end the
/// value or add options.
std::string qemu_option_value(const std::string& value) {
  std::string escaped;
  for (char c : value) escaped += c == ',' ? std::string(",,") : std::string(1, c);
  return escaped;
}

void append(std::vector<std::string>& argv, std::initializer_list<std::string> items) {
  argv.insert(argv.end(), items);
}

std::vector<std::string> accel_args(Accel accel) {
  if (accel == Accel::kKvm) return {"-accel", "kvm", "-cpu", "host"};
  return {"-accel", "tcg,thread=multi"};
}

std::vector<std::string> console_args(const VmConfig& config) {
  const std::string log = qemu_option_value(config.console_log.string());
  if (config.console == ConsoleMode::kInteractive) {
    return {"-chardev", "stdio,id=console,signal=off,logfile=" + log, "-serial", "chardev:console"};
  }
  return {"-chardev", "file,id=console,path=" + log, "-serial", "chardev:console"};
}

/// The control port, and an entropy source so the guest's CRNG initialises at boot.
std::vector<std::string> control_channel_args(const VmConfig& config) {
  return {"-device",  "virtio-rng-pci",
          "-device",  "virtio-serial-pci,id=vser",
          "-chardev", "socket,id=ctl,path=" + qemu_option_value(config.control_socket.string()) + ",server=on,wait=off",
          "-device",  "virtserialport,bus=vser.0,chardev=ctl,name=" + std::string(protocol::kPortName)};
}

std::vector<std::string> disk_args(const std::vector<VirtioDisk>& disks) {
  std::vector<std::string> args;
  for (std::size_t i = 0; i < disks.size(); ++i) {
    const std::string id = "disk" + std::to_string(i);
    append(args, {"-drive",
                  "file=" + qemu_option_value(disks[i].image.string()) + ",if=none,id=" + id +
                      ",format=raw,cache=" + disks[i].cache + ",aio=" + disks[i].aio + ",file.locking=on",
                  "-device", "virtio-blk-pci,drive=" + id + ",serial=" + disks[i].serial});
  }
  return args;
}

}  // namespace

std::string accel_name(Accel accel) { return accel == Accel::kKvm ? "kvm" : "tcg"; }

std::string kernel_cmdline(const VmConfig& config) {
  std::string cmdline = "console=ttyS0 panic=-1 loglevel=7 printk.time=1";
  if (!config.extra_cmdline.empty()) cmdline += " " + config.extra_cmdline;
  return cmdline;
}

std::vector<std::string> qemu_argv(const VmConfig& config) {
  std::vector<std::string> argv = {config.qemu_binary.string(),
                                   "-name",
                                   "bcache-harness-guest",
                                   "-nodefaults",
                                   "-no-user-config",
                                   "-display",
                                   "none",
                                   "-no-reboot",
                                   "-nic",
                                   "none"};
  for (const auto& part :
       {accel_args(config.accel), console_args(config), control_channel_args(config), disk_args(config.disks)}) {
    argv.insert(argv.end(), part.begin(), part.end());
  }
  if (!config.qmp_socket.empty()) {
    append(argv, {"-qmp", "unix:" + qemu_option_value(config.qmp_socket.string()) + ",server=on,wait=off"});
  }
  append(argv, {"-m", std::to_string(config.memory_mib), "-smp", std::to_string(config.cpus), "-kernel",
                config.kernel_image.string(), "-initrd", config.initramfs.string(), "-append", kernel_cmdline(config)});
  return argv;
}

}  // namespace bh
