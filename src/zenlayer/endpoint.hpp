#pragma once
// Where requests go: scheme, host and port, parsed from a URL such as "https://console.zenlayer.com" or
// "http://127.0.0.1:4321". The Host header (and so the signature) carries the port only when it is not the
// scheme's default, as HTTP clients send it.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zenlayer {

inline constexpr const char* kDefaultEndpoint = "https://console.zenlayer.com";

class EndpointError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Endpoint {
  std::string scheme{};  // "http" or "https"
  std::string host{};    // without brackets or port
  std::uint16_t port = 443;

  // Accepts scheme://host[:port] with an optional trailing "/". Throws EndpointError otherwise.
  static Endpoint parse(std::string_view url);

  bool default_port() const;
  // "host" for the scheme's default port, "host:port" otherwise.
  std::string host_header() const;
  // "scheme://host:port", what the transport connects to.
  std::string base_url() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "/api/v2/<service>".
std::string service_path(std::string_view service);

}  // namespace zenlayer
