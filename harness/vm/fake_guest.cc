#include "harness/vm/fake_guest.h"

#include <utility>

#include "protocol/base64.h"

namespace bh::testing {
using protocol::Json;

Expected<Json> FakeGuest::call(std::string_view op, Json fields, std::chrono::milliseconds) {
  fields["op"] = op;
  requests.push_back(fields);
  if (op == protocol::kOpExec) {
    auto argv = fields["argv"].get<std::vector<std::string>>();
    exec_log.push_back(argv);
    Json response = exec_handler(argv);
    if (response.contains("error")) return fail("guest agent: exec: " + response["error"].get<std::string>());
    return response;
  }
  if (op == protocol::kOpReadFiles) {
    Json found = Json::object(), errors = Json::object();
    for (const auto& path : fields["paths"]) {
      auto it = files.find(path.get<std::string>());
      if (it != files.end())
        found[it->first] = it->second;
      else
        errors[path.get<std::string>()] = "No such file or directory";
    }
    return Json{{"ok", true}, {"files", found}, {"errors", errors}};
  }
  if (op == protocol::kOpWriteFile) {
    const auto path = fields["path"].get<std::string>();
    const auto value = fields["content"].get<std::string>();
    if (write_hook) {
      if (auto refusal = write_hook(path, value); !refusal.empty()) {
        return fail("guest agent: write_file: write \"" + value + "\" to " + path + ": " + refusal);
      }
    } else {
      files[path] = value;
    }
    return Json{{"ok", true}};
  }
  if (op == protocol::kOpReadPipes) {  // pipes: read once, then empty
    Json data = Json::object();
    for (const auto& path : fields["paths"]) {
      auto it = files.find(path.get<std::string>());
      if (it == files.end()) return fail("guest agent: read_pipes: open " + path.get<std::string>() + ": No such file");
      data[it->first] = protocol::base64_encode(std::exchange(it->second, std::string()));
    }
    return Json{{"ok", true}, {"data_base64", data}};
  }
  if (op == protocol::kOpHello) return Json{{"ok", true}, {"uname_r", "6.1.0-fake"}};
  return Json{{"ok", true}};
}

}  // namespace bh::testing
