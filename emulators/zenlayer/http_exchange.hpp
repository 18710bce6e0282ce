#pragma once
// A request and its reply as the emulator's handlers see them, independent of the HTTP library.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clock.hpp"

namespace zenemu {

struct HttpRequest {
  std::string method;
  std::string target;                          // path and query, as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;  // close the connection without replying
  Millis delay{0};    // wait this long before replying (injected latency)
};

}  // namespace zenemu
