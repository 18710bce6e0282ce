#pragma once
// A kube-emulator child process serving the ZenlayerPort CRD, a RestClient to it and the admin calls the
// informer, Event and finalizer tests use. Start it on the test's own thread: the child dies with the thread
// that started it.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "kube/rest_client.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace k2test {

using nlohmann::json;

inline constexpr const char* kPorts = "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports";

inline std::string port_path(const std::string& name) {
  return std::string(kPorts) + "/" + name;
}

inline json port(const std::string& name) {
  return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
          {"kind", "ZenlayerPort"},
          {"metadata", {{"name", name}}},
          {"spec", {{"portId", "port-" + name}}}};
}

class KubeEmulator {
 public:
  explicit KubeEmulator(std::vector<std::string> extra_flags = {}) {
    std::vector<std::string> argv = {KUBE_EMULATOR_BIN, "--listen", "127.0.0.1:0", "--crd", ZENLAYERPORT_CRD};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    child_ = std::make_unique<testsupport::ChildProcess>(testsupport::ChildProcess::start(argv));
    url_ = child_->wait_for_listening();
    zpo::kube::ClusterConfig config;
    config.server = url_;
    client_ = std::make_unique<zpo::kube::RestClient>(config);
  }

  zpo::kube::RestClient& client() { return *client_; }
  const std::string& url() const { return url_; }

  // POST/PUT under /admin/; returns the parsed reply (admin calls are never paused or faulted).
  json admin(const std::string& method, const std::string& path, const json& body = json::object()) {
    const auto reply = testsupport::http_request(method, url_ + "/admin/" + path, body.dump(),
                                                 {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200) << method << " /admin/" << path << ": " << reply.body;
    return json::parse(reply.body);
  }

 private:
  std::unique_ptr<testsupport::ChildProcess> child_;
  std::string url_;
  std::unique_ptr<zpo::kube::RestClient> client_;
};

// Polls `condition` until it holds or `timeout` passes; returns whether it held. Polling, not sleeping, is
// the assertion: a fast run finishes as soon as the condition is true.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace k2test
