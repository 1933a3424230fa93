#include "guest/agent/file_ops.h"

#include "guest/agent/request_fields.h"

namespace bh::agent {

Expected<protocol::Json> handle_read_files(GuestSystem& system, const protocol::Json& request) {
  if (!request.contains("paths") || request["paths"].is_null()) {
    return fail("missing field 'paths'");
  }
  auto paths = optional_string_list(request, "paths");
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
  auto path = required_string(request, "path");
  if (!path) return path.error();
  auto content = required_string(request, "content");
  if (!content) return content.error();
  auto written = system.write_file(path.value(), content.value());
  if (!written) return written.error();
  return protocol::Json::object();
}

}  // namespace bh::agent
