#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

namespace {

using tcp = boost::asio::ip::tcp;

// A server that accepts connections (the kernel completes them in the backlog) and never answers: the call
// must fail after its timeout rather than hang the test that made it.
TEST(HttpClient, ASilentServerFailsTheCallAfterItsTimeout) {
  boost::asio::io_context ioc;
  tcp::acceptor silent(ioc, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";

  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(testsupport::http_request("GET", url, "", {}, std::chrono::milliseconds(300)),
               std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(HttpClient, ARefusedConnectionThrows) {
  boost::asio::io_context ioc;
  tcp::acceptor closed(ioc, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = closed.local_endpoint().port();
  closed.close();
  EXPECT_THROW(testsupport::http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/"),
               std::runtime_error);
}

}  // namespace
