#include "guest/agent/read_blocks_op.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "guest/agent/agent.h"
#include "guest/agent/fake_guest_system.h"
#include "guest/agent/posix_guest_system.h"
#include "protocol/base64.h"
#include "protocol/lz4_block.h"

namespace bh::agent {
namespace {

using protocol::Json;

/// 16 KiB where every byte tells its 4 KiB block and position apart.
std::string sample_device() {
  std::string bytes(16384, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i / 4096 * 31 + i % 251);
  return bytes;
}

class ReadBlocksOpTest : public ::testing::Test {
 protected:
  ReadBlocksOpTest() { system_.files["/dev/bcache0"] = sample_device(); }
  Json request(std::uint64_t offset, std::uint64_t length) {
    return {{"op", "read_blocks"}, {"path", "/dev/bcache0"}, {"offset", offset}, {"length", length}};
  }
  std::string error_of(const Json& bad) { return handle_read_blocks(system_, bad).error().message; }

  FakeGuestSystem system_;
};

TEST_F(ReadBlocksOpTest, ReturnsTheRangeAsBase64) {
  auto response = handle_read_blocks(system_, request(4096, 8192));
  ASSERT_TRUE(response) << response.error().message;
  auto data = protocol::base64_decode(response.value()["data_base64"].get<std::string>());
  ASSERT_TRUE(data);
  EXPECT_EQ(data.value(), sample_device().substr(4096, 8192));
  EXPECT_EQ(system_.direct_reads, std::vector<std::string>{"/dev/bcache0@4096+8192"});
}

TEST_F(ReadBlocksOpTest, CompressesWithLz4WhenAsked) {
  Json lz4 = request(4096, 8192);
  lz4["compression"] = "lz4";
  auto response = handle_read_blocks(system_, lz4);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response.value()["compression"], "lz4");
  EXPECT_EQ(response.value()["raw_bytes"], 8192);
  auto compressed = protocol::base64_decode(response.value()["data_lz4_base64"].get<std::string>());
  ASSERT_TRUE(compressed);
  EXPECT_EQ(protocol::lz4_decompress(compressed.value(), 8192).value(), sample_device().substr(4096, 8192));
  lz4["compression"] = "gzip";
  EXPECT_EQ(error_of(lz4), "field 'compression' must be \"lz4\" or absent, not \"gzip\"");
}

TEST_F(ReadBlocksOpTest, IsDispatchedByTheAgent) {
  Agent agent(system_);
  Json line = request(0, 4096);
  line["id"] = 3;
  const Json response = agent.handle(line);
  EXPECT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["id"], 3);
  EXPECT_EQ(response["data_base64"].get<std::string>().size(), 4096u / 3 * 4 + 4);
}

TEST_F(ReadBlocksOpTest, RejectsMissingAndUnalignedFields) {
  EXPECT_EQ(error_of({{"offset", 0}, {"length", 4096}}), "missing field 'path'");
  EXPECT_EQ(error_of({{"path", "/dev/bcache0"}, {"length", 4096}}), "missing field 'offset'");
  EXPECT_EQ(error_of({{"path", "/dev/bcache0"}, {"offset", 0}}), "missing field 'length'");
  EXPECT_EQ(error_of(request(512, 4096)), "field 'offset' must be a multiple of 4096 (got 512)");
  EXPECT_EQ(error_of(request(0, 0)), "field 'length' must be a positive multiple of 4096 (got 0)");
  EXPECT_EQ(error_of(request(0, 65u << 20)), "field 'length' must be at most 67108864 (64 MiB), got 68157440");
  EXPECT_EQ(error_of({{"path", "/dev/bcache0"}, {"offset", -4096}, {"length", 4096}}),
            "field 'offset' must be a non-negative integer");
  EXPECT_TRUE(system_.direct_reads.empty());
}

TEST_F(ReadBlocksOpTest, PassesOnAFailedRead) {
  EXPECT_EQ(error_of(request(12288, 8192)), "read /dev/bcache0 at offset 12288: short read");
}

class ReadDirectPosixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/bh-read-blocks-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/device.img";
    std::ofstream(path_, std::ios::binary) << sample_device();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  std::string path_;
};

TEST_F(ReadDirectPosixTest, ReadsExactlyTheRange) {
  auto data = read_direct_posix(path_, 8192, 8192);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data.value(), sample_device().substr(8192, 8192));
}

TEST_F(ReadDirectPosixTest, AShortReadNamesPathAndOffset) {
  auto data = read_direct_posix(path_, 12288, 8192);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().message, "read " + path_ +
                                      " at offset 16384: short read (4096 of 8192 bytes, "
                                      "end of device)");
}

TEST_F(ReadDirectPosixTest, AMissingFileNamesThePath) {
  auto data = read_direct_posix(dir_ + "/missing", 0, 4096);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().message, "open " + dir_ + "/missing: No such file or directory");
}

TEST(ReadDirectPosix, PosixGuestSystemUsesIt) {
  // /dev/zero is a character device: readable with or without O_DIRECT support.
  PosixGuestSystem system;
  auto data = system.read_direct("/dev/zero", 0, 4096);
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data.value(), std::string(4096, '\0'));
}

}  // namespace
}  // namespace bh::agent
