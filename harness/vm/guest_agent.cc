#include "harness/vm/guest_agent.h"

#include "protocol/base64.h"
#include "protocol/lz4_block.h"
#include "protocol/message_fields.h"
#include "util/process_runner.h"

namespace bh {
using namespace std::chrono_literals;
using protocol::Json;

namespace {

/// `parsed`, or its error as one about the answer to `op`: the guest sent something the
/// protocol does not allow, which the run reports as an ERROR of the harness.
template <class T>
Expected<T> in_answer_to(std::string_view op, Expected<T> parsed) {
  if (!parsed) return fail("guest agent: answer to '" + std::string(op) + "': " + parsed.error().message);
  return parsed;
}

/// The integer field `name`, which the agent always sends.
Expected<int> required_int(const Json& answer, std::string_view name) {
  if (!answer.contains(name)) return fail("missing field '" + std::string(name) + "'");
  return protocol::optional_int(answer, name, 0);
}

Expected<GuestExecResult> exec_result(const Json& r) {
  BOOST_OUTCOME_TRY(auto exit_code, required_int(r, "exit_code"));
  BOOST_OUTCOME_TRY(auto signal, protocol::optional_int(r, "signal", 0));
  BOOST_OUTCOME_TRY(auto timed_out, protocol::optional_bool(r, "timed_out", false));
  BOOST_OUTCOME_TRY(auto stdout_text, protocol::optional_string(r, "stdout"));
  BOOST_OUTCOME_TRY(auto stderr_text, protocol::optional_string(r, "stderr"));
  return GuestExecResult{exit_code, signal, timed_out, std::move(stdout_text), std::move(stderr_text)};
}

Expected<GuestFioResult> fio_result(const Json& r) {
  GuestFioResult result;
  BOOST_OUTCOME_TRY(result.exit_code, required_int(r, "exit_code"));
  BOOST_OUTCOME_TRY(result.timed_out, protocol::optional_bool(r, "timed_out", false));
  BOOST_OUTCOME_TRY(result.json_output, protocol::optional_string(r, "output"));
  BOOST_OUTCOME_TRY(result.stderr_text, protocol::optional_string(r, "stderr"));
  BOOST_OUTCOME_TRY(result.logs, protocol::optional_string_map(r, "logs"));
  BOOST_OUTCOME_TRY(result.samples, protocol::optional_array(r, "samples"));
  BOOST_OUTCOME_TRY(result.detached, protocol::optional_bool(r, "detached", false));
  BOOST_OUTCOME_TRY(result.cut, protocol::optional_object(r, "cut"));
  BOOST_OUTCOME_TRY(result.signal, protocol::optional_int(r, "signal", 0));
  return result;
}

}  // namespace

Expected<GuestExecResult> GuestAgent::exec(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  auto response = channel_.call(protocol::kOpExec, {{"argv", argv}}, timeout);
  if (!response) return response.error();
  return in_answer_to(protocol::kOpExec, exec_result(response.value()));
}

Expected<std::string> GuestAgent::exec_checked(const std::vector<std::string>& argv,
                                               std::chrono::milliseconds timeout) {
  auto result = exec(argv, timeout);
  if (!result) return result.error();
  const auto& r = result.value();
  if (r.timed_out) return fail("in the guest, '" + describe_command(argv) + "' timed out");
  if (r.exit_code != 0) {
    return fail("in the guest, '" + describe_command(argv) + "' failed (exit " + std::to_string(r.exit_code) +
                "): " + tail_lines(r.stderr_text + r.stdout_text, 5));
  }
  return r.stdout_text;
}

Expected<std::map<std::string, std::string>> GuestAgent::read_existing_files(const std::vector<std::string>& paths) {
  auto response = channel_.call(protocol::kOpReadFiles, {{"paths", paths}}, 10s);
  if (!response) return response.error();
  return in_answer_to(protocol::kOpReadFiles, protocol::optional_string_map(response.value(), "files"));
}

Expected<std::string> GuestAgent::read_file(const std::string& path) {
  auto response = channel_.call(protocol::kOpReadFiles, {{"paths", {path}}}, 10s);
  if (!response) return response.error();
  auto files = in_answer_to(protocol::kOpReadFiles, protocol::optional_string_map(response.value(), "files"));
  if (!files) return files.error();
  if (const auto found = files.value().find(path); found != files.value().end()) return found->second;
  auto errors = in_answer_to(protocol::kOpReadFiles, protocol::optional_string_map(response.value(), "errors"));
  if (!errors) return errors.error();
  const auto why = errors.value().find(path);
  return fail("in the guest, cannot read " + path + ": " +
              (why == errors.value().end() ? "not readable" : why->second));
}

Expected<void> GuestAgent::write_file(const std::string& path, const std::string& content) {
  auto response = channel_.call(protocol::kOpWriteFile, {{"path", path}, {"content", content}}, 30s);
  if (!response) return response.error();
  return outcome::success();
}

Expected<void> GuestAgent::write_files(const std::vector<std::pair<std::string, std::string>>& writes) {
  Json list = Json::array();
  for (const auto& [path, content] : writes) list.push_back({{"path", path}, {"content", content}});
  auto response = channel_.call(protocol::kOpWriteFiles, {{"writes", std::move(list)}}, 30s);
  if (!response) return response.error();
  return outcome::success();
}

Expected<std::map<std::size_t, std::string>> GuestAgent::write_batch(const std::vector<GuestWrite>& writes,
                                                                     const std::vector<std::string>& make_dirs,
                                                                     OnRefusal on_refusal) {
  Json list = Json::array();
  for (const auto& write : writes) {
    Json entry = {{"path", write.path}, {"content", write.content}};
    if (write.append) entry["append"] = true;
    list.push_back(std::move(entry));
  }
  Json request = {{"writes", std::move(list)}, {"keep_going", on_refusal == OnRefusal::kKeepGoing}};
  if (!make_dirs.empty()) request["make_dirs"] = make_dirs;
  auto response = channel_.call(protocol::kOpWriteFiles, std::move(request), 30s);
  if (!response) return response.error();
  std::map<std::size_t, std::string> refused;
  if (on_refusal == OnRefusal::kStop) return refused;
  const auto errors = response.value().find("errors");
  if (errors == response.value().end() || !errors->is_array())
    return fail("in the guest, write_files: no errors list in the answer");
  for (const auto& error : *errors) {
    if (!error.is_object() || !error.value("index", Json()).is_number_unsigned() ||
        !error.value("error", Json()).is_string() || error["index"].get<std::size_t>() >= writes.size())
      return fail("in the guest, write_files: a malformed entry in its errors list");
    refused[error["index"].get<std::size_t>()] = error["error"].get<std::string>();
  }
  return refused;
}

Expected<GuestFioResult> GuestAgent::fio(const std::string& job_text, const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& env,
                                         std::chrono::milliseconds timeout, const FioRunOptions& options) {
  Json request = {{"job", job_text}, {"args", args}, {"env", env}, {"sample_interval_ms", options.sample_interval_ms}};
  if (options.cut_after) request["cut_after_ms"] = options.cut_after->count();
  auto response = channel_.call(protocol::kOpFio, std::move(request), timeout);
  if (!response) return response.error();
  return in_answer_to(protocol::kOpFio, fio_result(response.value()));
}

Expected<std::string> GuestAgent::read_blocks(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  // LZ4 blocks in base64 over virtio-serial: 16 MiB of fio's generation-stamped fill
  // shrinks to 112 KiB. Allow 30 s plus 2 s per MiB, as for data that does not compress.
  const auto timeout = 30s + std::chrono::seconds(2 * (length >> 20));
  auto response =
      channel_.call(protocol::kOpReadBlocks,
                    {{"path", path}, {"offset", offset}, {"length", length}, {"compression", "lz4"}}, timeout);
  if (!response) return response.error();
  const std::string where = "in the guest, read_blocks " + path + " at offset " + std::to_string(offset) + ": ";
  auto encoded = in_answer_to(protocol::kOpReadBlocks, protocol::required_string(response.value(), "data_lz4_base64"));
  if (!encoded) return encoded.error();
  auto compressed = protocol::base64_decode(encoded.value());
  if (!compressed) return fail(where + compressed.error().message);
  auto data = protocol::lz4_decompress(compressed.value(), length);
  if (!data) return fail(where + data.error().message);
  if (data.value().size() != length) {
    return fail(where + "got " + std::to_string(data.value().size()) + " bytes, asked for " + std::to_string(length));
  }
  return std::move(data).value();
}

Expected<std::map<std::string, std::string>> GuestAgent::read_pipes(const std::vector<std::string>& paths,
                                                                    std::size_t chunk_bytes) {
  // LZ4 blocks in base64 over virtio-serial: trace pages shrink ~3.5 times, and under TCG
  // the guest compresses them faster than it encodes and sends them. 120 s covers 256 MiB.
  auto response = channel_.call(protocol::kOpReadPipes,
                                {{"paths", paths}, {"chunk_bytes", chunk_bytes}, {"compression", "lz4"}}, 120s);
  if (!response) return response.error();
  const auto data = response.value().find("data_lz4_base64");
  const auto sizes = response.value().find("raw_bytes");
  if (data == response.value().end() || !data->is_object() || sizes == response.value().end() || !sizes->is_object())
    return fail("in the guest, read_pipes: no data_lz4_base64 and raw_bytes in the answer");
  std::map<std::string, std::string> pipes;
  for (const auto& path : paths) {
    const auto encoded = data->find(path);
    const auto size = sizes->find(path);
    if (encoded == data->end() || !encoded->is_string() || size == sizes->end() || !size->is_number_unsigned())
      return fail("in the guest, read_pipes: no data for " + path);
    auto compressed = protocol::base64_decode(encoded->get<std::string>());
    if (!compressed) return fail("in the guest, read_pipes " + path + ": " + compressed.error().message);
    auto bytes = protocol::lz4_decompress(compressed.value(), size->get<std::size_t>());
    if (!bytes) return fail("in the guest, read_pipes " + path + ": " + bytes.error().message);
    pipes[path] = std::move(bytes).value();
  }
  return pipes;
}

Expected<Json> GuestAgent::sample_memory() { return channel_.call(protocol::kOpSampleMemory, Json::object(), 10s); }

Expected<std::string> GuestAgent::kernel_release() {
  auto response = channel_.call(protocol::kOpHello, Json::object(), 10s);
  if (!response) return response.error();
  return in_answer_to(protocol::kOpHello, protocol::required_string(response.value(), "uname_r"));
}

Expected<void> GuestAgent::power_off() {
  auto response = channel_.call(protocol::kOpPowerOff, Json::object(), 10s);
  if (!response) return response.error();
  return outcome::success();
}

}  // namespace bh
