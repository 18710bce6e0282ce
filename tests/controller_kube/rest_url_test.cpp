// The pure pieces of the REST client: server URL parsing and query escaping.

#include <gtest/gtest.h>

#include "kube/rest_client.hpp"
#include "kube/server_url.hpp"

namespace {

using zpo::kube::parse_server_url;

TEST(ServerUrl, DefaultPortsFollowTheScheme) {
  const auto https = parse_server_url("https://api.example.com");
  EXPECT_TRUE(https.tls);
  EXPECT_EQ(https.host, "api.example.com");
  EXPECT_EQ(https.port, "443");
  EXPECT_EQ(https.host_header, "api.example.com:443");
  const auto http = parse_server_url("http://127.0.0.1");
  EXPECT_FALSE(http.tls);
  EXPECT_EQ(http.port, "80");
}

TEST(ServerUrl, Ipv6HostLosesItsBracketsButTheHostHeaderKeepsThem) {
  const auto url = parse_server_url("https://[fd00::1]:6443");
  EXPECT_EQ(url.host, "fd00::1");
  EXPECT_EQ(url.port, "6443");
  EXPECT_EQ(url.host_header, "[fd00::1]:6443");
  EXPECT_TRUE(zpo::kube::is_ip_literal(url.host));
  EXPECT_FALSE(zpo::kube::is_ip_literal("api.example.com"));
}

TEST(ServerUrl, KeepsAProxyPathPrefix) {
  const auto url = parse_server_url("https://rancher.example.com/k8s/clusters/c-1/");
  EXPECT_EQ(url.host, "rancher.example.com");
  EXPECT_EQ(url.path_prefix, "/k8s/clusters/c-1");
}

TEST(ServerUrl, RejectsWhatIsNotAnHttpUrl) {
  EXPECT_THROW(parse_server_url("ftp://x"), std::invalid_argument);
  EXPECT_THROW(parse_server_url("https://"), std::invalid_argument);
  EXPECT_THROW(parse_server_url("https://h:port"), std::invalid_argument);
  EXPECT_THROW(parse_server_url("https://[::1"), std::invalid_argument);
}

TEST(QueryEscape, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(zpo::kube::query_escape("app=a,b"), "app%3Da%2Cb");
  EXPECT_EQ(zpo::kube::query_escape("metadata.name=x y/z"), "metadata.name%3Dx%20y%2Fz");
  EXPECT_EQ(zpo::kube::query_escape("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(zpo::kube::query_escape("\xc3\xa9"), "%C3%A9");
}

}  // namespace
