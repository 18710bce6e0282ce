#include "zenlayer/endpoint.hpp"

#include <gtest/gtest.h>

namespace zenlayer {
namespace {

TEST(ZenlayerEndpoint, ProductionUrlUsesDefaultPortAndBareHost) {
  const auto endpoint = Endpoint::parse("https://console.zenlayer.com");
  EXPECT_EQ(endpoint.scheme, "https");
  EXPECT_EQ(endpoint.host, "console.zenlayer.com");
  EXPECT_EQ(endpoint.port, 443);
  EXPECT_EQ(endpoint.host_header(), "console.zenlayer.com");
  EXPECT_EQ(endpoint.base_url(), "https://console.zenlayer.com:443");
}

TEST(ZenlayerEndpoint, LocalEmulatorKeepsThePortInTheHostHeader) {
  const auto endpoint = Endpoint::parse("http://127.0.0.1:4321/");
  EXPECT_EQ(endpoint.scheme, "http");
  EXPECT_EQ(endpoint.host, "127.0.0.1");
  EXPECT_EQ(endpoint.port, 4321);
  EXPECT_EQ(endpoint.host_header(), "127.0.0.1:4321");
  EXPECT_EQ(endpoint.base_url(), "http://127.0.0.1:4321");
}

TEST(ZenlayerEndpoint, ExplicitDefaultPortIsBareInTheHostHeader) {
  EXPECT_EQ(Endpoint::parse("http://example.test:80").host_header(), "example.test");
  EXPECT_EQ(Endpoint::parse("https://example.test:8443").host_header(), "example.test:8443");
}

TEST(ZenlayerEndpoint, Ipv6Literal) {
  const auto endpoint = Endpoint::parse("http://[::1]:8080");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.host_header(), "[::1]:8080");
}

TEST(ZenlayerEndpoint, RejectsWhatIsNotSchemeHostPort) {
  for (const char* bad :
       {"console.zenlayer.com", "ftp://host", "https://", "https://host:", "https://host:0",
        "https://host:70000", "https://host:12ab", "https://host/api/v2", "https://user@host"}) {
    EXPECT_THROW(Endpoint::parse(bad), EndpointError) << bad;
  }
}

// Found by tests/fuzz (signer): control characters, brackets and bare colons were accepted in the host, which
// goes verbatim into the Host header (a line break splits it) and does not survive parse(base_url()).
TEST(ZenlayerEndpoint, RejectsHostsThatCannotBeAHostHeader) {
  for (const char* bad : {"https://console\r\nX-Injected: 1", "http://\t\x01host", "http://a b",
                          "http://a]:b:80", "http://a:b:80", "http://[::1\n]:80", "http://ex[ample:8080"}) {
    EXPECT_THROW(Endpoint::parse(bad), EndpointError) << bad;
  }
  for (const char* good :
       {"http://my-host_1.example~:8080", "http://[fe80::1%25eth0]:80", "https://[::ffff:10.0.0.1]"}) {
    const auto endpoint = Endpoint::parse(good);
    EXPECT_EQ(Endpoint::parse(endpoint.base_url()), endpoint) << good;
  }
}

TEST(ZenlayerEndpoint, ServicePath) {
  EXPECT_EQ(service_path("sdn"), "/api/v2/sdn");
}

}  // namespace
}  // namespace zenlayer
