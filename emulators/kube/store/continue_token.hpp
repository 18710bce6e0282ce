#pragma once
// The opaque `continue` token of a paged list: the list's resourceVersion and the key of the last item
// returned, base64url-encoded JSON as the apiserver's etcd3 store builds it
// ({"v":"meta.k8s.io/v1","rv":N,"start":KEY}).

#include <cstdint>
#include <string>

namespace kubeemu {

struct ContinueToken {
  uint64_t resource_version = 0;
  std::string ns;    // "" for cluster-scoped objects
  std::string name;  // the next page starts after (ns, name)
};

std::string encode_continue(const ContinueToken& token);
// Throws StatusError 400 BadRequest when the token is not one this store produced.
ContinueToken decode_continue(const std::string& text);

}  // namespace kubeemu
