#include "zenlayer/port_info.hpp"

#include <gtest/gtest.h>

namespace zenlayer {
namespace {

const auto kFullPort = nlohmann::json::parse(R"({
  "portId": "port-1", "portName": "edge", "portRemarks": "rack 4", "portType": "10G",
  "portStatus": "RUNNING", "connectionStatus": "ACTIVE", "dcId": "HKG-A", "dcName": "Hong Kong A",
  "cityName": "Hong Kong", "areaName": "Asia", "loaStatus": "LOA_UPLOADED", "loaDownloadUrl": "https://loa",
  "businessEntityName": "ACME", "createdTime": "2024-01-02T03:04:05Z", "expiredTime": "2025-01-02T03:04:05Z",
  "portChargeType": "PREPAID", "period": 12,
  "brandNewField": {"nested": [1, 2]}, "anotherNewField": 7
})");

TEST(ZenlayerPortInfo, ParsesEveryDocumentedFieldAndIgnoresUnknownOnes) {
  const auto port = port_info_from_json(kFullPort);
  EXPECT_EQ(port.port_id, "port-1");
  EXPECT_EQ(port.port_name, "edge");
  EXPECT_EQ(port.port_remarks, "rack 4");
  EXPECT_EQ(port.port_type, "10G");
  EXPECT_EQ(port.port_status, "RUNNING");
  EXPECT_EQ(port.status(), PortStatus::Running);
  EXPECT_EQ(port.connection_status, "ACTIVE");
  EXPECT_EQ(port.dc_id, "HKG-A");
  EXPECT_EQ(port.dc_name, "Hong Kong A");
  EXPECT_EQ(port.city_name, "Hong Kong");
  EXPECT_EQ(port.area_name, "Asia");
  EXPECT_EQ(port.loa_status, "LOA_UPLOADED");
  EXPECT_EQ(port.loa_download_url, "https://loa");
  EXPECT_EQ(port.business_entity_name, "ACME");
  EXPECT_EQ(port.created_time, "2024-01-02T03:04:05Z");
  EXPECT_EQ(port.expired_time, "2025-01-02T03:04:05Z");
  EXPECT_EQ(port.port_charge_type, "PREPAID");
  EXPECT_EQ(port.period, 12);
}

// Found by tests/fuzz (zenlayer_reply): an integer beyond int's range was wrapped, so a period of
// 4294967297 months read as 1.
TEST(ZenlayerPortInfo, AnIntegerOutOfRangeIsMalformedNotWrapped) {
  for (const char* period : {"4294967297", "18446744073709551615", "-2147483649"}) {
    const auto json = nlohmann::json::parse(std::string(R"({"portId": "p-1", "period": )") + period + "}");
    EXPECT_THROW(port_info_from_json(json), MalformedReply) << period;
  }
  EXPECT_EQ(port_info_from_json(nlohmann::json::parse(R"({"portId": "p-1", "period": 2147483647})")).period,
            2147483647);
}

TEST(ZenlayerPortInfo, AbsentAndNullOptionalFieldsStayEmpty) {
  const auto port =
      port_info_from_json({{"portId", "port-2"}, {"portChargeType", nullptr}, {"portRemarks", nullptr}});
  EXPECT_EQ(port.port_id, "port-2");
  EXPECT_FALSE(port.port_charge_type.has_value());
  EXPECT_FALSE(port.period.has_value());
  EXPECT_EQ(port.port_remarks, "");
  EXPECT_EQ(port.status(), PortStatus::Unknown);
}

TEST(ZenlayerPortInfo, UnknownStatusIsKeptVerbatim) {
  auto json = kFullPort;
  json["portStatus"] = "DESTROYING_FAILED";
  const auto port = port_info_from_json(json);
  EXPECT_EQ(port.port_status, "DESTROYING_FAILED");
  EXPECT_EQ(port.status(), PortStatus::Unknown);
}

TEST(ZenlayerPortInfo, KnownStatuses) {
  for (const auto& [text, status] : std::vector<std::pair<std::string, PortStatus>>{
           {"CREATING", PortStatus::Creating},
           {"RUNNING", PortStatus::Running},
           {"RECYCLED", PortStatus::Recycled},
           {"DESTROYING", PortStatus::Destroying},
           {"DESTROYED", PortStatus::Destroyed},
           {"DELETING", PortStatus::Deleting},
           {"UPDATING", PortStatus::Updating},
           {"RECOVERING", PortStatus::Recovering},
           {"running", PortStatus::Unknown},
       }) {
    EXPECT_EQ(parse_port_status(text), status) << text;
    if (status != PortStatus::Unknown) {
      EXPECT_EQ(to_string(status), text);
    }
  }
}

TEST(ZenlayerPortInfo, WrongTypesOrMissingIdAreMalformed) {
  auto json = kFullPort;
  json["portName"] = 5;
  EXPECT_THROW(port_info_from_json(json), MalformedReply);
  json = kFullPort;
  json["period"] = "twelve";
  EXPECT_THROW(port_info_from_json(json), MalformedReply);
  json = kFullPort;
  json.erase("portId");
  EXPECT_THROW(port_info_from_json(json), MalformedReply);
  EXPECT_THROW(port_info_from_json(nlohmann::json::array()), MalformedReply);
}

}  // namespace
}  // namespace zenlayer
