// Label selectors: what they select (the semantics of k8s.io/apimachinery/pkg/labels), and what they refuse.

#include "kube/label_selector.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
using zpo::kube::LabelSelector;
using zpo::kube::LabelSelectorError;

bool selects(const char* selector, const json& labels) {
  return LabelSelector::parse(selector).matches(labels);
}

TEST(LabelSelector, EmptySelectsEverything) {
  for (const char* text : {"", "   "}) {
    const auto s = LabelSelector::parse(text);
    EXPECT_TRUE(s.selects_everything());
    EXPECT_TRUE(s.matches(json()));
    EXPECT_TRUE(s.matches_object(json{{"metadata", {{"name", "x"}}}}));
  }
  EXPECT_TRUE(LabelSelector().matches(json{{"a", "b"}}));
}

TEST(LabelSelector, EqualityAndInequality) {
  const json a = {{"shard", "a"}, {"env", "prod"}};
  EXPECT_TRUE(selects("shard=a", a));
  EXPECT_TRUE(selects("shard==a", a));
  EXPECT_FALSE(selects("shard=b", a));
  EXPECT_TRUE(selects("shard!=b", a));
  EXPECT_FALSE(selects("shard!=a", a));
  EXPECT_TRUE(selects("shard!=a", json{{"env", "prod"}})) << "!= selects objects without the label";
  EXPECT_FALSE(selects("shard=a", json())) << "no labels at all";
  EXPECT_TRUE(selects("shard=a,env=prod", a));
  EXPECT_FALSE(selects("shard=a,env=dev", a)) << "every requirement must hold";
  EXPECT_TRUE(selects("shard=", json{{"shard", ""}})) << "an empty value is a value";
  EXPECT_FALSE(selects("shard=", a));
}

TEST(LabelSelector, SetsExistenceAndNumbers) {
  const json labels = {{"shard", "b"}, {"tier", "3"}};
  EXPECT_TRUE(selects("shard in (a, b)", labels));
  EXPECT_FALSE(selects("shard in (a,c)", labels));
  EXPECT_TRUE(selects("shard notin (a)", labels));
  EXPECT_FALSE(selects("shard notin (a,b)", labels));
  EXPECT_TRUE(selects("shard notin (a)", json{{"tier", "1"}}));
  EXPECT_TRUE(selects("shard", labels));
  EXPECT_FALSE(selects("!shard", labels));
  EXPECT_TRUE(selects("!legacy", labels));
  EXPECT_TRUE(selects("tier>2", labels));
  EXPECT_FALSE(selects("tier>3", labels));
  EXPECT_TRUE(selects("tier<4", labels));
  EXPECT_FALSE(selects("shard>1", labels)) << "a label that is not a number never compares";
  EXPECT_TRUE(selects("shard in (in, notin)", json{{"shard", "notin"}})) << "keywords are ordinary values";
  EXPECT_TRUE(selects("example.com/shard=a", json{{"example.com/shard", "a"}}));
}

TEST(LabelSelector, MatchesAnObjectByItsMetadataLabels) {
  const auto s = LabelSelector::parse("shard=a");
  EXPECT_TRUE(s.matches_object(json{{"metadata", {{"labels", {{"shard", "a"}}}}}}));
  EXPECT_FALSE(s.matches_object(json{{"metadata", {{"labels", {{"shard", "b"}}}}}}));
  EXPECT_FALSE(s.matches_object(json{{"metadata", {{"name", "x"}}}}));
  EXPECT_EQ(s.text(), "shard=a");
}

TEST(LabelSelector, RefusesWhatTheApiServerRefusesAndSaysWhy) {
  const auto error = [](const char* text) {
    try {
      LabelSelector::parse(text);
    } catch (const LabelSelectorError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(error("shard in a").find("expected '('"), std::string::npos);
  EXPECT_NE(error("shard in (a").find("expected: ',' or ')'"), std::string::npos);
  EXPECT_NE(error("=a").find("expected: label key"), std::string::npos);
  EXPECT_NE(error("shard=a,").find("missing after the last ','"), std::string::npos);
  EXPECT_NE(error("shard=a b").find("expected: ','"), std::string::npos);
  EXPECT_NE(error("tier>x").find("integer"), std::string::npos);
  EXPECT_NE(error("sh@rd=a").find("invalid label key \"sh@rd\""), std::string::npos);
  EXPECT_NE(error("Example.com/x=a").find("invalid label key"), std::string::npos)
      << "prefixes are lowercase";
  EXPECT_NE(error("shard=-a").find("invalid label value \"-a\""), std::string::npos);
  EXPECT_NE(error(std::string(64, 'v').insert(0, "k=").c_str()).find("invalid label value"),
            std::string::npos);
  EXPECT_NE(error("shard~a").find("invalid label key"), std::string::npos);
  EXPECT_EQ(error("shard=a").find("invalid"), std::string::npos);
  EXPECT_EQ(error("shard=a").rfind("(accepted)", 0), 0u);
  EXPECT_NE(error("shard in (a").find("\"shard in (a\""), std::string::npos)
      << "the message quotes the selector";
}

}  // namespace
