#include "support/http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <stdexcept>

namespace testsupport {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct ParsedUrl {
  std::string host;
  std::string port;
  std::string target;
};

ParsedUrl parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0)
    throw std::runtime_error("http_request: only http:// URLs are supported: " + url);
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  ParsedUrl out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    out.host = authority;
    out.port = "80";
  } else {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty()) throw std::runtime_error("http_request: malformed URL: " + url);
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body,
                          const std::map<std::string, std::string>& headers,
                          std::chrono::milliseconds timeout) {
  ParsedUrl u = parse_url(url);
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  try {
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(u.host, u.port);

    http::request<http::string_body> req;
    req.method_string(method);
    req.target(u.target);
    req.version(11);
    req.set(http::field::host, u.port == "80" ? u.host : u.host + ":" + u.port);
    for (const auto& [name, value] : headers)
      req.set(name, value);
    req.body() = body;
    req.prepare_payload();

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);  // admin listings of many thousand ports are large
    parser.header_limit(1 << 20);
    // A reply to HEAD announces the Content-Length of a GET but carries no body.
    parser.skip(method == "HEAD");

    // The exchange runs as asynchronous operations because tcp_stream's expiry only bounds those: a server
    // that accepts and never answers (a paused API server, an endless watch) then fails the call instead of
    // hanging it.
    beast::error_code failure;
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) {
        failure = ec;
        return;
      }
      http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) {
          failure = ec;
          return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { failure = ec; });
      });
    });
    ioc.run();
    if (failure) throw boost::system::system_error(failure);

    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name = lower(std::string(field.name_string()));
      std::string value(field.value());
      auto [it, inserted] = out.headers.emplace(name, value);
      if (!inserted) it->second += ", " + value;
    }
    out.body = std::move(res.body());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("http_request " + method + " " + url + ": " + e.code().message());
  }
}

}  // namespace testsupport
