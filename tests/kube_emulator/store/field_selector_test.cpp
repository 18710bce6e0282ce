#include "field_selector.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

const json kEvent = {{"metadata", {{"name", "e1"}, {"namespace", "default"}}},
                     {"involvedObject", {{"kind", "ZenlayerPort"}, {"name", "a,b"}}},
                     {"count", 3},
                     {"flag", true}};

bool sel(const std::string& s) {
  return FieldSelector::parse(s).matches(kEvent);
}

TEST(FieldSelector, MatchesDottedPaths) {
  EXPECT_TRUE(sel("metadata.name=e1"));
  EXPECT_TRUE(sel("metadata.name==e1"));
  EXPECT_FALSE(sel("metadata.name!=e1"));
  EXPECT_TRUE(sel("metadata.namespace=default,involvedObject.kind=ZenlayerPort"));
  EXPECT_FALSE(sel("metadata.namespace=default,involvedObject.kind=Pod"));
  EXPECT_TRUE(sel("count=3"));
  EXPECT_TRUE(sel("flag=true"));
  EXPECT_TRUE(sel("missing.field="));
  EXPECT_TRUE(sel("missing.field!=x"));
  EXPECT_TRUE(sel(""));
}

TEST(FieldSelector, EscapedValues) {
  EXPECT_TRUE(sel(R"(involvedObject.name=a\,b)"));
  EXPECT_FALSE(sel("involvedObject.name=a"));
}

TEST(FieldSelector, TermWithoutOperatorIs400) {
  try {
    FieldSelector::parse("metadata.name");
    ADD_FAILURE();
  } catch (const StatusError& e) {
    EXPECT_EQ(e.code(), 400);
    EXPECT_EQ(std::string(e.what()), "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  }
}

}  // namespace
}  // namespace kubeemu
