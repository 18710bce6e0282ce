#pragma once
// How long the cloud takes to show a release stage done (TerminatePort -> RECYCLED, DestroyPort ->
// DESTROYED), learnt from the ports that went through it. A sample is the time from our accepted call to the
// first look that showed the stage done: the cloud's own delay plus that port's poll lag. A low percentile of
// recent samples is close to the delay itself, since among many ports polled on jittered schedules some look
// soon after it. The reconciler aims a port's next look there instead of waiting out the poll grid. There is
// no estimate until enough samples exist, so a handful of odd ports cannot set it.

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>

namespace zpo::port {

enum class ReleaseStage { Terminate, Destroy };

class StageDurations {
 public:
  void add(ReleaseStage stage, std::chrono::milliseconds took);
  // The 5th percentile of the last kWindow samples; nullopt with fewer than kMinSamples.
  std::optional<std::chrono::milliseconds> expected(ReleaseStage stage) const;

  static constexpr std::size_t kWindow = 256;
  static constexpr std::size_t kMinSamples = 16;

 private:
  struct Samples {
    std::array<std::chrono::milliseconds, kWindow> ring{};
    std::size_t count = 0;  // samples ever added
    std::optional<std::chrono::milliseconds> expected{};
  };
  mutable std::mutex mutex_;
  std::array<Samples, 2> stages_{};
};

}  // namespace zpo::port
