#pragma once
// The process_* gauges Prometheus clients export, refreshed from /proc at every scrape: resident and virtual
// memory, peak resident memory (for the scale figures) and the start time.

#include "runtime/metrics.hpp"

namespace zpo::runtime {

// process_resident_memory_bytes, process_virtual_memory_bytes, process_resident_memory_peak_bytes (VmHWM; not
// a client_golang name, there is none for it), process_start_time_seconds. The collector touches only the
// registry's own gauges, so it never needs removing.
void register_process_metrics(MetricsRegistry& registry);

}  // namespace zpo::runtime
