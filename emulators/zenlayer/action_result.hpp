#pragma once
// The outcome of one SDN action, before it is wrapped in the API's reply envelope.
#include <nlohmann/json.hpp>
#include <string>

namespace zenemu {

struct ActionResult {
  int http_status = 200;
  std::string code;                                    // empty on success, UPPER_SNAKE_CODE on failure
  std::string message;                                 // for people; clients must branch on code
  nlohmann::json response = nlohmann::json::object();  // the action's fields on success
  bool committed = false;                              // the call changed the emulator's ports

  bool ok() const { return code.empty(); }
};

inline ActionResult action_error(int http_status, std::string code, std::string message) {
  ActionResult r;
  r.http_status = http_status;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

}  // namespace zenemu
