#pragma once
// The parts of a cluster's server URL ("https://host:port/optional/prefix") that a connection needs.

#include <string>

namespace zpo::kube {

struct ServerUrl {
  bool tls = true;
  std::string host{};         // without IPv6 brackets: what to resolve and to verify
  std::string port{};         // "443" when the URL names none (80 for http)
  std::string host_header{};  // "host:port" as sent in the Host header (brackets kept)
  std::string path_prefix{};  // e.g. "/k8s/clusters/c-1" behind a proxy; empty usually, never a trailing '/'
};

// Throws std::invalid_argument naming the URL when it is not http(s)://host[:port][/prefix].
ServerUrl parse_server_url(const std::string& url);

// True when `host` is an IPv4 or IPv6 literal (no SNI is sent for those).
bool is_ip_literal(const std::string& host);

}  // namespace zpo::kube
