// The probe/metrics server over real HTTP: exact-path routing, query ignored, 404, GET/HEAD only, bind forms.

#include "runtime/http_endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "support/http_client.hpp"

namespace zpo::runtime {
namespace {

using testsupport::http_request;

std::map<std::string, HttpHandler> probes() {
  return {{"/healthz",
           [] {
             return HttpReply{200, "text/plain; charset=utf-8", "ok"};
           }},
          {"/readyz",
           [] {
             return HttpReply{503, "text/plain; charset=utf-8", "not leading yet"};
           }},
          {"/metrics",
           [] {
             return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", "up 1\n"};
           }},
          {"/boom", []() -> HttpReply { throw std::runtime_error("handler bug"); }}};
}

std::string url(const HttpEndpointServer& server, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(server.bound_port()) + path;
}

TEST(HttpEndpoint, ServesHandlersByExactPathIgnoringTheQuery) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  ASSERT_NE(server.bound_port(), 0);
  auto health = http_request("GET", url(server, "/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok");
  auto ready = http_request("GET", url(server, "/readyz?verbose=1"));
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body, "not leading yet");
  auto metrics = http_request("GET", url(server, "/metrics"));
  EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics.body, "up 1\n");
}

TEST(HttpEndpoint, AnswersUnknownPaths404AndOtherMethods405) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  EXPECT_EQ(http_request("GET", url(server, "/")).status, 404);
  EXPECT_EQ(http_request("GET", url(server, "/healthz/")).status, 404);
  EXPECT_EQ(http_request("GET", url(server, "/healthzz")).status, 404);
  auto post = http_request("POST", url(server, "/healthz"), "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers["allow"], "GET, HEAD");
}

// Raw bytes, because a HEAD reply announces a length it does not send (testsupport::http_request would wait
// for that body); reading to the server's close shows exactly what was sent.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string reply;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(reply), ec);  // until the server closes
  return reply;
}

TEST(HttpEndpoint, HeadSendsTheHeadersWithoutTheBody) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  auto reply = raw_exchange(server.bound_port(),
                            "HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Length: 5\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 4), "\r\n\r\n") << reply;  // nothing after the headers
}

TEST(HttpEndpoint, KeepsAConnectionAliveForSeveralRequests) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  auto reply = raw_exchange(server.bound_port(),
                            "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  auto first = reply.find("HTTP/1.1 200 OK");
  auto second = reply.find("HTTP/1.1 200 OK", first + 1);
  EXPECT_NE(second, std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n\r\nok"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 5), "up 1\n") << reply;
}

TEST(HttpEndpoint, AThrowingHandlerIs500AndTheServerGoesOn) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  EXPECT_EQ(http_request("GET", url(server, "/boom")).status, 500);
  EXPECT_EQ(http_request("GET", url(server, "/healthz")).status, 200);
}

TEST(HttpEndpoint, BindsAllInterfacesWithAColonPort) {
  HttpEndpointServer server(":0", probes());
  EXPECT_EQ(http_request("GET", url(server, "/healthz")).status, 200);
}

TEST(HttpEndpoint, RefusesAnAddressInUseOrMalformed) {
  HttpEndpointServer first("127.0.0.1:0", probes());
  EXPECT_THROW(HttpEndpointServer("127.0.0.1:" + std::to_string(first.bound_port()), probes()),
               std::runtime_error);
  EXPECT_THROW(HttpEndpointServer("no-port", probes()), std::runtime_error);
}

TEST(HttpEndpoint, StopClosesTheListener) {
  HttpEndpointServer server("127.0.0.1:0", probes());
  auto target = url(server, "/healthz");
  EXPECT_EQ(http_request("GET", target).status, 200);
  server.stop();
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(http_request("GET", target, "", {}, std::chrono::seconds(5)), std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));  // refused, not timed out
  server.stop();                                                                   // idempotent
}

}  // namespace
}  // namespace zpo::runtime
