#pragma once
/// The one recoverable error type, shared by the host and the guest agent.
///
/// Parsers and I/O return Expected<T> (see expected.h) whose error is an Error naming what
/// went wrong and where. Header-only and free of host libraries, so the static guest agent
/// may include it.

#include <string>

namespace bh {

/// A recoverable error: a message that names the file, line, key or command concerned.
struct Error {
  std::string message;
};

}  // namespace bh
