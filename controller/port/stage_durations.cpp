#include "port/stage_durations.hpp"

#include <algorithm>
#include <vector>

namespace zpo::port {

void StageDurations::add(ReleaseStage stage, std::chrono::milliseconds took) {
  std::lock_guard lock(mutex_);
  Samples& samples = stages_[static_cast<std::size_t>(stage)];
  samples.ring[samples.count % kWindow] = std::max(took, std::chrono::milliseconds(0));
  ++samples.count;
  const std::size_t held = std::min(samples.count, kWindow);
  if (held < kMinSamples) return;
  // Recomputed here rather than on every read: reads come with every scheduled poll, samples once per port.
  std::vector<std::chrono::milliseconds> sorted(samples.ring.begin(), samples.ring.begin() + held);
  const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(held / 20);
  std::nth_element(sorted.begin(), nth, sorted.end());
  samples.expected = *nth;
}

std::optional<std::chrono::milliseconds> StageDurations::expected(ReleaseStage stage) const {
  std::lock_guard lock(mutex_);
  return stages_[static_cast<std::size_t>(stage)].expected;
}

}  // namespace zpo::port
