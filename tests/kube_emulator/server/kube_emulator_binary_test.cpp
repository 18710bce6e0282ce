// The kube-emulator binary over HTTP(S), as clients see it: discovery, CRUD, Tables, watch streams (timeout,
// 410, admin-forced endings), the admin fault API, TLS with a bearer token, the written kubeconfig, and a
// clean exit on SIGTERM.

#include <gtest/gtest.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <boost/asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace {

using json = nlohmann::json;
using testsupport::ChildProcess;
using testsupport::http_request;
using testsupport::HttpResponse;
namespace fs = std::filesystem;

constexpr const char* kPorts = "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports";

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kube-emulator-test-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::vector<std::string> emulator_argv(std::vector<std::string> extra) {
  std::vector<std::string> argv = {KUBE_EMULATOR_BIN, "--listen", "127.0.0.1:0", "--crd", ZENLAYERPORT_CRD};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

json port(const std::string& name) {
  return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
          {"kind", "ZenlayerPort"},
          {"metadata", {{"name", name}}},
          {"spec", {{"portId", "port-" + name}}}};
}

std::vector<json> ndjson(const std::string& body) {
  std::vector<json> events;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) events.push_back(json::parse(line));
  }
  return events;
}

// Runs a shell command and returns its stdout.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr)
    out += buf.data();
  pclose(pipe);
  return out;
}

class KubeEmulatorBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    child_ = std::make_unique<ChildProcess>(ChildProcess::start(
        emulator_argv({"--history", "20", "--write-kubeconfig", (dir_.path / "kc").string()})));
    url_ = child_->wait_for_listening();
  }
  HttpResponse get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
    return http_request("GET", url_ + path, "", headers);
  }
  HttpResponse post_port(const std::string& name) {
    return http_request("POST", url_ + kPorts, port(name).dump(), {{"Content-Type", "application/json"}});
  }
  json admin(const std::string& method, const std::string& action, const json& body = json::object()) {
    const auto r =
        http_request(method, url_ + "/admin/" + action, body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  TempDir dir_;
  std::unique_ptr<ChildProcess> child_;
  std::string url_;
};

TEST_F(KubeEmulatorBinary, ListensOnLoopbackWithAFreePort) {
  EXPECT_EQ(url_.rfind("http://127.0.0.1:", 0), 0u);
}

TEST_F(KubeEmulatorBinary, Discovery) {
  const auto version = get("/version?timeout=32s");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(json::parse(version.body)["gitVersion"], "v1.33.0");
  const auto api =
      get("/api?timeout=32s", {{"Accept",
                                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                                "application/json"}});
  EXPECT_EQ(api.headers.at("content-type"), "application/json");
  EXPECT_EQ(json::parse(api.body)["kind"], "APIVersions");
  const json groups = json::parse(get("/apis").body);
  std::vector<std::string> names;
  for (const auto& g : groups["groups"])
    names.push_back(g["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "sdn.zenlayer.com"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "coordination.k8s.io"), names.end());
  const json resources = json::parse(get("/apis/sdn.zenlayer.com/v1alpha1").body);
  bool status_entry = false;
  for (const auto& r : resources["resources"]) {
    if (r["name"] == "zenlayerports") {
      EXPECT_EQ(r["kind"], "ZenlayerPort");
      EXPECT_EQ(r["shortNames"], json::array({"zport", "zports"}));
      EXPECT_EQ(r["categories"], json::array({"zenlayer"}));
    }
    status_entry = status_entry || r["name"] == "zenlayerports/status";
  }
  EXPECT_TRUE(status_entry);
  EXPECT_EQ(json::parse(get("/apis/sdn.zenlayer.com").body)["kind"], "APIGroup");
  EXPECT_EQ(json::parse(get("/api/v1").body)["groupVersion"], "v1");
}

TEST_F(KubeEmulatorBinary, OpenApiV3AndNoV2) {
  const json root = json::parse(get("/openapi/v3?timeout=32s").body);
  ASSERT_TRUE(root["paths"].contains("apis/sdn.zenlayer.com/v1alpha1")) << root.dump();
  const std::string relative = root["paths"]["apis/sdn.zenlayer.com/v1alpha1"]["serverRelativeURL"];
  const auto doc = get(relative);
  EXPECT_EQ(doc.status, 200);
  EXPECT_TRUE(json::parse(doc.body).contains("paths"));
  const auto v2 = get("/openapi/v2?timeout=32s");
  EXPECT_EQ(v2.status, 404);
  EXPECT_EQ(json::parse(v2.body)["message"], "the server could not find the requested resource");
}

TEST_F(KubeEmulatorBinary, CreateGetListAsTable) {
  EXPECT_EQ(post_port("p1").status, 201);
  EXPECT_EQ(post_port("p1").status, 409);
  const auto item = get(std::string(kPorts) + "/p1");
  EXPECT_EQ(item.status, 200);
  EXPECT_EQ(json::parse(item.body)["metadata"]["namespace"], "default");
  const auto missing = get(std::string(kPorts) + "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["message"], "zenlayerports.sdn.zenlayer.com \"nope\" not found");
  const auto table = get(std::string(kPorts) + "?limit=500",
                         {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
  const json t = json::parse(table.body);
  EXPECT_EQ(t["kind"], "Table");
  std::vector<std::string> columns;
  for (const auto& c : t["columnDefinitions"])
    columns.push_back(c["name"]);
  EXPECT_EQ(columns, (std::vector<std::string>{"Name", "Port-ID", "Phase", "Port-Status", "Ready", "Age"}));
  ASSERT_EQ(t["rows"].size(), 1u);
  EXPECT_EQ(t["rows"][0]["cells"][0], "p1");
  EXPECT_TRUE(t["rows"][0]["cells"][1].is_null());  // Port-ID reads status.portId, which no one wrote yet
}

TEST_F(KubeEmulatorBinary, WatchStreamsChunkedEventsUntilTimeoutSeconds) {
  ASSERT_EQ(post_port("before").status, 201);
  const auto start = std::chrono::steady_clock::now();
  auto watch = std::async(std::launch::async, [this] {
    return http_request("GET", url_ + kPorts + "?watch=True&timeoutSeconds=2");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(post_port("during").status, 201);
  const HttpResponse r = watch.get();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(1900));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("transfer-encoding"), "chunked");
  const auto events = ndjson(r.body);
  ASSERT_EQ(events.size(), 2u) << r.body;
  EXPECT_EQ(events[0]["type"], "ADDED");
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "before");
  EXPECT_EQ(events[1]["type"], "ADDED");
  EXPECT_EQ(events[1]["object"]["metadata"]["name"], "during");
}

// A backlog of about 400 KB (the initial events of 300 objects, encoded from the stored objects without
// copying them) arrives whole, one event per line, and what happens after it follows it.
TEST_F(KubeEmulatorBinary, AWatchBacklogArrivesWholeBeforeALaterEvent) {
  constexpr int kBacklog = 300;
  std::set<std::string> created;
  for (int i = 0; i < kBacklog; ++i) {
    json object = port("p" + std::to_string(i));
    object["metadata"]["annotations"] = {{"example.com/padding", std::string(1200, 'x')}};
    const auto r = http_request("POST", url_ + kPorts, object.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 201) << r.body;
    created.insert("p" + std::to_string(i));
  }
  auto watch = std::async(std::launch::async, [this] {
    return http_request("GET", url_ + kPorts + "?watch=true&timeoutSeconds=2");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(post_port("after").status, 201);
  const HttpResponse r = watch.get();
  ASSERT_GT(r.body.size(), 256u * 1024);
  const auto events = ndjson(r.body);
  ASSERT_EQ(events.size(), static_cast<std::size_t>(kBacklog + 1));
  std::set<std::string> listed;
  for (int i = 0; i < kBacklog; ++i) {
    EXPECT_EQ(events[i]["type"], "ADDED");
    listed.insert(events[i]["object"]["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(listed, created);
  EXPECT_EQ(events.back()["object"]["metadata"]["name"], "after");
}

TEST_F(KubeEmulatorBinary, WatchAsTableSendsOneRowTables) {
  ASSERT_EQ(post_port("p1").status, 201);
  const auto r = get(std::string(kPorts) + "?watch=true&timeoutSeconds=1",
                     {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
  const auto events = ndjson(r.body);
  ASSERT_EQ(events.size(), 1u) << r.body;
  EXPECT_EQ(events[0]["object"]["kind"], "Table");
  EXPECT_EQ(events[0]["object"]["rows"][0]["cells"][0], "p1");
}

TEST_F(KubeEmulatorBinary, TooOldResourceVersionIsAnErrorEventIn200Stream) {
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(post_port("p" + std::to_string(i)).status, 201);
  const auto r = get(std::string(kPorts) + "?watch=true&resourceVersion=2&timeoutSeconds=5");
  EXPECT_EQ(r.status, 200);
  const auto events = ndjson(r.body);
  ASSERT_EQ(events.size(), 1u) << r.body;
  EXPECT_EQ(events[0]["type"], "ERROR");
  EXPECT_EQ(events[0]["object"]["code"], 410);
  EXPECT_EQ(events[0]["object"]["reason"], "Expired");
}

TEST_F(KubeEmulatorBinary, AdminExpireAndCloseWatches) {
  auto expiring = std::async(std::launch::async, [this] { return get(std::string(kPorts) + "?watch=true"); });
  while (admin("GET", "stats")["openWatches"] != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(admin("POST", "expire-watches")["expired"], 1);
  const auto events = ndjson(expiring.get().body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["type"], "ERROR");
  EXPECT_EQ(events.back()["object"]["code"], 410);

  auto closing = std::async(std::launch::async, [this] { return get(std::string(kPorts) + "?watch=true"); });
  while (admin("GET", "stats")["openWatches"] != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(admin("POST", "close-watches")["closed"], 1);
  const auto closed = closing.get();
  EXPECT_EQ(closed.status, 200);
  EXPECT_TRUE(ndjson(closed.body).empty());
}

TEST_F(KubeEmulatorBinary, ClientHangingUpEndsItsWatch) {
  const std::string hostport = url_.substr(std::string("http://").size());
  const auto colon = hostport.rfind(':');
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address(hostport.substr(0, colon)),
                  static_cast<unsigned short>(std::stoi(hostport.substr(colon + 1)))});
  const std::string request =
      std::string("GET ") + kPorts + "?watch=true HTTP/1.1\r\nHost: " + hostport + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string head;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(head), "\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  while (admin("GET", "stats")["openWatches"] != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  socket.close();  // no event will ever come: only peeking at the idle socket can notice this

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (admin("GET", "stats")["openWatches"] != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(admin("GET", "stats")["openWatches"], 0);
}

TEST_F(KubeEmulatorBinary, AdminFaultsConflictsErrorsPauseAndStats) {
  const json set = admin("PUT", "faults", {{"conflictRate", 1}});
  EXPECT_EQ(set["conflictRate"], 1);
  const auto conflict = post_port("c1");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json::parse(conflict.body)["reason"], "Conflict");
  admin("PUT", "faults", {{"conflictRate", 0}, {"errorRate", 1}, {"errorCode", 503}});
  EXPECT_EQ(get(kPorts).status, 503);
  EXPECT_EQ(admin("GET", "faults")["errorCode"], 503);  // the admin API itself is never refused
  admin("PUT", "faults", {{"errorRate", 0}});
  const auto bad = http_request("PUT", url_ + "/admin/faults", R"({"errorRate":2})");
  EXPECT_EQ(bad.status, 400);

  admin("POST", "pause", {{"seconds", 0.7}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(post_port("after-pause").status, 201);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));

  const json stats = admin("GET", "stats");
  EXPECT_EQ(stats["writes"]["zenlayerports.sdn.zenlayer.com"]["create"], 2);  // the conflict counted too
  EXPECT_GE(stats["objects"].get<int>(), 1);
  EXPECT_FALSE(stats["resourceVersion"].get<std::string>().empty());
}

TEST_F(KubeEmulatorBinary, KubeconfigPointsAtTheServer) {
  const YAML::Node config = YAML::LoadFile((dir_.path / "kc").string());
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), url_);
  EXPECT_EQ(config["contexts"][0]["context"]["namespace"].as<std::string>(), "default");
}

TEST_F(KubeEmulatorBinary, SigtermWithAnOpenWatchExitsZero) {
  auto watch = std::async(std::launch::async, [this] {
    try {
      return get(std::string(kPorts) + "?watch=true").status;
    } catch (const std::exception&) {
      return -1;
    }
  });
  while (admin("GET", "stats")["openWatches"] != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait(), 0);
  watch.get();
}

TEST_F(KubeEmulatorBinary, SigtermWithAnIdleKeepAliveConnectionExitsZero) {
  const std::string hostport = url_.substr(std::string("http://").size());
  const auto colon = hostport.rfind(':');
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address(hostport.substr(0, colon)),
                  static_cast<unsigned short>(std::stoi(hostport.substr(colon + 1)))});
  const std::string request = "GET /version HTTP/1.1\r\nHost: " + hostport + "\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string head;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(head), "\r\n\r\n");
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  // The connection stays open, its server thread blocked reading the next request.
  child_->signal(SIGTERM);
  EXPECT_EQ(child_->wait(), 0);
}

TEST(KubeEmulatorFlags, BookmarksAndWatchCloseAfter) {
  auto child =
      ChildProcess::start(emulator_argv({"--bookmark-interval-ms", "200", "--watch-close-after-s", "1"}));
  const std::string url = child.wait_for_listening();
  const auto start = std::chrono::steady_clock::now();
  // No timeoutSeconds: only --watch-close-after-s ends this stream.
  const auto r = http_request("GET", url + kPorts + "?watch=true&allowWatchBookmarks=true");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(4));
  const auto events = ndjson(r.body);
  ASSERT_FALSE(events.empty()) << r.body;
  for (const auto& e : events) {
    EXPECT_EQ(e["type"], "BOOKMARK");
    EXPECT_FALSE(e["object"]["metadata"]["resourceVersion"].get<std::string>().empty());
  }
  EXPECT_LE(events.size(), 5u);  // at most one per 200 ms
  // Without allowWatchBookmarks none are sent.
  EXPECT_TRUE(ndjson(http_request("GET", url + kPorts + "?watch=true").body).empty());
}

TEST(KubeEmulatorTls, HttpsWithBearerTokenViaCurl) {
  if (run("command -v curl").empty()) GTEST_SKIP() << "curl not installed";
  TempDir dir;
  const std::string tls_dir = (dir.path / "tls").string();
  const std::string sa_dir = (dir.path / "sa").string();
  auto child = ChildProcess::start(
      emulator_argv({"--tls", "--tls-dir", tls_dir, "--token", "t0ken-1", "--token", "t0ken-2",
                     "--write-kubeconfig", (dir.path / "kc").string(), "--service-account-dir", sa_dir}));
  const std::string url = child.wait_for_listening();
  ASSERT_EQ(url.rfind("https://127.0.0.1:", 0), 0u) << url;
  const std::string curl = "curl -s -o /dev/null -w '%{http_code}' --cacert " + tls_dir + "/ca.crt ";
  EXPECT_EQ(run(curl + "-H 'Authorization: Bearer t0ken-2' " + url + "/version"), "200");
  EXPECT_EQ(run(curl + "-H 'Authorization: Bearer wrong' " + url + "/version"), "401");
  EXPECT_EQ(run(curl + url + "/api"), "401");
  EXPECT_EQ(run(curl + url + "/admin/stats"), "200");  // the admin API needs no token
  const std::string body = run("curl -s --cacert " + tls_dir + "/ca.crt " + url + "/api");
  EXPECT_EQ(json::parse(body)["reason"], "Unauthorized");
  // Verified against the CA for 127.0.0.1 (no -k): a TLS failure would print 000.
  EXPECT_EQ(run(curl + "-H 'Authorization: Bearer t0ken-1' " + url + "/apis/sdn.zenlayer.com/v1alpha1"),
            "200");

  const YAML::Node config = YAML::LoadFile((dir.path / "kc").string());
  EXPECT_EQ(config["clusters"][0]["cluster"]["server"].as<std::string>(), url);
  EXPECT_FALSE(config["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>().empty());
  EXPECT_EQ(config["users"][0]["user"]["token"].as<std::string>(), "t0ken-1");
  std::ifstream token(sa_dir + "/token");
  std::string token_text((std::istreambuf_iterator<char>(token)), std::istreambuf_iterator<char>());
  EXPECT_EQ(token_text, "t0ken-1");
  EXPECT_TRUE(fs::exists(sa_dir + "/ca.crt"));
}

TEST(KubeEmulatorCli, HelpDocumentsFlagsAndAdminApi) {
  const std::string help = run(std::string(KUBE_EMULATOR_BIN) + " --help");
  for (const char* flag : {"--listen",
                           "--crd",
                           "--write-kubeconfig",
                           "--tls",
                           "--tls-dir",
                           "--token",
                           "--token-file",
                           "--service-account-dir",
                           "--history",
                           "--bookmark-interval-ms",
                           "--log-requests",
                           "--watch-close-after-s",
                           "--conflict-rate",
                           "--expire-watch-rate",
                           "--error-rate",
                           "--error-code",
                           "--pause-after-s",
                           "--pause-for-s",
                           "--seed",
                           "/admin/faults",
                           "/admin/close-watches",
                           "/admin/expire-watches",
                           "/admin/pause",
                           "/admin/stats"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
