#include "guest/agent/file_ops.h"

#include <algorithm>

#include "protocol/base64.h"
#include "protocol/lz4_block.h"
#include "protocol/message_fields.h"

namespace bh::agent {

Expected<protocol::Json> handle_read_files(GuestSystem& system, const protocol::Json& request) {
  if (!request.contains("paths") || request["paths"].is_null()) {
    return fail("missing field 'paths'");
  }
  auto paths = protocol::optional_string_list(request, "paths");
  if (!paths) return paths.error();
  protocol::Json files = protocol::Json::object();
  protocol::Json errors = protocol::Json::object();
  for (const std::string& path : paths.value()) {
    auto content = system.read_file(path);
    if (content)
      files[path] = std::move(content).value();
    else
      errors[path] = content.error().message;
  }
  return protocol::Json{{"files", std::move(files)}, {"errors", std::move(errors)}};
}

Expected<protocol::Json> handle_write_file(GuestSystem& system, const protocol::Json& request) {
  auto path = protocol::required_string(request, "path");
  if (!path) return path.error();
  auto content = protocol::required_string(request, "content");
  if (!content) return content.error();
  auto written = system.write_file(path.value(), content.value());
  if (!written) return written.error();
  return protocol::Json::object();
}

namespace {

bool well_formed_write(const protocol::Json& write) {
  return write.is_object() && write.contains("path") && write["path"].is_string() && write.contains("content") &&
         write["content"].is_string() && (!write.contains("append") || write["append"].is_boolean());
}

Expected<void> write_one(GuestSystem& system, const protocol::Json& write) {
  const auto path = write["path"].get<std::string>();
  const auto content = write["content"].get<std::string>();
  if (write.value("append", false)) return system.append_file(path, content);
  return system.write_file(path, content);
}

}  // namespace

Expected<protocol::Json> handle_write_files(GuestSystem& system, const protocol::Json& request) {
  const auto writes = request.find("writes");
  if (writes == request.end() || writes->is_null()) return fail("missing field 'writes'");
  if (!writes->is_array() || writes->empty() || !std::all_of(writes->begin(), writes->end(), well_formed_write)) {
    return fail(
        "field 'writes' must be a non-empty array of {\"path\": string, \"content\": string, \"append\": bool?}");
  }
  auto dirs = protocol::optional_string_list(request, "make_dirs");
  if (!dirs) return dirs.error();
  const auto keep_going = request.find("keep_going");
  if (keep_going != request.end() && !keep_going->is_boolean()) return fail("field 'keep_going' must be a boolean");
  for (const auto& dir : dirs.value()) {
    if (auto made = system.make_dir(dir); !made) return made.error();
  }
  protocol::Json errors = protocol::Json::array();
  for (std::size_t i = 0; i < writes->size(); ++i) {
    auto written = write_one(system, (*writes)[i]);
    if (written) continue;
    if (keep_going != request.end() && keep_going->get<bool>()) {
      errors.push_back({{"index", i}, {"error", written.error().message}});
      continue;
    }
    return fail("write " + std::to_string(i + 1) + " of " + std::to_string(writes->size()) + ": " +
                written.error().message);
  }
  if (keep_going != request.end() && keep_going->get<bool>()) return protocol::Json{{"errors", std::move(errors)}};
  return protocol::Json::object();
}

Expected<protocol::Json> handle_read_pipes(GuestSystem& system, const protocol::Json& request) {
  auto paths = protocol::required_string_list(request, "paths");
  if (!paths) return paths.error();
  auto chunk = protocol::optional_count(request, "chunk_bytes", 4096);
  if (!chunk) return chunk.error();
  auto max_bytes = protocol::optional_count(request, "max_bytes", std::int64_t{256} << 20);
  if (!max_bytes) return max_bytes.error();
  if (chunk.value() < 1) return fail("field 'chunk_bytes' must be at least 1");
  auto wants_lz4 = protocol::wants_lz4(request);
  if (!wants_lz4) return wants_lz4.error();
  const bool lz4 = wants_lz4.value();
  protocol::Json data = protocol::Json::object();
  protocol::Json raw_bytes = protocol::Json::object();
  for (const std::string& path : paths.value()) {
    auto bytes = system.read_available(path, static_cast<std::size_t>(chunk.value()),
                                       static_cast<std::size_t>(max_bytes.value()));
    if (!bytes) return bytes.error();
    if (!lz4) {
      data[path] = protocol::base64_encode(bytes.value());
      continue;
    }
    auto compressed = protocol::lz4_compress(bytes.value());
    if (!compressed) return fail(path + ": " + compressed.error().message);
    data[path] = protocol::base64_encode(compressed.value());
    raw_bytes[path] = bytes.value().size();
  }
  if (!lz4) return protocol::Json{{"data_base64", std::move(data)}};
  return protocol::Json{
      {"compression", "lz4"}, {"data_lz4_base64", std::move(data)}, {"raw_bytes", std::move(raw_bytes)}};
}

}  // namespace bh::agent
