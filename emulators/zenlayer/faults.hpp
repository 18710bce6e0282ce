#pragma once
// Fault injection: what goes wrong with a call, decided after its signature was accepted. Rates are
// probabilities per call (0..1) drawn from a seeded generator, so a run with the same --seed and the same
// call sequence fails the same calls.
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clock.hpp"

namespace zenemu {

enum class CommitThenFailMode { error, drop, either };

struct FaultConfig {
  double throttle_rate = 0;          // 429 REQUEST_LIMIT_EXCEEDED
  double qps_ceiling = 0;            // calls per second above which the answer is 429; 0 = no ceiling
  double unavailable_rate = 0;       // 503 SERVICE_TEMPORARY_UNAVAILABLE
  double internal_error_rate = 0;    // 500 INTERNAL_SERVER_ERROR, nothing applied
  Millis latency{0};                 // added before every reply
  Millis latency_jitter{0};          // plus a uniform 0..jitter
  double commit_then_fail_rate = 0;  // mutations only: applied, then a 500 or a dropped connection
  CommitThenFailMode commit_then_fail_mode = CommitThenFailMode::either;
  double garble_rate = 0;                   // the call is applied and the reply body is cut short
  std::int64_t expire_next_signatures = 0;  // the next N valid calls answer AUTHFAILURE_SIGNATURE_EXPIRED
};

// {"throttleRate","qpsCeiling","unavailableRate","internalErrorRate","latencyMs","latencyJitterMs",
//  "commitThenFailRate","commitThenFailMode":"error"|"drop"|"either","garbleRate","expireNextSignatures"}
nlohmann::json to_json(const FaultConfig& f);
// Applies the fields present; throws std::invalid_argument (changing nothing) on an unknown field or bad
// value.
void merge_json(FaultConfig& f, const nlohmann::json& patch);

// One reply queued by a test, answered to the next call whose action matches (any action when unset).
struct ScriptedReply {
  std::optional<std::string> action;
  int http_status = 500;
  std::optional<std::string> code;  // the error code of the standard failure body; default from the status
  std::optional<std::string> body;  // raw body, replaces the standard one
  std::vector<std::pair<std::string, std::string>> headers;
  bool drop = false;    // close the connection instead of replying
  bool commit = false;  // apply the call before replying
};

// {"action","httpStatus","code","body" (string, or JSON that is serialized),"headers":{..},"drop","commit"}
ScriptedReply scripted_reply_from_json(const nlohmann::json& j);
nlohmann::json to_json(const ScriptedReply& s);

enum class FaultKind {
  none,
  scripted,
  expired_signature,
  throttled,
  qps_ceiling,
  unavailable,
  internal_error,
  commit_then_error,
  commit_then_drop,
  garbled,
};
std::string_view fault_name(FaultKind kind);  // "" for none; as shown in the call log

struct FaultDecision {
  FaultKind kind = FaultKind::none;
  std::optional<ScriptedReply> script;  // for FaultKind::scripted
  Millis latency{0};
  // Whether the call is applied before the reply is produced.
  bool applies_call() const;
};

class FaultInjector {
 public:
  FaultInjector(const Clock& clock, std::uint64_t seed, FaultConfig config = {});

  // Decides the fate of one authenticated call. mutation: the action changes ports (commit-then-fail
  // applies).
  FaultDecision decide(std::string_view action, bool mutation);

  const FaultConfig& config() const { return config_; }
  void set_config(const FaultConfig& config) { config_ = config; }
  void add_script(std::vector<ScriptedReply> replies);
  nlohmann::json script() const;  // the queued replies, in order
  void clear_script() { script_.clear(); }
  // Back to config, with an empty script and the generator reseeded.
  void reset(const FaultConfig& config);

 private:
  bool roll(double rate);
  bool over_qps_ceiling();

  const Clock& clock_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  FaultConfig config_;
  std::deque<ScriptedReply> script_;
  double tokens_ = 0;  // token bucket for the QPS ceiling
  std::optional<TimePoint> last_refill_;
};

}  // namespace zenemu
