// What goes on the wire, against a scripted server: the headers of every verb, keep-alive reuse, and the
// retry rule for pooled connections. The server can read a request and then close the connection without
// answering (what a server closing an idle keep-alive connection looks like to a client whose request crossed
// the close): a GET is then repeated once on a new connection, a write never is.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "kube/rest_client.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using testing::HasSubstr;
using zpo::kube::ClusterConfig;
using zpo::kube::RestClient;
using zpo::kube::TransportError;

// Answers every request with {"n":N} (N counts requests from 1), or with `body` when given, on keep-alive
// connections, except the requests whose numbers are in `drop`: those are read and then the connection is
// closed without a reply; and those in `hold`: read and never answered (the connection stays open until the
// client closes it). With `piece` set, a reply goes out `piece` bytes at a time, 10 ms apart.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::set<int> drop, std::string body = {}, std::set<int> hold = {},
                          std::size_t piece = 0)
      : drop_(std::move(drop)),
        hold_(std::move(hold)),
        body_(std::move(body)),
        piece_(piece),
        acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    accepting_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept()
    accepting_.join();
    {
      std::lock_guard lock(mutex_);
      for (const int fd : open_fds_)
        ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connections_)
      t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  int requests() const { return requests_; }
  int connections() const { return connections_accepted_; }
  http::request<http::string_body> last_request() {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  void accept_loop() {
    while (true) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      ++connections_accepted_;
      std::lock_guard lock(mutex_);
      open_fds_.insert(socket.native_handle());
      connections_.emplace_back([this, s = std::move(socket)]() mutable { serve(s); });
    }
  }

  void serve(asio::ip::tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) break;
      {
        std::lock_guard lock(mutex_);
        last_request_ = request;
      }
      const int n = ++requests_;
      if (drop_.count(n) != 0) break;
      if (hold_.count(n) != 0) continue;  // the next read ends when the client closes
      http::response<http::string_body> response(http::status::ok, 11);
      response.set(http::field::content_type, "application/json");
      response.body() = body_.empty() ? "{\"n\":" + std::to_string(n) + "}" : body_;
      response.keep_alive(true);
      response.prepare_payload();
      if (piece_ == 0) {
        http::write(socket, response, ec);
      } else {
        std::ostringstream wire;
        wire << response;
        const std::string bytes = wire.str();
        for (std::size_t at = 0; at < bytes.size() && !ec; at += piece_) {
          asio::write(socket, asio::buffer(bytes.data() + at, std::min(piece_, bytes.size() - at)), ec);
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      if (ec) break;
    }
    std::lock_guard lock(mutex_);
    open_fds_.erase(socket.native_handle());
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  const std::set<int> drop_;
  const std::set<int> hold_;
  const std::string body_;
  const std::size_t piece_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_accepted_{0};
  std::mutex mutex_;
  std::set<int> open_fds_;
  http::request<http::string_body> last_request_;
  std::vector<std::thread> connections_;
  std::thread accepting_;
};

ClusterConfig config_for(const ScriptedServer& server) {
  ClusterConfig config;
  config.server = server.url();
  return config;
}

TEST(RestHeaders, EveryVerbSendsItsHeaders) {
  ScriptedServer server({});
  ClusterConfig config = config_for(server);
  config.server += "/prefix";
  config.token = "the-token";
  RestClient client(config, {.user_agent = "zpo-test/1"});
  client.get("/api/v1/x?watch=false");
  auto r = server.last_request();
  EXPECT_EQ(r.method(), http::verb::get);
  EXPECT_EQ(r.target(), "/prefix/api/v1/x?watch=false");
  EXPECT_EQ(r[http::field::authorization], "Bearer the-token");
  EXPECT_EQ(r[http::field::accept], "application/json");
  EXPECT_EQ(r[http::field::user_agent], "zpo-test/1");
  EXPECT_EQ(r[http::field::host], server.url().substr(7));

  client.create("/c", {{"a", 1}});
  r = server.last_request();
  EXPECT_EQ(r.method(), http::verb::post);
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EXPECT_EQ(r.body(), R"({"a":1})");
  client.replace("/c/x", {{"a", 2}});
  EXPECT_EQ(server.last_request().method(), http::verb::put);
  EXPECT_EQ(server.last_request()[http::field::content_type], "application/json");
  client.patch("/c/x", zpo::kube::PatchType::Merge, {{"a", 3}});
  EXPECT_EQ(server.last_request()[http::field::content_type], "application/merge-patch+json");
  client.patch("/c/x", zpo::kube::PatchType::Json, nlohmann::json::array());
  EXPECT_EQ(server.last_request()[http::field::content_type], "application/json-patch+json");
  EXPECT_EQ(server.last_request().method(), http::verb::patch);
  client.remove("/c/x");
  EXPECT_EQ(server.last_request().method(), http::verb::delete_);
}

