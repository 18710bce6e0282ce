#pragma once
// Test doubles for the client: a clock that advances only when told (or when the client sleeps), and a
// transport that replays a script of replies and records every request it was given.

#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "zenlayer/clock.hpp"
#include "zenlayer/transport.hpp"

namespace zenlayer::testing {

class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_time() const override { return wall_; }
  bool sleep_for(std::chrono::nanoseconds duration, const std::stop_token& stop) override {
    if (stop.stop_requested()) return false;
    if (duration > std::chrono::nanoseconds::zero()) sleeps.push_back(duration);
    advance(duration);
    return true;
  }
  void advance(std::chrono::nanoseconds duration) {
    steady_ += duration;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
  }

  std::vector<std::chrono::nanoseconds> sleeps;  // every non-zero sleep, in order

 private:
  std::chrono::steady_clock::time_point steady_{};
  std::chrono::system_clock::time_point wall_{std::chrono::seconds(1673361177)};
};

// One scripted step: returns the reply or throws TransportError.
using Step = std::function<HttpResponse(const HttpRequest&)>;

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(Endpoint endpoint = Endpoint::parse("https://console.zenlayer.com"))
      : endpoint_(std::move(endpoint)) {}

  const Endpoint& endpoint() const override { return endpoint_; }
  HttpResponse send(const HttpRequest& request, const std::stop_token&) override {
    requests.push_back(request);
    if (clock_ != nullptr) clock_->advance(latency_);
    if (script_.empty()) throw TransportError("fake transport: script exhausted", false);
    auto step = std::move(script_.front());
    script_.pop_front();
    return step(request);
  }

  FakeTransport& then(Step step) {
    script_.push_back(std::move(step));
    return *this;
  }
  // Every request takes `latency` on `clock`, so consecutive attempts are signed at different seconds.
  void simulate_latency(FakeClock& clock, std::chrono::nanoseconds latency) {
    clock_ = &clock;
    latency_ = latency;
  }
  std::size_t remaining() const { return script_.size(); }

  std::vector<HttpRequest> requests;

 private:
  Endpoint endpoint_;
  std::deque<Step> script_;
  FakeClock* clock_ = nullptr;
  std::chrono::nanoseconds latency_{};
};

// The header's value in a recorded request ("" when absent).
std::string header_of(const HttpRequest& request, const std::string& name);

Step reply(int status, nlohmann::json body,
           std::map<std::string, std::string, CaseInsensitiveLess> headers = {});
// HTTP 200 with {"requestId": id, "response": {"requestId": id, ...fields}}.
Step success(const std::string& request_id, nlohmann::json fields = nlohmann::json::object());
// An error reply: {"requestId": id, "code": code, "message": "..."}.
Step failure(int status, const std::string& code, const std::string& request_id = "T-error");
Step raw_reply(int status, std::string body);
Step connection_lost();

}  // namespace zenlayer::testing
