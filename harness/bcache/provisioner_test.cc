#include "harness/bcache/provisioner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/vm/fake_guest.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using protocol::Json;
using testing::FakeGuest;
using ::testing::HasSubstr;

constexpr const char* kSys = "/sys/block/bcache0/bcache/";
constexpr const char* kUuid = "5e1c2d3a-0000-4000-8000-000000000001";

/// A guest that behaves like bcache's sysfs: registration creates bcache0, cache_mode shows
/// its choices with the selected one in brackets, sizes read back in bcache's hprint format.
class BcacheGuest : public FakeGuest {
 public:
  bool ignore_cutoff = false;       ///< the kernel accepts the write but keeps its old value
  bool refuse_register = false;     ///< registration fails as a damaged superblock's would
  bool bad_superblock = false;      ///< bcache-super-show fails
  std::string first_sector = "16";  ///< what bcache-super-show prints as dev.data.first_sector
  bool die_on_register = false;     ///< the guest stops answering at the first registration
  bool never_attach = false;        ///< registration works but bcache0 stays "no cache"
  bool dead = false;                ///< every call fails as a channel to a dead QEMU does

  Expected<Json> call(std::string_view op, Json fields, std::chrono::milliseconds timeout) override {
    if (dead) return fail("QEMU exited while waiting for the guest agent's answer to '" + std::string(op) + "'");
    return FakeGuest::call(op, std::move(fields), timeout);
  }

  BcacheGuest() {
    files["/sys/block/vda/serial"] = "bh-cache";
    files["/sys/block/vdb/serial"] = "bh-backing";
    files["/sys/block/vdb/size"] = "2097152\n";
    files["/proc/uptime"] = "12.5 20.1\n";
    exec_handler = [this](const std::vector<std::string>& argv) { return exec(argv); };
    write_hook = [this](const std::string& path, const std::string& value) { return write(path, value); };
  }

  Json exec(const std::vector<std::string>& argv) {
    if (argv[0] == "bcache-super-show") {
      if (bad_superblock) return Json{{"exit_code", 1}, {"stdout", ""}, {"stderr", "Bad magic\n"}};
      return Json{
          {"exit_code", 0},
          {"stdout", "sb.magic\t\tok\ndev.data.first_sector\t" + first_sector + "\ncset.uuid\t\t" + kUuid + "\n"}};
    }
    if (argv[0] == "dmsetup" && argv[1] == "table") {
      return Json{{"exit_code", 0}, {"stdout", "0 2097152 delay 254:16 0 0 254:16 0 50\n"}};
    }
    return Json{{"exit_code", 0}, {"stdout", ""}};
  }

  std::string write(const std::string& path, const std::string& value) {
    if (path == "/sys/fs/bcache/register") {
      if (refuse_register) return "Invalid argument";
      if (die_on_register) {
        dead = true;
        return "Input/output error";
      }
      registered.push_back(value);
      if (never_attach) files[std::string(kSys) + "state"] = "no cache\n";
      if (registered.size() == 2 && !never_attach) {
        files[std::string(kSys) + "state"] = "clean\n";
        files[std::string(kSys) + "cache_mode"] = "[writethrough] writeback writearound none\n";
        files[std::string(kSys) + "sequential_cutoff"] = "4.0M\n";
        files[std::string("/sys/fs/bcache/") + kUuid + "/congested_read_threshold_us"] = "2000\n";
      }
      return "";
    }
    if (path == std::string(kSys) + "cache_mode") {
      std::string shown;
      for (std::string mode : {"writethrough", "writeback", "writearound", "none"}) {
        shown += (shown.empty() ? "" : " ") + (mode == value ? "[" + mode + "]" : mode);
      }
      files[path] = shown + "\n";
      return "";
    }
    if (path == std::string(kSys) + "sequential_cutoff") {
      if (value.find_first_not_of("0123456789") != std::string::npos) return "Invalid argument";
      if (!ignore_cutoff) files[path] = std::to_string(std::stoull(value) / 1024) + ".0k\n";
      return "";
    }
    if (!files.count(path)) return "No such file or directory";
    files[path] = value + "\n";
    return "";
  }

  std::vector<std::string> registered;
};

BcacheSettings race_settings() {
  BcacheSettings settings;
  settings.cache_mode = CacheMode::kWritearound;
  settings.sequential_cutoff_bytes = 65536;
  settings.delay_write_ms = 50;
  return settings;
}

TEST(Provisioner, BuildsTheStackAndReadsEveryKnobBack) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).provision(race_settings());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().cache_device, "/dev/vda");
  EXPECT_EQ(result.value().backing_top, "/dev/mapper/bh-delay");
  EXPECT_EQ(result.value().cset_uuid, kUuid);
  EXPECT_EQ(result.value().data_offset_bytes, 8192u);
  EXPECT_EQ(result.value().readback.at("cache_mode"), "writethrough writeback [writearound] none");
  EXPECT_EQ(result.value().readback.at("sequential_cutoff"), "64.0k");
  EXPECT_EQ(result.value().readback.at("congested_read_threshold_us"), "2000");
  EXPECT_EQ(guest.registered, (std::vector<std::string>{"/dev/vda", "/dev/mapper/bh-delay"}));
}

