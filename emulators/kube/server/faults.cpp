#include "faults.hpp"

#include <stdexcept>

namespace kubeemu {

namespace {

using Clock = std::chrono::steady_clock;

double rate_field(const json& patch, const char* name, double current) {
  if (!patch.contains(name)) return current;
  const json& v = patch.at(name);
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
    throw std::invalid_argument(std::string(name) + " must be a number between 0 and 1");
  }
  return v.get<double>();
}

double seconds_field(const json& patch, const char* name, double current) {
  if (!patch.contains(name)) return current;
  const json& v = patch.at(name);
  if (!v.is_number() || v.get<double>() < 0) throw std::invalid_argument(std::string(name) + " must be >= 0");
  return v.get<double>();
}

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

json to_json(const FaultSettings& s) {
  return {{"watchCloseAfterSeconds", s.watch_close_after_s},
          {"conflictRate", s.conflict_rate},
          {"expireWatchRate", s.expire_watch_rate},
          {"errorRate", s.error_rate},
          {"errorCode", s.error_code},
          {"pauseAfterSeconds", s.pause_after_s},
          {"pauseForSeconds", s.pause_for_s}};
}

FaultSettings merge_fault_settings(FaultSettings s, const json& patch) {
  if (!patch.is_object()) throw std::invalid_argument("faults must be a JSON object");
  for (const auto& [key, value] : patch.items()) {
    if (!to_json(FaultSettings{}).contains(key)) throw std::invalid_argument("unknown fault field " + key);
  }
  s.watch_close_after_s = seconds_field(patch, "watchCloseAfterSeconds", s.watch_close_after_s);
  s.conflict_rate = rate_field(patch, "conflictRate", s.conflict_rate);
  s.expire_watch_rate = rate_field(patch, "expireWatchRate", s.expire_watch_rate);
  s.error_rate = rate_field(patch, "errorRate", s.error_rate);
  s.pause_after_s = seconds_field(patch, "pauseAfterSeconds", s.pause_after_s);
  s.pause_for_s = seconds_field(patch, "pauseForSeconds", s.pause_for_s);
  if (patch.contains("errorCode")) {
    const json& v = patch.at("errorCode");
    if (!v.is_number_integer() || v.get<int>() < 400 || v.get<int>() > 599) {
      throw std::invalid_argument("errorCode must be an HTTP error status (400..599)");
    }
    s.error_code = v.get<int>();
  }
  return s;
}

Faults::Faults(FaultSettings settings, uint64_t seed)
    : settings_(settings), rng_(seed), start_(Clock::now()), paused_until_(Clock::now()) {}

FaultSettings Faults::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void Faults::set(const FaultSettings& settings) {
  {
    std::lock_guard lock(mutex_);
    settings_ = settings;
  }
  wake_.notify_all();
}

bool Faults::roll(double rate) {
  if (rate <= 0) return false;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return uniform(rng_) < rate;
}

bool Faults::roll_conflict() {
  std::lock_guard lock(mutex_);
  return roll(settings_.conflict_rate);
}

bool Faults::roll_expire_watch() {
  std::lock_guard lock(mutex_);
  return roll(settings_.expire_watch_rate);
}

int Faults::roll_error() {
  std::lock_guard lock(mutex_);
  return roll(settings_.error_rate) ? settings_.error_code : 0;
}

void Faults::pause_for(double s) {
  {
    std::lock_guard lock(mutex_);
    paused_until_ = Clock::now() + seconds(s);
  }
  wake_.notify_all();
}

double Faults::pause_remaining() const {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  auto until = paused_until_;
  if (settings_.pause_for_s > 0) {
    const auto window_start = start_ + seconds(settings_.pause_after_s);
    const auto window_end = window_start + seconds(settings_.pause_for_s);
    if (now >= window_start && now < window_end && window_end > until) until = window_end;
  }
  return now < until ? std::chrono::duration<double>(until - now).count() : 0.0;
}

void Faults::wait_while_paused() {
  while (true) {
    const double left = pause_remaining();
    if (left <= 0) return;
    std::unique_lock lock(mutex_);
    if (released_) return;
    // Re-evaluated on wake-up: a new admin pause or new settings may shorten or lengthen it.
    wake_.wait_for(lock, std::chrono::duration<double>(left));
    if (released_) return;
  }
}

void Faults::release_all() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  wake_.notify_all();
}

}  // namespace kubeemu
