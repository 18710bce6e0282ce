#include "zenlayer/endpoint.hpp"

#include <charconv>

namespace zenlayer {

namespace {

std::uint16_t default_port_of(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

// RFC 3986's unreserved characters and '%' (percent-encoding, an IPv6 zone), plus ':' inside an IPv6 literal.
bool valid_host(std::string_view host, bool ipv6) {
  for (const char c : host) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '.' && c != '-' && c != '_' && c != '~' && c != '%' && !(ipv6 && c == ':'))
      return false;
  }
  return true;
}

}  // namespace

Endpoint Endpoint::parse(std::string_view url) {
  const auto fail = [&](const char* why) {
    return EndpointError("invalid endpoint '" + std::string(url) + "': " + why);
  };
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) throw fail("expected scheme://host[:port]");
  Endpoint endpoint;
  endpoint.scheme = std::string(url.substr(0, separator));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") throw fail("scheme must be http or https");
  auto authority = url.substr(separator + 3);
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.find_first_of("/?#@") != std::string_view::npos)
    throw fail("only scheme, host and port are allowed");

  std::string_view port_text;
  const bool ipv6 = !authority.empty() && authority.front() == '[';
  if (ipv6) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw fail("unterminated IPv6 address");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw fail("unexpected text after IPv6 address");
      port_text = rest.substr(1);
      if (port_text.empty()) throw fail("empty port");
    }
  } else {
    const auto colon = authority.rfind(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) throw fail("empty port");
    }
  }
  if (endpoint.host.empty()) throw fail("missing host");
  // The host goes verbatim into the Host header and into the signature: a control character would split the
  // header, and a bracket or a colon outside an IPv6 literal would not survive base_url().
  if (!valid_host(endpoint.host, ipv6)) {
    throw fail("the host may hold only letters, digits and . - _ ~ % (an IPv6 address goes in [brackets])");
  }

  endpoint.port = default_port_of(endpoint.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      throw fail("port must be a number from 1 to 65535");
    }
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  return endpoint;
}

bool Endpoint::default_port() const {
  return port == default_port_of(scheme);
}

std::string Endpoint::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  const auto bare = ipv6 ? "[" + host + "]" : host;
  return default_port() ? bare : bare + ":" + std::to_string(port);
}

std::string Endpoint::base_url() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string service_path(std::string_view service) {
  return "/api/v2/" + std::string(service);
}

}  // namespace zenlayer
