#include "faults.hpp"

#include <algorithm>
#include <stdexcept>

namespace zenemu {
namespace {

using nlohmann::json;

double rate(const json& v, const std::string& name) {
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
    throw std::invalid_argument(name + " must be a number between 0 and 1");
  }
  return v.get<double>();
}

std::int64_t non_negative(const json& v, const std::string& name) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
    throw std::invalid_argument(name + " must be a non-negative integer");
  }
  return v.get<std::int64_t>();
}

const char* mode_name(CommitThenFailMode m) {
  switch (m) {
    case CommitThenFailMode::error:
      return "error";
    case CommitThenFailMode::drop:
      return "drop";
    case CommitThenFailMode::either:
      return "either";
  }
  return "either";
}

}  // namespace

json to_json(const FaultConfig& f) {
  return {{"throttleRate", f.throttle_rate},
          {"qpsCeiling", f.qps_ceiling},
          {"unavailableRate", f.unavailable_rate},
          {"internalErrorRate", f.internal_error_rate},
          {"latencyMs", f.latency.count()},
          {"latencyJitterMs", f.latency_jitter.count()},
          {"commitThenFailRate", f.commit_then_fail_rate},
          {"commitThenFailMode", mode_name(f.commit_then_fail_mode)},
          {"garbleRate", f.garble_rate},
          {"expireNextSignatures", f.expire_next_signatures}};
}

void merge_json(FaultConfig& f, const json& patch) {
  if (!patch.is_object()) throw std::invalid_argument("faults must be a JSON object");
  FaultConfig out = f;
  for (const auto& [key, value] : patch.items()) {
    if (key == "throttleRate") {
      out.throttle_rate = rate(value, key);
    } else if (key == "qpsCeiling") {
      if (!value.is_number() || value.get<double>() < 0)
        throw std::invalid_argument("qpsCeiling must be >= 0");
      out.qps_ceiling = value.get<double>();
    } else if (key == "unavailableRate") {
      out.unavailable_rate = rate(value, key);
    } else if (key == "internalErrorRate") {
      out.internal_error_rate = rate(value, key);
    } else if (key == "latencyMs") {
      out.latency = Millis(non_negative(value, key));
    } else if (key == "latencyJitterMs") {
      out.latency_jitter = Millis(non_negative(value, key));
    } else if (key == "commitThenFailRate") {
      out.commit_then_fail_rate = rate(value, key);
    } else if (key == "commitThenFailMode") {
      if (value == "error") {
        out.commit_then_fail_mode = CommitThenFailMode::error;
      } else if (value == "drop") {
        out.commit_then_fail_mode = CommitThenFailMode::drop;
      } else if (value == "either") {
        out.commit_then_fail_mode = CommitThenFailMode::either;
      } else {
        throw std::invalid_argument("commitThenFailMode must be error, drop or either");
      }
    } else if (key == "garbleRate") {
      out.garble_rate = rate(value, key);
    } else if (key == "expireNextSignatures") {
      out.expire_next_signatures = non_negative(value, key);
    } else {
      throw std::invalid_argument("unknown fault: " + key);
    }
  }
  f = out;
}

ScriptedReply scripted_reply_from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("a scripted reply must be a JSON object");
  ScriptedReply s;
  for (const auto& [key, value] : j.items()) {
    if (key == "action") {
      if (!value.is_string()) throw std::invalid_argument("action must be a string");
      s.action = value.get<std::string>();
    } else if (key == "httpStatus") {
      if (!value.is_number_integer() || value.get<int>() < 100 || value.get<int>() > 599) {
        throw std::invalid_argument("httpStatus must be an HTTP status (100-599)");
      }
      s.http_status = value.get<int>();
    } else if (key == "code") {
      if (!value.is_string()) throw std::invalid_argument("code must be a string");
      s.code = value.get<std::string>();
    } else if (key == "body") {
      s.body = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (key == "headers") {
      if (!value.is_object()) throw std::invalid_argument("headers must be an object of strings");
      for (const auto& [name, v] : value.items()) {
        if (!v.is_string()) throw std::invalid_argument("headers must be an object of strings");
        s.headers.emplace_back(name, v.get<std::string>());
      }
    } else if (key == "drop") {
      if (!value.is_boolean()) throw std::invalid_argument("drop must be a boolean");
      s.drop = value.get<bool>();
    } else if (key == "commit") {
      if (!value.is_boolean()) throw std::invalid_argument("commit must be a boolean");
      s.commit = value.get<bool>();
    } else {
      throw std::invalid_argument("unknown scripted reply field: " + key);
    }
  }
  return s;
}

