#include "kube/server_url.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace zpo::kube {

ServerUrl parse_server_url(const std::string& url) {
  ServerUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out.tls = false;
    rest = url.substr(7);
  } else {
    throw std::invalid_argument("server URL \"" + url + "\" is not http:// or https://");
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out.path_prefix = rest.substr(slash);
    while (!out.path_prefix.empty() && out.path_prefix.back() == '/')
      out.path_prefix.pop_back();
  }
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos)
      throw std::invalid_argument("server URL \"" + url + "\" has an unclosed '['");
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw std::invalid_argument("server URL \"" + url + "\" is malformed");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) throw std::invalid_argument("server URL \"" + url + "\" has no host");
  if (port.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("server URL \"" + url + "\" has a bad port");
  out.port = port.empty() ? (out.tls ? "443" : "80") : port;
  const bool v6 = out.host.find(':') != std::string::npos;
  out.host_header = (v6 ? "[" + out.host + "]" : out.host) + ":" + out.port;
  return out;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace zpo::kube
