#include "label_selector.hpp"

#include <gtest/gtest.h>

#include "status_error.hpp"

namespace kubeemu {
namespace {

bool sel(const std::string& s, const json& labels) {
  return LabelSelector::parse(s).matches(labels);
}

TEST(LabelSelector, EqualityBased) {
  const json l = {{"app", "web"}, {"tier", "front"}};
  EXPECT_TRUE(sel("app=web", l));
  EXPECT_TRUE(sel("app==web", l));
  EXPECT_FALSE(sel("app=db", l));
  EXPECT_TRUE(sel("app!=db", l));
  EXPECT_TRUE(sel("missing!=x", l)) << "!= matches objects without the label";
  EXPECT_TRUE(sel("app=web,tier=front", l));
  EXPECT_FALSE(sel("app=web,tier=back", l));
  EXPECT_TRUE(sel(" app = web , tier = front ", l));
  EXPECT_TRUE(sel("empty=", {{"empty", ""}}));
  EXPECT_FALSE(sel("empty=", l));
}

TEST(LabelSelector, SetBased) {
  const json l = {{"app", "web"}};
  EXPECT_TRUE(sel("app in (db,web)", l));
  EXPECT_FALSE(sel("app in (db)", l));
  EXPECT_TRUE(sel("app notin (db)", l));
  EXPECT_TRUE(sel("other notin (db)", l));
  EXPECT_FALSE(sel("app notin (web)", l));
  EXPECT_TRUE(sel("app", l));
  EXPECT_FALSE(sel("!app", l));
  EXPECT_TRUE(sel("!other", l));
  EXPECT_TRUE(sel("", l));
  EXPECT_TRUE(sel("app", {{"app", ""}}));
  EXPECT_FALSE(sel("app", nullptr));
  EXPECT_TRUE(sel("example.com/role in (x),app", {{"example.com/role", "x"}, {"app", "a"}}));
}

TEST(LabelSelector, GreaterAndLess) {
  EXPECT_TRUE(sel("n>3", {{"n", "4"}}));
  EXPECT_FALSE(sel("n>3", {{"n", "3"}}));
  EXPECT_TRUE(sel("n<3", {{"n", "2"}}));
  EXPECT_FALSE(sel("n<3", {{"n", "x"}}));
}

TEST(LabelSelector, MalformedIs400) {
  for (const char* bad : {"app in web", "app in (a", "=web", "app=web=x", "!", "a b", "app===x", "bad key=x",
                          "app=web,", "a notin", "n>x"}) {
    try {
      LabelSelector::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const StatusError& e) {
      EXPECT_EQ(e.code(), 400) << bad;
    }
  }
}

}  // namespace
}  // namespace kubeemu
