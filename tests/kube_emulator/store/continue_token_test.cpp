#include "continue_token.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

TEST(ContinueToken, RoundTripsAndIsUrlSafe) {
  for (const ContinueToken& t : {ContinueToken{42, "default", "a"}, ContinueToken{7, "", "cluster-thing"},
                                 ContinueToken{123456789, "kube-system", "x.y-z"}}) {
    const std::string text = encode_continue(t);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    const ContinueToken back = decode_continue(text);
    EXPECT_EQ(back.resource_version, t.resource_version);
    EXPECT_EQ(back.ns, t.ns);
    EXPECT_EQ(back.name, t.name);
  }
}

TEST(ContinueToken, GarbageIs400) {
  for (const char* bad : {"", "!!!!", "e30", "bm90IGpzb24"}) {  // "", invalid, "{}", "not json"
    try {
      decode_continue(bad);
      ADD_FAILURE() << bad;
    } catch (const StatusError& e) {
      EXPECT_EQ(e.code(), 400) << bad;
    }
  }
}

}  // namespace
}  // namespace kubeemu
