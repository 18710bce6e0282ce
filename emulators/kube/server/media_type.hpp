#pragma once
// Content negotiation for the two representations the emulator serves: plain JSON and meta.k8s.io Tables
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...`, what `kubectl get` sends), plus the patch type
// named by a PATCH request's Content-Type.

#include <optional>
#include <string>

#include "store.hpp"

namespace kubeemu {

struct ResponseFormat {
  bool table = false;
  std::string table_api_version;  // meta.k8s.io/v1 or meta.k8s.io/v1beta1 when table
};

// The first media range of `accept` the emulator can produce. Ranges it cannot produce (protobuf, aggregated
// discovery, PartialObjectMetadata) are skipped; when nothing matches, plain JSON (lenient: every client also
// accepts it).
ResponseFormat negotiate_response_format(const std::string& accept);

// application/merge-patch+json → Merge, ...; nullopt for a media type that is no patch type. Parameters such
// as
// `; charset=utf-8` are ignored.
std::optional<PatchType> patch_type_from_content_type(const std::string& content_type);

}  // namespace kubeemu
