#include "watch_fanout.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "port_objects.hpp"

namespace kubebench {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

struct WatchTally {
  std::atomic<uint64_t> events{0};
  std::atomic<int> opened{0};
  std::atomic<int> failed{0};
};

// One watcher: opens the watch, then counts events (one JSON object per line) until the server ends the
// stream. Counting newlines in the chunk payloads avoids parsing JSON on the client, which shares the CPU
// with the server.
void run_watcher(const Endpoint& endpoint, const std::string& resource_version, int timeout_seconds,
                 WatchTally& tally) {
  try {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    boost::asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(endpoint.host, std::to_string(endpoint.port)));
    const std::string target = std::string(kPortsPath) + "?watch=true&resourceVersion=" + resource_version +
                               "&timeoutSeconds=" + std::to_string(timeout_seconds);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
    req.set(http::field::accept, "application/json");
    http::write(stream, req);
    // The watch starts at a known resourceVersion, so events written before the server registers it still
    // arrive.
    tally.opened++;

    boost::beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.body_limit(boost::none);
    http::read_header(stream, buffer, parser);
    if (parser.get().result_int() != 200 || !parser.chunked()) {
      tally.failed++;
      return;
    }
    auto count_events = [&tally](std::uint64_t, boost::string_view data, boost::system::error_code&) {
      tally.events += static_cast<uint64_t>(std::count(data.begin(), data.end(), '\n'));
      return data.size();
    };
    parser.on_chunk_body(count_events);
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);  // returns when the server ends the stream
  } catch (const std::exception&) {
    tally.failed++;
  }
}

// Patches port status options.writes times over options.writer_threads keep-alive connections, cycling
// through the existing ports; returns how many patches succeeded.
int run_writers(const Endpoint& endpoint, const FanoutOptions& options) {
  std::atomic<int> ok{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < options.writer_threads; ++w) {
    writers.emplace_back([&, w] {
      try {
        ApiConnection connection(endpoint);
        for (int i = w; i < options.writes; i += options.writer_threads) {
          const int port = i % options.ports;
          const auto reply = connection.request(
              http::verb::patch, std::string(kPortsPath) + "/" + port_name(port) + "/status",
              port_status_patch(port, 1000 + i).dump(), "application/merge-patch+json");
          if (reply.status == 200) ok++;
        }
      } catch (const std::exception&) {
        // A lost connection ends this writer; the shortfall shows in writes_ok.
      }
    });
  }
  for (auto& t : writers)
    t.join();
  return ok;
}

}  // namespace

FanoutResult measure_watch_fanout(const Endpoint& endpoint, const FanoutOptions& options) {
  WatchTally tally;
  std::vector<std::thread> watchers;
  for (int i = 0; i < options.watchers; ++i) {
    watchers.emplace_back(run_watcher, std::cref(endpoint), std::cref(options.resource_version),
                          options.deadline_seconds + 15, std::ref(tally));
  }
  while (tally.opened + tally.failed < options.watchers)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));

  FanoutResult result;
  const auto start = Clock::now();
  result.writes_ok = run_writers(endpoint, options);
  result.write_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  result.events_expected = static_cast<uint64_t>(result.writes_ok) * static_cast<uint64_t>(options.watchers);
  const auto deadline = start + std::chrono::seconds(options.deadline_seconds);
  auto last_change = Clock::now();
  uint64_t seen = tally.events;
  while (seen < result.events_expected && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (tally.events != seen) {
      seen = tally.events;
      last_change = Clock::now();
    }
  }
  result.events_received = tally.events;
  result.delivery_seconds = std::chrono::duration<double>(last_change - start).count();

  // Ends every watch (their timeoutSeconds is the backstop), then collects the watcher threads.
  ApiConnection(endpoint).request(http::verb::post, "/admin/close-watches", "{}");
  for (auto& t : watchers)
    t.join();
  result.watchers_failed = tally.failed;
  return result;
}

}  // namespace kubebench
