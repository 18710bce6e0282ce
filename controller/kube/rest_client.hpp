#pragma once
// A synchronous client for the Kubernetes REST API over Boost.Beast (HTTP or TLS), thread-safe, reusing
// keep-alive connections. Paths are API paths
// ("/apis/sdn.zenlayer.com/v1alpha1/namespaces/ns/zenlayerports/x"); query strings are the caller's (see
// query_escape). Every failure is one of two exceptions below.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>

#include "kube/cluster_config.hpp"

namespace zpo::kube {

// The server answered with a non-2xx status; the fields come from its metav1.Status body when it sent one.
class StatusError : public std::runtime_error {
 public:
  StatusError(int code, std::string reason, std::string message);
  // HTTP status: 404, 409, 410, 422, 429, 500, ...
  int code() const { return code_; }
  // "NotFound", "Conflict", "Expired", "AlreadyExists", ...
  const std::string& reason() const { return reason_; }
  bool not_found() const { return code_ == 404; }
  bool conflict() const { return code_ == 409; }
  bool gone() const { return code_ == 410; }

 private:
  int code_;
  std::string reason_;
};

// No usable reply: connect failure, TLS failure, timeout, reset, unparsable body.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class PatchType { Merge, Json };  // application/merge-patch+json, application/json-patch+json

struct WatchEvent {
  std::string type{};  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  nlohmann::json object{};
};

struct RestOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};  // for one non-watch request
  std::string user_agent = "zenlayer-port-operator";
  std::size_t max_idle_connections = 8;
};

class RestClient {
 public:
  explicit RestClient(ClusterConfig config, RestOptions options = {});
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  nlohmann::json get(const std::string& path);
  nlohmann::json create(const std::string& path, const nlohmann::json& object);   // POST
  nlohmann::json replace(const std::string& path, const nlohmann::json& object);  // PUT
  nlohmann::json patch(const std::string& path, PatchType type, const nlohmann::json& patch);
  nlohmann::json remove(const std::string& path);  // DELETE; returns the server's reply body

  // GET path with watch=true already in the caller's query; calls on_event for every event line as it arrives
  // (BOOKMARK and ERROR included) until the server ends the stream (returns normally), `stop` is requested
  // (returns promptly, within about 100 ms), or `idle_timeout` passes without a byte (throws TransportError).
  // Throws StatusError when the server refuses the watch itself.
  void watch(const std::string& path, const std::function<void(const WatchEvent&)>& on_event,
             const std::stop_token& stop, std::chrono::seconds idle_timeout = std::chrono::seconds(300));

  const ClusterConfig& config() const { return config_; }

 private:
  struct Impl;
  const ClusterConfig config_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query parameter value ("app=a,b" → "app%3Da%2Cb").
std::string query_escape(std::string_view value);

}  // namespace zpo::kube
