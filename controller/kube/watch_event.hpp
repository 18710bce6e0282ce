#pragma once
// What one watch event does to the informer's cache, apart from the stream and the informer's thread, so that
// hostile events are tested (and fuzzed) without a server.

#include <string>

#include "kube/informer_cache.hpp"
#include "kube/rest_client.hpp"

namespace zpo::kube::detail {

struct WatchEventOutcome {
  enum class Kind {
    Applied,   // ADDED, MODIFIED or DELETED: the cache saw it (it may have kept a newer version); wake `key`
    Bookmark,  // only the resourceVersion moved
    Relist,    // ERROR 410: our resourceVersion fell out of the server's history
    Failed,    // another ERROR: start a new watch from the last good version
  };
  Kind kind = Kind::Applied;
  std::string key{};  // Applied: the object's key
  // Applied: the cache held exactly this version already, i.e. the echo of our own write. The reconcile that
  // wrote it planned what comes next, so there is nothing to wake. An older event is no echo: it carries a
  // change that the decision behind our write did not see.
  bool echo = false;
  std::string resource_version{};  // where the next watch resumes; empty: where it was
  int error_code = 0;              // Relist / Failed: the metav1.Status code (0 when it had none)
  std::string error_message{};     // Failed: the Status message
};

// The string at a JSON pointer ("/metadata/name"); empty when absent or not a string.
std::string text_at(const nlohmann::json& object, const char* pointer);

// Throws std::exception for an event it cannot use (an unknown type, an object without metadata.name): the
// caller starts over from the last good resourceVersion.
WatchEventOutcome apply_watch_event(InformerCache& cache, const WatchEvent& event);

}  // namespace zpo::kube::detail
