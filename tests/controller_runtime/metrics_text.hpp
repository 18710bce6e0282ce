#pragma once
// Reads Prometheus text format 0.0.4 back into samples, so tests assert on values rather than on string
// layout.

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace zpo::runtime::testing {

// "name{a=\"x\",b=\"y\"}" (labels as rendered, in order) -> value; comment lines skipped.
inline std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) throw std::runtime_error("bad sample line: " + line);
    std::string value = line.substr(space + 1);
    samples[line.substr(0, space)] = value == "+Inf" ? 1e308 * 10 : std::stod(value);
  }
  return samples;
}

}  // namespace zpo::runtime::testing