json to_json(const ScriptedReply& s) {
  json j = {{"httpStatus", s.http_status}, {"drop", s.drop}, {"commit", s.commit}};
  if (s.action) j["action"] = *s.action;
  if (s.code) j["code"] = *s.code;
  if (s.body) j["body"] = *s.body;
  if (!s.headers.empty()) {
    json h = json::object();
    for (const auto& [name, value] : s.headers)
      h[name] = value;
    j["headers"] = std::move(h);
  }
  return j;
}

std::string_view fault_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::none:
      return "";
    case FaultKind::scripted:
      return "scripted";
    case FaultKind::expired_signature:
      return "expired_signature";
    case FaultKind::throttled:
      return "throttled";
    case FaultKind::qps_ceiling:
      return "qps_ceiling";
    case FaultKind::unavailable:
      return "unavailable";
    case FaultKind::internal_error:
      return "internal_error";
    case FaultKind::commit_then_error:
      return "commit_then_error";
    case FaultKind::commit_then_drop:
      return "commit_then_drop";
    case FaultKind::garbled:
      return "garbled";
  }
  return "";
}

bool FaultDecision::applies_call() const {
  switch (kind) {
    case FaultKind::none:
    case FaultKind::commit_then_error:
    case FaultKind::commit_then_drop:
    case FaultKind::garbled:
      return true;
    case FaultKind::scripted:
      return script && script->commit;
    default:
      return false;
  }
}

FaultInjector::FaultInjector(const Clock& clock, std::uint64_t seed, FaultConfig config)
    : clock_(clock), seed_(seed), rng_(seed), config_(config) {}

bool FaultInjector::roll(double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate;
}

bool FaultInjector::over_qps_ceiling() {
  if (config_.qps_ceiling <= 0) return false;
  // A token bucket holding one second of calls: bursts up to the ceiling pass, a sustained rate above it does
  // not.
  const TimePoint now = clock_.now();
  const double capacity = std::max(1.0, config_.qps_ceiling);
  if (!last_refill_) {
    tokens_ = capacity;
  } else {
    double elapsed = std::chrono::duration<double>(now - *last_refill_).count();
    tokens_ = std::min(capacity, tokens_ + std::max(0.0, elapsed) * config_.qps_ceiling);
  }
  last_refill_ = now;
  if (tokens_ < 1) return true;
  tokens_ -= 1;
  return false;
}

FaultDecision FaultInjector::decide(std::string_view action, bool mutation) {
  FaultDecision d;
  d.latency = config_.latency;
  if (config_.latency_jitter.count() > 0) {
    d.latency += Millis(std::uniform_int_distribution<std::int64_t>(0, config_.latency_jitter.count())(rng_));
  }
  auto scripted = std::find_if(script_.begin(), script_.end(),
                               [&](const ScriptedReply& s) { return !s.action || *s.action == action; });
  if (scripted != script_.end()) {
    d.kind = FaultKind::scripted;
    d.script = std::move(*scripted);
    script_.erase(scripted);
  } else if (config_.expire_next_signatures > 0) {
    --config_.expire_next_signatures;
    d.kind = FaultKind::expired_signature;
  } else if (over_qps_ceiling()) {
    d.kind = FaultKind::qps_ceiling;
  } else if (roll(config_.throttle_rate)) {
    d.kind = FaultKind::throttled;
  } else if (roll(config_.unavailable_rate)) {
    d.kind = FaultKind::unavailable;
  } else if (roll(config_.internal_error_rate)) {
    d.kind = FaultKind::internal_error;
  } else if (mutation && roll(config_.commit_then_fail_rate)) {
    bool drop = config_.commit_then_fail_mode == CommitThenFailMode::drop ||
                (config_.commit_then_fail_mode == CommitThenFailMode::either && roll(0.5));
    d.kind = drop ? FaultKind::commit_then_drop : FaultKind::commit_then_error;
  } else if (roll(config_.garble_rate)) {
    d.kind = FaultKind::garbled;
  }
  return d;
}

void FaultInjector::add_script(std::vector<ScriptedReply> replies) {
  for (auto& r : replies)
    script_.push_back(std::move(r));
}

json FaultInjector::script() const {
  json out = json::array();
  for (const auto& s : script_)
    out.push_back(to_json(s));
  return out;
}

void FaultInjector::reset(const FaultConfig& config) {
  config_ = config;
  script_.clear();
  rng_.seed(seed_);
  tokens_ = 0;
  last_refill_.reset();
}

}  // namespace zenemu
