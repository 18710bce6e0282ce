#pragma once
// The emulator's own control API under /admin/ (JSON; never subject to authentication or faults):
//   GET  /admin/faults            current fault settings (+ pauseRemainingSeconds)
//   PUT  /admin/faults            change some of them: {"conflictRate":0.1,...}; answers the new settings
//   POST /admin/close-watches     ends every open watch stream cleanly: {"closed":N}
//   POST /admin/expire-watches    ends every open watch with an ERROR 410 Expired event: {"expired":N}
//   POST /admin/pause             {"seconds":N}: every API request hangs for N seconds from now
//   GET  /admin/stats             request counts, writes by resource/subresource and verb, open watches,
//   objects,
//                                 current resourceVersion

#include <string>

#include "api_handler.hpp"
#include "faults.hpp"
#include "request_stats.hpp"
#include "store.hpp"
#include "watch_registry.hpp"

namespace kubeemu {

class AdminApi {
 public:
  AdminApi(Store& store, Faults& faults, RequestStats& stats, WatchRegistry& watches)
      : store_(store), faults_(faults), stats_(stats), watches_(watches) {}

  // `action` is the path after /admin/ (e.g. "faults").
  ApiResponse handle(const std::string& method, const std::string& action, const std::string& body);

 private:
  Store& store_;
  Faults& faults_;
  RequestStats& stats_;
  WatchRegistry& watches_;
};

}  // namespace kubeemu
