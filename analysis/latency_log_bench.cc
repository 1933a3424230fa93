// latency_log_bench: bytes per second of the latency-log parser (fccp's LineReader and a
// one-pass field scanner) against a naive std::getline + std::stoull parser and against
// fccp's own CSVReader<6>, on one synthetic fio 3.33 clat log (log_offset=1).
//
//   latency_log_bench [--log_file=PATH] [Google Benchmark flags]
//
// Without --log_file the log is generated in a temp dir and removed at exit; with it, PATH is
// generated when missing and kept, so scripts/bench-latency-log can time Python's csv module
// on the very same bytes. Speed is measured here, never asserted in tests.

#include <benchmark/benchmark.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include "analysis/latency_log.h"
#include "util/temp_dir.h"

namespace {
using bh::analysis::IoDirection;
using bh::analysis::LatencyLog;

/// Tens of MB: larger than any cache, several of fccp's 16 MiB blocks.
constexpr std::size_t kLogBytes = 64u << 20;

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

/// Writes at least `bytes` of log lines as fio 3.33 prints them with log_offset=1:
/// "time, latency, direction, 4096, offset, 0", times rising, latencies log-normal
/// around 200 us, 70 % reads, offsets anywhere in 16 GiB.
void write_synthetic_log(const std::string& path, std::size_t bytes) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(std::log(200e3), 0.8);
  std::bernoulli_distribution is_write(0.3);
  std::uniform_int_distribution<std::uint64_t> block(0, (16ull << 30) / 4096 - 1);
  std::ofstream out(path, std::ios::binary);
  std::string chunk;
  std::uint64_t time_us = 0;
  for (std::size_t written = 0; written < bytes; written += chunk.size()) {
    chunk.clear();
    while (chunk.size() < (1u << 20)) {
      time_us += 40;
      append_number(chunk, time_us / 1000);
      chunk += ", ";
      append_number(chunk, static_cast<std::uint64_t>(latency(random)));
      chunk += is_write(random) ? ", 1, 4096, " : ", 0, 4096, ";
      append_number(chunk, block(random) * 4096);
      chunk += ", 0\n";
    }
    out << chunk;
  }
}

/// The parser one writes first: a std::string per line and per field, std::stoull each.
LatencyLog parse_naively(const std::string& path) {
  LatencyLog log;
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    fields.clear();
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      fields.push_back(line.substr(start, comma - start));
    fields.push_back(line.substr(start));
    auto& samples = log.samples(static_cast<IoDirection>(std::stoull(fields.at(2))));
    samples.time_ms.push_back(std::stoull(fields.at(0)));
    samples.latency_ns.push_back(std::stoull(fields.at(1)));
  }
  return log;
}

/// fccp used as its documentation shows: CSVReader<6> parses every row into six columns.
LatencyLog parse_with_csv_reader(const std::string& path) {
  LatencyLog log;
  io::CSVReader<6, io::trim_chars<' ', '\t'>> reader(path);
  std::uint64_t time_ms = 0, latency_ns = 0;
  unsigned direction = 0;
  char *block_size = nullptr, *offset = nullptr, *priority = nullptr;  // left unparsed
  while (reader.read_row(time_ms, latency_ns, direction, block_size, offset, priority)) {
    auto& samples = log.samples(static_cast<IoDirection>(direction));
    samples.time_ms.push_back(time_ms);
    samples.latency_ns.push_back(latency_ns);
  }
  return log;
}

void bench_parser(benchmark::State& state, const std::string& path, std::int64_t bytes) {
  for (auto _ : state) {
    auto log = bh::analysis::parse_latency_log_file(path);
    if (!log) {
      state.SkipWithError(log.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(log.value().total_samples());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

/// Times `parse`, which returns a LatencyLog for a path.
template <class Parse>
void bench(benchmark::State& state, Parse parse, const std::string& path, std::int64_t bytes) {
  for (auto _ : state) benchmark::DoNotOptimize(parse(path).total_samples());
  state.SetBytesProcessed(state.iterations() * bytes);
}

/// Removes "--name=value" from argv and returns the value ("" when absent).
std::string take_flag(int& argc, char** argv, const char* name) {
  std::string value;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], name, std::strlen(name)) == 0)
      value = argv[i] + std::strlen(name);
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  return value;
}

bool same_samples(const LatencyLog& a, const LatencyLog& b) {
  return a.read.latency_ns == b.read.latency_ns && a.read.time_ms == b.read.time_ms &&
         a.write.latency_ns == b.write.latency_ns && a.write.time_ms == b.write.time_ms;
}

/// The parsers must read the same samples, or their speeds mean nothing.
bool parsers_agree(const std::string& path) {
  auto parsed = bh::analysis::parse_latency_log_file(path);
  if (!parsed) {
    std::cerr << "latency_log_bench: " << parsed.error().message << '\n';
    return false;
  }
  const bool same =
      same_samples(parsed.value(), parse_naively(path)) && same_samples(parsed.value(), parse_with_csv_reader(path));
  if (!same) std::cerr << "latency_log_bench: the parsers disagree on " << path << '\n';
  return same;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string path = take_flag(argc, argv, "--log_file=");
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::optional<bh::TempDir> temp;
  if (path.empty()) {
    temp.emplace("latency-log-bench");
    path = (temp->path() / "synthetic_clat.1.log").string();
  }
  if (!std::filesystem::exists(path)) write_synthetic_log(path, kLogBytes);
  if (!parsers_agree(path)) return 1;
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  benchmark::AddCustomContext("log_bytes", std::to_string(bytes));
  benchmark::RegisterBenchmark("parse_latency_log_file", bench_parser, path, bytes)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("naive_getline_stoull", bench<decltype(&parse_naively)>, &parse_naively, path, bytes)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("fccp_csv_reader_6_columns", bench<decltype(&parse_with_csv_reader)>,
                               &parse_with_csv_reader, path, bytes)
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