TEST(Provisioner, MakeBcacheGetsTheBucketAndBothDevices) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  ASSERT_TRUE(Provisioner(agent).provision(race_settings()));
  bool saw = false;
  for (const auto& argv : guest.exec_log) {
    if (argv[0] != "make-bcache") continue;
    saw = true;
    EXPECT_THAT(argv, ::testing::ElementsAre("make-bcache", "--wipe-bcache", "--bucket", "64k", "--block", "4k", "-C",
                                             "/dev/vda", "-B", "/dev/mapper/bh-delay"));
  }
  EXPECT_TRUE(saw);
}

TEST(Provisioner, AFormattedStackOffersAViewOfItsDataBeforeAnythingRegisters) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  Provisioner provisioner(agent);
  auto formatted = provisioner.format(race_settings());
  ASSERT_TRUE(formatted) << formatted.error().message;
  EXPECT_TRUE(guest.registered.empty());
  auto view = provisioner.open_data_view(formatted.value(), 32 << 20);
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view.value(), "/dev/mapper/bh-data");
  // The raw backing device from bcache's data offset (16 sectors): byte N is bcache0's byte N.
  EXPECT_THAT(guest.exec_log,
              ::testing::Contains(::testing::ElementsAre("dmsetup", "create", "bh-data", "--noudevsync",
                                                         "--noudevrules", "--table", "0 65536 linear /dev/vdb 16")));
  ASSERT_TRUE(provisioner.close_data_view());
  EXPECT_THAT(guest.exec_log.back(), ::testing::ElementsAre("dmsetup", "remove", "--noudevsync", "bh-data"));
  EXPECT_TRUE(guest.registered.empty());
  ASSERT_TRUE(provisioner.attach(race_settings(), {}, formatted.value()));
  EXPECT_EQ(guest.registered, (std::vector<std::string>{"/dev/vda", "/dev/mapper/bh-delay"}));
  EXPECT_EQ(formatted.value().readback.at("sequential_cutoff"), "64.0k");
  EXPECT_FALSE(provisioner.open_data_view(formatted.value(), 1000)) << "not whole sectors";
}

TEST(Provisioner, AKnobThatSilentlyKeepsItsOldValueIsAnErrorNamingIt) {
  BcacheGuest guest;
  guest.ignore_cutoff = true;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).provision(race_settings());
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("sequential_cutoff"));
  EXPECT_THAT(result.error().message, HasSubstr("wrote '65536'"));
  EXPECT_THAT(result.error().message, HasSubstr("read back '4.0M'"));
}

TEST(Provisioner, AKnobMissingOnThisKernelIsAnErrorNamingIt) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto settings = race_settings();
  settings.readahead_bytes = 1 << 20;
  auto result = Provisioner(agent).provision(settings);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("setting readahead"));
}

TEST(Provisioner, LoopDevicesAreCreatedInTheGuest) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto settings = race_settings();
  settings.devices = DeviceKind::kLoop;
  settings.delay_write_ms.reset();
  auto result = Provisioner(agent).provision(settings);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().cache_device, "/dev/loop0");
  EXPECT_EQ(result.value().backing_top, "/dev/loop1");
  EXPECT_THAT(guest.exec_log[0], ::testing::ElementsAre("truncate", "-s", "268435456", "/tmp/bh-cache.img"));
}

TEST(Provisioner, AMissingDiskIsAnError) {
  BcacheGuest guest;
  guest.files.erase("/sys/block/vdb/serial");
  GuestAgent agent(guest);
  auto result = Provisioner(agent).provision(race_settings());
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("bh-backing"));
}

TEST(Provisioner, NeverAttachingIsAnErrorWithTheState) {
  BcacheGuest guest;
  guest.write_hook = [&](const std::string& path, const std::string&) {
    if (path == "/sys/fs/bcache/register") guest.files[std::string(kSys) + "state"] = "no cache\n";
    return std::string();
  };
  GuestAgent agent(guest);
  auto result = Provisioner(agent).provision(race_settings());
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("no cache"));
}

TEST(Provisioner, ARequiredKnobThisKernelLacksIsReportedNotSet) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).provision(race_settings(), {"congested_read_threshold_us", "no_such_knob"});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().missing_knobs, std::vector<std::string>{"no_such_knob"});
  EXPECT_EQ(guest.files.at(std::string(kSys) + "cache_mode"), "[writethrough] writeback writearound none\n")
      << "no knob is set when the scenario does not apply";
}

