#pragma once
// Where zpo_kube's background parts (the informer, the Event recorder) report what they could not raise as an
// exception. zpo_kube must not depend on zpo::runtime's logger, so the binary passes a sink that forwards to
// it; the default writes one JSON line per message on stderr.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zpo::kube {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// `level` is "debug", "info", "warn" or "error". Fields never carry secrets (callers only pass keys, paths,
// resourceVersions and error messages from the API server).
using LogSink =
    std::function<void(std::string_view level, std::string_view message, const LogFields& fields)>;

// {"time":"2026-01-02T03:04:05.678Z","level":"warn","msg":"...","component":"kube",FIELD:VALUE...} on stderr,
// one line per call, whole lines even when several threads log at once.
LogSink stderr_log_sink();

}  // namespace zpo::kube
