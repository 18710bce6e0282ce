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
// transport exists. The threads only carry bytes and run continuations that never block; each more is a
// thread that every exchange may hop to. bench/zenlayer (BM_TransportRoundTrip, process CPU per exchange on
// loopback, runs interleaved on 2 cores): one thread 130-180 us on a pooled connection and 250-420 us on a
// connection of its own (a mutation), two threads 200-300 and 360-580 us. Yet two: with one, the 10,000-port
// deletion (bench/operator) used about 1 s less CPU but was no faster (median 54.2 s over 8 runs, against
// 53.7 s over 4 with two); likely because every call's I/O then waits on that one thread while the cores
// are saturated.
constexpr std::size_t kCpprestThreads = 2;
void size_cpprest_thread_pool(std::size_t threads = kCpprestThreads);

}  // namespace zenlayer
