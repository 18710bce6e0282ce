#pragma once
// The request line's target split into a decoded path and query parameters, and Go's strconv.ParseBool, which
// is how the apiserver reads boolean parameters (python3-kubernetes sends `watch=True`).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kubeemu {

struct RequestTarget {
  std::string path;                          // percent-decoded, without the query
  std::map<std::string, std::string> query;  // a repeated key keeps its first value, as Go's Values.Get does
};

// Splits "/a/b?x=1&y=%3D" into the path and the query. A repeated key keeps its first value (Go's
// Values.Get).
RequestTarget parse_request_target(std::string_view target);

// %XX decoding; in a query `+` is a space.
std::string percent_decode(std::string_view text, bool plus_is_space);

// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; anything else is nullopt.
std::optional<bool> parse_go_bool(std::string_view text);

}  // namespace kubeemu
