#include "api_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <stdexcept>

namespace kubebench {

namespace http = boost::beast::http;

Endpoint parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  const auto colon = url.rfind(':');
  if (url.rfind(scheme, 0) != 0 || colon == std::string::npos || colon < scheme.size()) {
    throw std::invalid_argument("not an http://HOST:PORT URL: " + url);
  }
  return {url.substr(scheme.size(), colon - scheme.size()),
          static_cast<unsigned short>(std::stoi(url.substr(colon + 1)))};
}

ApiConnection::ApiConnection(const Endpoint& endpoint) : endpoint_(endpoint), stream_(io_) {
  boost::asio::ip::tcp::resolver resolver(io_);
  stream_.connect(resolver.resolve(endpoint_.host, std::to_string(endpoint_.port)));
  stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true));
}

ApiResponse ApiConnection::request(http::verb method, const std::string& target, const std::string& body,
                                   const std::string& content_type) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, endpoint_.host + ":" + std::to_string(endpoint_.port));
  req.set(http::field::accept, "application/json");
  if (!body.empty()) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();
  http::write(stream_, req);

  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  http::read(stream_, buffer_, parser);
  return {parser.get().result_int(), std::move(parser.get().body())};
}

}  // namespace kubebench
