#pragma once
// The Kubernetes API proper: turns one HTTP request (already authenticated) into a Store call and a response,
// or into a watch for the HTTP layer to stream. Discovery, OpenAPI and /version are answered here too. No
// sockets.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "faults.hpp"
#include "media_type.hpp"
#include "request_stats.hpp"
#include "store.hpp"

namespace kubeemu {

struct ApiRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE, ...
  std::string target;  // path and query as sent
  std::string accept;
  std::string content_type;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> warnings;  // sent as `Warning: 299 - "..."` headers (kubectl prints them)
};

// A watch the HTTP layer streams as chunked newline-delimited JSON events.
struct WatchPlan {
  ResourceType type;
  std::optional<Watch> watch;       // nullopt: only `error_event` is sent
  std::optional<json> error_event;  // an ERROR event's Status (410 Expired), sent before the stream ends
  ResponseFormat format;            // Table: every event's object becomes a one-row Table
  std::string include_object;       // Table rows' object: Metadata, Object or None
  std::optional<std::chrono::seconds> timeout;  // timeoutSeconds
  bool bookmarks = false;
};

struct ApiOutcome {
  ApiResponse response;  // unused when `watch` is set
  std::optional<WatchPlan> watch;
};

class ApiHandler {
 public:
  ApiHandler(Store& store, Faults& faults, RequestStats& stats, std::string server_address);

  ApiOutcome handle(const ApiRequest& request);

 private:
  ApiOutcome dispatch(const ApiRequest& request);

  Store& store_;
  Faults& faults_;
  RequestStats& stats_;
  std::string server_address_;
};

// Serialises a JSON document for an HTTP body (invalid UTF-8 replaced rather than thrown on).
std::string to_body(const json& document);

// One watch event as its NDJSON line (with the trailing newline). With a Table format the object becomes a
// one-row Table; column definitions only when `with_columns` (the first event), as the real server saves
// bandwidth and kubectl reuses the last definitions.
std::string encode_watch_event(const std::string& type, const json& object, const WatchPlan& plan,
                               bool with_columns);
std::string encode_watch_event(const WatchEvent& event, const WatchPlan& plan, bool with_columns);

}  // namespace kubeemu
