#pragma once
// What the operator knows about one cloud port at one moment: found (with what DescribePorts said), absent
// (DescribePorts did not list it: destroyed or unknown), the cloud call failed, or no credentials could be
// found to ask with. Request ids of DescribePorts calls go to logs only, never here.

#include <optional>
#include <string>

#include "port/rfc3339.hpp"
#include "zenlayer/error.hpp"
#include "zenlayer/port_info.hpp"

namespace zpo::port {

struct CloudFailure {
  zenlayer::ErrorClass error_class = zenlayer::ErrorClass::Unknown;
  std::string code{};     // the cloud's code; empty when none came back
  std::string message{};  // for people; never holds a request id
};

// The credentials to ask with could not be had. `reason` is a stable condition reason:
// "CredentialsSecretNotFound" or "InvalidCredentials".
struct CredentialsProblem {
  std::string reason{};
  std::string message{};  // names the Secret and key, never a value
};

struct Observation {
  enum class Kind { Found, Absent, CloudError, CredentialsError };
  Kind kind = Kind::Absent;
  std::optional<zenlayer::PortInfo> port{};  // Found
  CloudFailure failure{};                    // CloudError
  CredentialsProblem credentials{};          // CredentialsError
  Time observed_at{};  // when the look was asked: what it shows held at this instant or later
  // When the answer came (looks at the cloud only). What it shows began by then: a stage seen done was done
  // by answered_at, while observed_at may precede its end by the call's latency.
  std::optional<Time> answered_at{};

  static Observation found(zenlayer::PortInfo port, Time at) {
    return {Kind::Found, std::move(port), {}, {}, at};
  }
  static Observation absent(Time at) { return {Kind::Absent, std::nullopt, {}, {}, at}; }
  static Observation cloud_error(CloudFailure failure, Time at) {
    return {Kind::CloudError, std::nullopt, std::move(failure), {}, at};
  }
  static Observation credentials_error(CredentialsProblem problem, Time at) {
    return {Kind::CredentialsError, std::nullopt, {}, std::move(problem), at};
  }
};

}  // namespace zpo::port
