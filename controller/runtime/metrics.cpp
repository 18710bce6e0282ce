// The Prometheus registry and its text exposition format 0.0.4: "# HELP", "# TYPE", one line per series,
// histograms as cumulative _bucket{le=...} lines ending at +Inf, then _sum and _count.

#include "runtime/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace zpo::runtime {

namespace {

enum class FamilyType { Counter, Gauge, Histogram };

const char* type_name(FamilyType type) {
  switch (type) {
    case FamilyType::Counter:
      return "counter";
    case FamilyType::Gauge:
      return "gauge";
    case FamilyType::Histogram:
      return "histogram";
  }
  return "untyped";
}

// Prometheus spells the special values +Inf, -Inf and NaN; everything else is the shortest exact decimal.
std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), end);
}

// Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
void append_escaped(std::string& out, const std::string& text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_labels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, const Labels& labels, double value,
                   const std::string* le = nullptr) {
  out += name;
  append_labels(out, labels, le);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

void Counter::inc(const Labels& labels, double by) {
  if (by < 0) throw std::invalid_argument("a counter cannot decrease");
  std::lock_guard lock(mutex_);
  values_[labels] += by;
}

void Gauge::set(const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  values_[labels] = value;
}

void Gauge::add(const Labels& labels, double by) {
  std::lock_guard lock(mutex_);
  values_[labels] += by;
}

void Histogram::observe(const Labels& labels, double value) {
  // The first bucket whose upper bound holds the value; past the last bound only +Inf (count) holds it.
  auto index =
      static_cast<std::size_t>(std::lower_bound(buckets_.begin(), buckets_.end(), value) - buckets_.begin());
  std::lock_guard lock(mutex_);
  auto& series = series_[labels];
  if (series.counts.empty()) series.counts.assign(buckets_.size(), 0);
  if (index < buckets_.size()) ++series.counts[index];
  series.sum += value;
  ++series.count;
}

struct MetricsRegistry::Impl {
  struct Family {
    FamilyType type;
    std::string help;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };

  Family& family(const std::string& name, const std::string& help, FamilyType type) {
    auto it = families.find(name);
    if (it != families.end()) {
      if (it->second.type != type || it->second.help != help) {
        throw std::logic_error("metric " + name + " registered twice with a different type or help");
      }
      return it->second;
    }
    return families.emplace(name, Family{type, help, nullptr, nullptr, nullptr}).first->second;
  }

  mutable std::mutex families_mutex;
  std::map<std::string, Family> families;  // sorted by name, as render() lists them

  mutable std::mutex collectors_mutex;
  std::map<std::size_t, std::function<void()>> collectors;
  std::size_t next_collector_id = 1;
};

MetricsRegistry::MetricsRegistry() : impl_(std::make_unique<Impl>()) {}
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(impl_->families_mutex);
  auto& f = impl_->family(name, help, FamilyType::Counter);
  if (!f.counter) f.counter = std::make_unique<Counter>();
  return *f.counter;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(impl_->families_mutex);
  auto& f = impl_->family(name, help, FamilyType::Gauge);
  if (!f.gauge) f.gauge = std::make_unique<Gauge>();
  return *f.gauge;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  if (!buckets.empty() && std::isinf(buckets.back())) buckets.pop_back();  // +Inf is always implied
  std::lock_guard lock(impl_->families_mutex);
  auto& f = impl_->family(name, help, FamilyType::Histogram);
  if (!f.histogram) {
    f.histogram.reset(new Histogram(std::move(buckets)));
  } else if (f.histogram->buckets_ != buckets) {
    throw std::logic_error("histogram " + name + " registered twice with different buckets");
  }
  return *f.histogram;
}

std::size_t MetricsRegistry::add_collector(std::function<void()> refresh) {
  std::lock_guard lock(impl_->collectors_mutex);
  std::size_t id = impl_->next_collector_id++;
  impl_->collectors.emplace(id, std::move(refresh));
  return id;
}

void MetricsRegistry::remove_collector(std::size_t id) {
  std::lock_guard lock(impl_->collectors_mutex);
  impl_->collectors.erase(id);
}

std::string MetricsRegistry::render() const {
  {
    std::lock_guard lock(impl_->collectors_mutex);
    for (const auto& [id, refresh] : impl_->collectors)
      refresh();
  }
  std::string out;
  std::lock_guard lock(impl_->families_mutex);
  for (const auto& [name, f] : impl_->families) {
    out += "# HELP " + name + ' ';
    append_escaped(out, f.help, false);
    out += "\n# TYPE " + name + ' ' + type_name(f.type) + '\n';
    if (f.counter || f.gauge) {
      auto& mutex = f.counter ? f.counter->mutex_ : f.gauge->mutex_;
      const auto& values = f.counter ? f.counter->values_ : f.gauge->values_;
      std::lock_guard values_lock(mutex);
      for (const auto& [labels, value] : values)
        append_sample(out, name, labels, value);
    } else if (f.histogram) {
      const Histogram& h = *f.histogram;
      std::vector<std::string> bounds;
      for (double b : h.buckets_)
        bounds.push_back(format_value(b));
      const std::string inf = "+Inf";
      std::lock_guard values_lock(h.mutex_);
      for (const auto& [labels, series] : h.series_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          cumulative += series.counts[i];
          append_sample(out, name + "_bucket", labels, static_cast<double>(cumulative), &bounds[i]);
        }
        append_sample(out, name + "_bucket", labels, static_cast<double>(series.count), &inf);
        append_sample(out, name + "_sum", labels, series.sum);
        append_sample(out, name + "_count", labels, static_cast<double>(series.count));
      }
    }
  }
  return out;
}

std::vector<double> default_duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
          0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
          6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
}

}  // namespace zpo::runtime