TEST(Provisioner, AGarbledDataOffsetIsAnErrorQuotingIt) {
  for (const std::string garbled : {"16abc", "-16", "", "99999999999999999999", "36028797018963968"}) {
    BcacheGuest guest;
    guest.first_sector = garbled;
    GuestAgent agent(guest);
    auto result = Provisioner(agent).provision(race_settings());
    ASSERT_FALSE(result) << garbled;
    EXPECT_THAT(result.error().message, HasSubstr("dev.data.first_sector")) << garbled;
  }
}

TEST(SuperShowSectorBytes, ConvertsSectorsToBytesWithCheckedNumbers) {
  EXPECT_EQ(super_show_sector_bytes("dev.data.first_sector\t16\n", "dev.data.first_sector").value(), 8192u);
  auto bad = super_show_sector_bytes("dev.data.first_sector\t0x10\n", "dev.data.first_sector");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "bcache-super-show printed 'dev.data.first_sector' as '0x10', not a number of sectors");
  // 2^55 sectors are 2^64 bytes: one too many for 64 bits.
  EXPECT_FALSE(super_show_sector_bytes("dev.data.first_sector 36028797018963968", "dev.data.first_sector"));
  EXPECT_EQ(super_show_sector_bytes("dev.data.first_sector 36028797018963967", "dev.data.first_sector").value(),
            36028797018963967ull * 512);
}

TEST(Reattach, AGarbledDataOffsetIsAnErrorNotThrownNorAFinding) {
  BcacheGuest guest;
  guest.first_sector = "sixteen";
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_FALSE(result) << "refusal: " << result.value().refusal;
  EXPECT_THAT(result.error().message, HasSubstr("'dev.data.first_sector' as 'sixteen'"));
}

TEST(ReadbackMatches, UnderstandsBcacheFormats) {
  EXPECT_TRUE(readback_matches("cache_mode", "writeback", "writethrough [writeback] none"));
  EXPECT_FALSE(readback_matches("cache_mode", "writeback", "[writethrough] writeback none"));
  EXPECT_TRUE(readback_matches("sequential_cutoff", "65536", "64.0k"));
  EXPECT_TRUE(readback_matches("sequential_cutoff", "4194304", "4.0M"));
  EXPECT_FALSE(readback_matches("sequential_cutoff", "65536", "4.0M"));
  EXPECT_TRUE(readback_matches("congested_read_threshold_us", "0", "0\n"));
  EXPECT_FALSE(readback_matches("congested_read_threshold_us", "0", "2000"));
}

TEST(Reattach, RegistersTheRawDevicesWithoutFormattingThem) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().refusal, "");
  EXPECT_EQ(guest.registered, (std::vector<std::string>{"/dev/vda", "/dev/vdb"}))
      << "after a cut the dm-delay layer is gone; bcache's superblock is at the same place on the raw disk";
  EXPECT_EQ(result.value().bcache.data_offset_bytes, 8192u);
  EXPECT_EQ(result.value().bcache.cset_uuid, kUuid);
  EXPECT_EQ(result.value().bcache.readback.at("cache_mode"), "writethrough");
  EXPECT_EQ(result.value().bcache.readback.at("state"), "clean");
  for (const auto& argv : guest.exec_log) EXPECT_NE(argv[0], "make-bcache");
}

TEST(Reattach, TheKernelRefusingADeviceIsAFindingNotAnError) {
  BcacheGuest guest;
  guest.refuse_register = true;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_THAT(result.value().refusal, HasSubstr("registering /dev/vda"));
  EXPECT_THAT(result.value().refusal, HasSubstr("Invalid argument"));
}

TEST(Reattach, ABcache0ThatNeverAttachesIsAFinding) {
  BcacheGuest guest;
  guest.never_attach = true;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_THAT(result.value().refusal, HasSubstr("did not attach to its cache within 10 s (state: no cache)"));
}

TEST(Reattach, AGuestThatStopsAnsweringIsAnErrorNotAFinding) {
  BcacheGuest guest;
  guest.die_on_register = true;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_FALSE(result) << "refusal: " << result.value().refusal;
  EXPECT_THAT(result.error().message, HasSubstr("QEMU exited"));
}

TEST(Reattach, AFailingBcacheSuperShowAfterBcacheTookTheDevicesIsAnError) {
  BcacheGuest guest;
  guest.bad_superblock = true;
  GuestAgent agent(guest);
  auto result = Provisioner(agent).reattach(race_settings());
  ASSERT_FALSE(result) << "refusal: " << result.value().refusal;
  EXPECT_THAT(result.error().message, HasSubstr("bcache-super-show"));
  EXPECT_THAT(result.error().message, HasSubstr("Bad magic"));
}

TEST(Reattach, LoopDevicesCannotSurviveACut) {
  BcacheGuest guest;
  GuestAgent agent(guest);
  auto settings = race_settings();
  settings.devices = DeviceKind::kLoop;
  auto result = Provisioner(agent).reattach(settings);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("virtio"));
}

}  // namespace
}  // namespace bh
