#include "harness/vm/fake_guest.h"

#include <utility>

#include "protocol/base64.h"
#include "protocol/lz4_block.h"
#include "protocol/message_fields.h"

namespace bh::testing {
using protocol::Json;

std::string FakeGuest::write(const std::string& path, const std::string& value, bool append) {
  if (write_hook) {
    if (auto refusal = write_hook(path, value); !refusal.empty())
      return "write \"" + value + "\" to " + path + ": " + refusal;
    if (!append) return "";
  }
  if (append)
    files[path] += value;
  else
    files[path] = value;
  return "";
}

Expected<Json> FakeGuest::call(std::string_view op, Json fields, std::chrono::milliseconds) {
  fields["op"] = op;
  requests.push_back(fields);
  if (const auto answer = answers.find(op); answer != answers.end())
    return protocol::answer_outcome(op, answer->second);
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
    if (auto refusal = write(fields["path"].get<std::string>(), fields["content"].get<std::string>(), false);
        !refusal.empty())
      return fail("guest agent: write_file: " + refusal);
    return Json{{"ok", true}};
  }
  if (op == protocol::kOpWriteFiles) {
    for (const auto& dir : fields.value("make_dirs", Json::array())) {
      if (!dirs.insert(dir.get<std::string>()).second)
        return fail("guest agent: write_files: mkdir " + dir.get<std::string>() + ": File exists");
    }
    const auto& writes = fields["writes"];
    const bool keep_going = fields.value("keep_going", false);
    Json errors = Json::array();
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const auto refusal = write(writes[i]["path"].get<std::string>(), writes[i]["content"].get<std::string>(),
                                 writes[i].value("append", false));
      if (refusal.empty()) continue;
      if (keep_going) {
        errors.push_back({{"index", i}, {"error", refusal}});
        continue;
      }
      return fail("guest agent: write_files: write " + std::to_string(i + 1) + " of " + std::to_string(writes.size()) +
                  ": " + refusal);
    }
    if (keep_going) return Json{{"ok", true}, {"errors", errors}};
    return Json{{"ok", true}};
  }
  if (op == protocol::kOpReadPipes) {  // pipes: read once, then empty
    Json data = Json::object(), raw_bytes = Json::object();
    for (const auto& path : fields["paths"]) {
      auto it = files.find(path.get<std::string>());
      if (it == files.end()) return fail("guest agent: read_pipes: open " + path.get<std::string>() + ": No such file");
      const std::string bytes = std::exchange(it->second, std::string());
      if (fields.value("compression", "") != "lz4") {
        data[it->first] = protocol::base64_encode(bytes);
        continue;
      }
      data[it->first] = protocol::base64_encode(protocol::lz4_compress(bytes).value());
      raw_bytes[it->first] = bytes.size();
    }
    if (fields.value("compression", "") != "lz4") return Json{{"ok", true}, {"data_base64", data}};
    return Json{{"ok", true}, {"compression", "lz4"}, {"data_lz4_base64", data}, {"raw_bytes", raw_bytes}};
  }
  if (op == protocol::kOpHello) return Json{{"ok", true}, {"uname_r", "6.1.0-fake"}};
  return Json{{"ok", true}};
}

}  // namespace bh::testing
