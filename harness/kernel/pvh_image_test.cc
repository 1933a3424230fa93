#include "harness/kernel/pvh_image.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {

/// Readable candidates in assertion failures (found by argument-dependent lookup).
void PrintTo(const PayloadCandidate& candidate, std::ostream* out) {
  *out << "{" << candidate.offset << ", " << static_cast<int>(candidate.compression) << "}";
}

namespace {

using testing::FakeProcessRunner;

void put_le(std::string& bytes, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::string note(std::string_view name, std::uint32_t type, std::string_view desc) {
  std::string bytes(12, '\0');
  put_le(bytes, 0, name.size(), 4);
  put_le(bytes, 4, desc.size(), 4);
  put_le(bytes, 8, type, 4);
  bytes += name;
  bytes.resize((bytes.size() + 3) & ~std::size_t{3}, '\0');
  bytes += desc;
  bytes.resize((bytes.size() + 3) & ~std::size_t{3}, '\0');
  return bytes;
}

/// A minimal ELF64 with one PT_NOTE segment holding `notes`, padded to `total_size`.
std::string synthetic_elf(const std::string& notes, std::size_t total_size = 0) {
  std::string elf(64 + 56, '\0');
  elf.replace(0, 4,
              "\x7F"
              "ELF");
  elf[4] = 2;                // ELFCLASS64
  elf[5] = 1;                // little-endian
  put_le(elf, 0x20, 64, 8);  // e_phoff
  put_le(elf, 0x36, 56, 2);  // e_phentsize
  put_le(elf, 0x38, 1, 2);   // e_phnum
  put_le(elf, 64, 4, 4);     // PT_NOTE
  put_le(elf, 64 + 8, elf.size(), 8);
  put_le(elf, 64 + 32, notes.size(), 8);
  elf += notes;
  if (elf.size() < total_size) elf.resize(total_size, '\0');
  return elf;
}

std::string pvh_notes() {
  return note(std::string_view("Xen\0", 4), 6, "linux") + note(std::string_view("Xen\0", 4), 18, std::string(4, '\1'));
}

TEST(PayloadCandidates, FindsEveryMagicInFileOrder) {
  std::string bytes(64, 'x');
  bytes.replace(40, 6,
                std::string("\xFD"
                            "7zXZ\x00",
                            6));
  bytes.replace(10, 4, std::string("\x1F\x8B\x08\x00", 4));
  bytes.replace(20, 4, "\x28\xB5\x2F\xFD");
  bytes.replace(30, 4, "\x02\x21\x4C\x18");
  bytes.replace(55, 3, "\x1F\x8B\x08");
  const std::vector<PayloadCandidate> expected{{10, Compression::kGzip},
                                               {20, Compression::kZstd},
                                               {30, Compression::kLz4},
                                               {40, Compression::kXz},
                                               {55, Compression::kGzip}};
  EXPECT_EQ(find_payload_candidates(bytes), expected);
  EXPECT_TRUE(find_payload_candidates(std::string(100, '\0')).empty());
}

TEST(PayloadCandidates, DecompressorsReadStdinToStdout) {
  EXPECT_EQ(decompress_command(Compression::kXz), (std::vector<std::string>{"xz", "-dc"}));
  EXPECT_EQ(decompress_command(Compression::kLz4).front(), "lz4");
}

TEST(PvhNote, FoundOnlyWithTheXenPhys32EntryType) {
  EXPECT_TRUE(elf_bytes_have_pvh_note(synthetic_elf(pvh_notes())));
  EXPECT_FALSE(elf_bytes_have_pvh_note(synthetic_elf(note(std::string_view("Xen\0", 4), 6, "x"))));
  EXPECT_FALSE(elf_bytes_have_pvh_note(synthetic_elf(note("GNU", 18, "abcd"))));
  EXPECT_FALSE(elf_bytes_have_pvh_note("not an elf"));
  std::string truncated = synthetic_elf(pvh_notes());
  truncated.resize(100);
  EXPECT_FALSE(elf_bytes_have_pvh_note(truncated));
}

TEST(PvhImage, TriesCandidatesUntilOneYieldsAPvhElf) {
  TempDir dir("pvh-test");
  std::string image(4096, 'x');
  image.replace(100, 4, "\x28\xB5\x2F\xFD");  // spurious zstd magic first
  image.replace(200, 6,
                std::string("\xFD"
                            "7zXZ\x00",
                            6));  // the real payload
  ASSERT_TRUE(write_file_atomically(dir.path() / "bzImage", image));
  FakeProcessRunner runner;
  runner.on({"zstd"}, 1, "zstd: unknown header");
  runner.on({"xz"}, [](const ProcessRequest& request) {
    EXPECT_EQ(read_file(*request.stdin_file).value().substr(0, 5),
              "\xFD"
              "7zXZ");
    EXPECT_TRUE(write_file_atomically(*request.stdout_file, synthetic_elf(pvh_notes(), 2 << 20)));
    return ProcessResult{.exit_code = 1, .output = "xz: (stdin): Compressed data is corrupt"};
  });
  ASSERT_TRUE(extract_pvh_image(runner, dir.path() / "bzImage", dir.path() / "vmlinux"));
  EXPECT_TRUE(elf_file_has_pvh_note(dir.path() / "vmlinux"));
  EXPECT_EQ(runner.calls().size(), 2u);
}

TEST(PvhImage, RejectsAnElfWithoutPvhNoteAndSmallOutputOnFailure) {
  TempDir dir("pvh-test");
  std::string image(4096, 'x');
  image.replace(100, 3, "\x1F\x8B\x08");
  image.replace(300, 3, "\x1F\x8B\x08");
  ASSERT_TRUE(write_file_atomically(dir.path() / "bzImage", image));
  FakeProcessRunner runner;
  int call = 0;
  runner.on({"gzip"}, [&call](const ProcessRequest& request) {
    // First: a complete ELF without the note. Second: a truncated ELF and an error exit.
    const auto elf = ++call == 1 ? synthetic_elf(note("GNU", 3, "id"), 2 << 20) : synthetic_elf(pvh_notes());
    EXPECT_TRUE(write_file_atomically(*request.stdout_file, elf));
    return ProcessResult{.exit_code = call == 1 ? 0 : 1};
  });
  auto result = extract_pvh_image(runner, dir.path() / "bzImage", dir.path() / "vmlinux");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("without a PVH note"), std::string::npos);
  EXPECT_NE(result.error().message.find("gave no ELF kernel"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "vmlinux"));
}

TEST(PvhImage, NoMagicMeansNoProcess) {
  TempDir dir("pvh-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "bzImage", std::string(1000, 'x')));
  FakeProcessRunner runner;
  auto result = extract_pvh_image(runner, dir.path() / "bzImage", dir.path() / "vmlinux");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no compression magic"), std::string::npos);
  EXPECT_TRUE(runner.calls().empty());
}

TEST(PvhImage, RealGzipWithTrailingGarbage) {
  TempDir dir("pvh-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "elf", synthetic_elf(pvh_notes(), 2 << 20)));
  SystemProcessRunner runner;
  auto packed =
      runner.run({.argv = {"gzip", "-c", "-n", (dir.path() / "elf").string()}, .stdout_file = dir.path() / "elf.gz"});
  ASSERT_TRUE(packed);
  ASSERT_EQ(packed.value().exit_code, 0);
  const auto image = std::string(512, 's') + read_file(dir.path() / "elf.gz").value() + std::string(4096, 't');
  ASSERT_TRUE(write_file_atomically(dir.path() / "bzImage", image));
  ASSERT_TRUE(extract_pvh_image(runner, dir.path() / "bzImage", dir.path() / "vmlinux"));
  EXPECT_EQ(read_file(dir.path() / "vmlinux").value(), read_file(dir.path() / "elf").value());
}

TEST(CachedPvhImage, ExtractedAgainOnlyWhenTheBzImageChanges) {
  TempDir dir("pvh-test");
  const auto bz_image = dir.path() / "bzImage";
  const auto cache = dir.path() / "cache";
  std::string image(4096, 'b');
  image.replace(512, 3, "\x1F\x8B\x08");
  ASSERT_TRUE(write_file_atomically(bz_image, image));
  FakeProcessRunner runner;
  runner.on({"gzip"}, [](const ProcessRequest& request) {
    EXPECT_TRUE(write_file_atomically(*request.stdout_file, synthetic_elf(pvh_notes())));
    return ProcessResult{.exit_code = 0};
  });
  EXPECT_EQ(cached_pvh_image(runner, bz_image, cache), cache / "vmlinux");
  EXPECT_EQ(cached_pvh_image(runner, bz_image, cache), cache / "vmlinux");
  EXPECT_EQ(runner.count("gzip"), 1u);
  ASSERT_TRUE(write_file_atomically(bz_image, image + "rebuilt"));
  runner.on({"gzip"}, 1, "gzip: stdin: not in gzip format\n");
  EXPECT_FALSE(cached_pvh_image(runner, bz_image, cache));
  EXPECT_FALSE(std::filesystem::exists(cache / "vmlinux"));
  EXPECT_FALSE(cached_pvh_image(runner, bz_image, cache));  // the failure is remembered
  EXPECT_EQ(runner.count("gzip"), 2u);
}

}  // namespace
}  // namespace bh
