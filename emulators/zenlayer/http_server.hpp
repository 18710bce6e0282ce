#pragma once
// HTTP/1.1 over Boost.Beast in front of the Emulator: keep-alive, any number of concurrent connections,
// injected latency as a timer (never a blocked thread), dropped connections for the faults that ask for them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "emulator.hpp"

namespace zenemu {

class HttpServer {
 public:
  // Binds and listens immediately (port 0 picks a free port); throws boost::system::system_error on failure.
  // With `tls`, every connection is HTTPS (the context outlives the server).
  HttpServer(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint, Emulator& emulator,
             boost::asio::ssl::context* tls = nullptr);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  // Accepts connections until the io_context stops.
  void start();

 private:
  void accept();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  Emulator& emulator_;
  boost::asio::ssl::context* tls_;
};

}  // namespace zenemu
