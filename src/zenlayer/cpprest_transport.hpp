#pragma once
// The production transport on cpprestsdk's http_client. Nothing of cpprest leaks out of
// cpprest_transport.cpp.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

#include "zenlayer/transport.hpp"

namespace zenlayer {

struct TransportOptions {
  Endpoint endpoint = Endpoint::parse(kDefaultEndpoint);
  // cpprest's socket timeout: how long connecting, or waiting for the next bytes, may take.
  std::chrono::milliseconds connect_timeout{10000};
  // The whole exchange, enforced by cancelling the request.
  std::chrono::milliseconds request_timeout{30000};
  bool verify_tls = true;
  // An extra CA bundle (PEM) trusted on top of the system store, e.g. for a TLS-terminating proxy.
  std::optional<std::filesystem::path> ca_file{};
};

std::shared_ptr<Transport> make_cpprest_transport(const TransportOptions& options);

// Sizes cpprest's shared I/O thread pool (its default is 40 threads). Call once, from main, before any
// transport exists: every exchange hops between these threads, so on a small machine a large idle pool costs
// CPU in wake-ups and context switches, not throughput.
void size_cpprest_thread_pool(std::size_t threads);

}  // namespace zenlayer
