#include "harness/vm/qemu_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace bh {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

VmConfig sample_config() {
  VmConfig config;
  config.kernel_image = "/cache/vmlinux";
  config.initramfs = "/cache/image.cpio";
  config.console_log = "/run/console.log";
  config.control_socket = "/run/ctl.sock";
  config.disks = {{"/run/cache.img", "bh-cache"}, {"/run/backing.img", "bh-backing"}};
  return config;
}

/// The value following `flag` each time it appears.
std::vector<std::string> values_of(const std::vector<std::string>& argv, const std::string& flag) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag) values.push_back(argv[i + 1]);
  }
  return values;
}

TEST(QemuArgv, HasNoNetworkNoRebootAndTheKernelAndInitramfs) {
  const auto argv = qemu_argv(sample_config());
  EXPECT_EQ(argv.front(), "qemu-system-x86_64");
  EXPECT_THAT(argv, Contains("-no-reboot"));
  EXPECT_THAT(values_of(argv, "-nic"), Contains("none"));
  EXPECT_THAT(values_of(argv, "-kernel"), Contains("/cache/vmlinux"));
  EXPECT_THAT(values_of(argv, "-initrd"), Contains("/cache/image.cpio"));
}

TEST(QemuArgv, TcgUsesMultiThreadedTranslationAndKvmTheHostCpu) {
  auto config = sample_config();
  EXPECT_THAT(values_of(qemu_argv(config), "-accel"), Contains("tcg,thread=multi"));
  config.accel = Accel::kKvm;
  const auto argv = qemu_argv(config);
  EXPECT_THAT(values_of(argv, "-accel"), Contains("kvm"));
  EXPECT_THAT(values_of(argv, "-cpu"), Contains("host"));
}

TEST(QemuArgv, EveryDiskIsAVirtioBlkDeviceWithItsSerial) {
  const auto argv = qemu_argv(sample_config());
  const auto drives = values_of(argv, "-drive");
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_THAT(drives[0], HasSubstr("file=/run/cache.img"));
  EXPECT_THAT(drives[0], HasSubstr("format=raw"));
  EXPECT_THAT(values_of(argv, "-device"), Contains("virtio-blk-pci,drive=disk1,serial=bh-backing"));
}

TEST(QemuArgv, HostDevicesGoInWithoutTheHostCacheAndPathsCannotAddOptions) {
  auto config = sample_config();
  config.disks = {{"/dev/loop7", "bh-cache", "none", "native"}, {"/out,with,commas/backing.img", "bh-backing"}};
  const auto drives = values_of(qemu_argv(config), "-drive");
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_EQ(drives[0], "file=/dev/loop7,if=none,id=disk0,format=raw,cache=none,aio=native,file.locking=on");
  EXPECT_EQ(drives[1],
            "file=/out,,with,,commas/backing.img,if=none,id=disk1,format=raw,cache=writeback,aio=threads,"
            "file.locking=on");
}

TEST(QemuArgv, ACommaInTheRunDirectoryCannotAddOptions) {
  auto config = sample_config();
  config.console_log = "/out,x=y/console.log";
  config.control_socket = "/out,x=y/ctl.sock";
  const auto argv = qemu_argv(config);
  EXPECT_THAT(values_of(argv, "-chardev"), Contains("file,id=console,path=/out,,x=y/console.log"));
  EXPECT_THAT(values_of(argv, "-chardev"), Contains("socket,id=ctl,path=/out,,x=y/ctl.sock,server=on,wait=off"));
}

TEST(QemuArgv, ControlChannelIsAVirtioSerialPortOnAUnixSocket) {
  const auto argv = qemu_argv(sample_config());
  EXPECT_THAT(values_of(argv, "-chardev"), Contains("socket,id=ctl,path=/run/ctl.sock,server=on,wait=off"));
  EXPECT_THAT(values_of(argv, "-device"), Contains("virtserialport,bus=vser.0,chardev=ctl,name=bh.ctl"));
}

TEST(QemuArgv, ConsoleGoesToTheLogOrToTheTerminalAndTheLog) {
  auto config = sample_config();
  EXPECT_THAT(values_of(qemu_argv(config), "-chardev"), Contains("file,id=console,path=/run/console.log"));
  config.console = ConsoleMode::kInteractive;
  EXPECT_THAT(values_of(qemu_argv(config), "-chardev"),
              Contains("stdio,id=console,signal=off,logfile=/run/console.log"));
}

TEST(KernelCmdline, PanicEndsTheVmAndExtraParametersAreAppended) {
  auto config = sample_config();
  config.extra_cmdline = "bh.shell=1";
  const auto cmdline = kernel_cmdline(config);
  EXPECT_THAT(cmdline, HasSubstr("console=ttyS0"));
  EXPECT_THAT(cmdline, HasSubstr("panic=-1"));
  EXPECT_EQ(cmdline.substr(cmdline.size() - 10), "bh.shell=1");
}

}  // namespace
}  // namespace bh