TEST(RestRetry, KeepAliveReusesOneConnection) {
  ScriptedServer server({});
  RestClient client(config_for(server));
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(client.get("/x")["n"], i);
  EXPECT_EQ(server.connections(), 1);
}

TEST(RestRetry, AGetLostOnAPooledConnectionIsRepeatedOnceOnANewOne) {
  ScriptedServer server({2});
  RestClient client(config_for(server));
  EXPECT_EQ(client.get("/x")["n"], 1);
  EXPECT_EQ(client.get("/x")["n"], 3);  // request 2 was dropped, its retry is request 3
  EXPECT_EQ(server.connections(), 2);
}

TEST(RestRetry, AGetIsRepeatedOnlyOnce) {
  ScriptedServer server({2, 3});
  RestClient client(config_for(server));
  client.get("/x");
  EXPECT_THROW(client.get("/x"), TransportError);
  EXPECT_EQ(server.requests(), 3);
}

TEST(RestRetry, AWriteThatReachedTheServerIsNeverRepeated) {
  ScriptedServer server({2, 4});
  RestClient client(config_for(server));
  client.get("/x");
  try {
    client.create("/things", {{"name", "once"}});
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("POST /things: "));
  }
  EXPECT_EQ(server.requests(), 2);
  // A PATCH or a DELETE as well.
  client.get("/x");
  EXPECT_THROW(client.patch("/things/once", zpo::kube::PatchType::Merge, {{"a", 1}}), TransportError);
  EXPECT_EQ(server.requests(), 4);
}

TEST(RestTimeout, AReplyThatNeverComesIsATimeoutAndTheNextRequestGetsANewConnection) {
  ScriptedServer server({}, {}, {2});
  RestClient client(config_for(server), {.request_timeout = std::chrono::milliseconds(300)});
  EXPECT_EQ(client.get("/x")["n"], 1);
  const auto start = std::chrono::steady_clock::now();
  try {
    client.create("/things", {{"name", "held"}});  // a write: not repeated after the timeout
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("POST /things: timed out after 300 ms"));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(client.get("/x")["n"], 3);
  EXPECT_EQ(server.connections(), 2);
}

// Replies are read with blocking reads into a buffer with room for 16 KiB: a reply larger than that, arriving
// in pieces with pauses between them, is still read whole, and the connection is reused after it.
TEST(RestReply, AReplyLargerThanOneReadArrivingInPiecesIsReadWhole) {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 2000; ++i)
    items.push_back({{"name", "port-" + std::to_string(i)}, {"uid", std::string(20, 'u')}});
  const std::string body = nlohmann::json{{"items", items}}.dump();
  ASSERT_GT(body.size(), 64u * 1024);
  ScriptedServer server({}, body, {}, 7000);
  RestClient client(config_for(server), {.request_timeout = std::chrono::seconds(10)});
  for (int round = 0; round < 2; ++round) {
    const auto reply = client.get("/things");
    ASSERT_EQ(reply["items"].size(), 2000u);
    EXPECT_EQ(reply["items"][1999]["name"], "port-1999");
  }
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connections(), 1);
}

TEST(RestRetry, AFreshConnectionIsNotRetried) {
  ScriptedServer server({1});
  RestClient client(config_for(server));
  EXPECT_THROW(client.get("/x"), TransportError);
  EXPECT_EQ(server.requests(), 1);
}

std::vector<zpo::kube::WatchEvent> watch_all(RestClient& client) {
  std::vector<zpo::kube::WatchEvent> events;
  client.watch(
      "/w?watch=true", [&](const zpo::kube::WatchEvent& e) { events.push_back(e); }, std::stop_token());
  return events;
}

TEST(RestWatchStream, ALengthDelimitedBodyOfEventsEndsTheWatch) {
  ScriptedServer server(
      {}, "{\"type\":\"ADDED\",\"object\":{\"a\":1}}\r\n\n{\"type\":\"BOOKMARK\",\"object\":{}}");
  RestClient client(config_for(server));
  const auto events = watch_all(client);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "ADDED");
  EXPECT_EQ(events[0].object["a"], 1);
  EXPECT_EQ(events[1].type, "BOOKMARK");  // the last line needs no newline
}

TEST(RestWatchStream, ALineThatIsNotAnEventIsATransportError) {
  ScriptedServer server({}, "{\"type\":\"ADDED\",\"object\":{}}\nthis is not json\n");
  RestClient client(config_for(server));
  try {
    watch_all(client);
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GET /w?watch=true: a watch event (16 bytes) is not JSON"));
  }
}

}  // namespace
