#include "builtin_protobuf.hpp"

#include <ctime>
#include <map>

#include "base64.hpp"
#include "status_error.hpp"

namespace kubeemu {
namespace {

// How one field of a generated.proto message becomes JSON.
enum class Shape { String, Bytes, Int, Bool, Message, Time, StringMap, BytesMap, Strings, Messages };

struct Message;
struct Field {
  int number;
  const char* name;
  Shape shape;
  const Message* message = nullptr;  // Message, Messages
};
struct Message {
  std::vector<Field> fields;
};

// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto and k8s.io/api/core/v1/generated.proto.
const Message kOwnerReference{{{5, "apiVersion", Shape::String},
                               {1, "kind", Shape::String},
                               {3, "name", Shape::String},
                               {4, "uid", Shape::String},
                               {6, "controller", Shape::Bool},
                               {7, "blockOwnerDeletion", Shape::Bool}}};
const Message kObjectMeta{{{1, "name", Shape::String},
                           {2, "generateName", Shape::String},
                           {3, "namespace", Shape::String},
                           {5, "uid", Shape::String},
                           {6, "resourceVersion", Shape::String},
                           {7, "generation", Shape::Int},
                           {8, "creationTimestamp", Shape::Time},
                           {9, "deletionTimestamp", Shape::Time},
                           {10, "deletionGracePeriodSeconds", Shape::Int},
                           {11, "labels", Shape::StringMap},
                           {12, "annotations", Shape::StringMap},
                           {13, "ownerReferences", Shape::Messages, &kOwnerReference},
                           {14, "finalizers", Shape::Strings}}};
const Message kSecret{{{1, "metadata", Shape::Message, &kObjectMeta},
                       {2, "data", Shape::BytesMap},
                       {3, "type", Shape::String},
                       {4, "stringData", Shape::StringMap},
                       {5, "immutable", Shape::Bool}}};
const Message kConfigMap{{{1, "metadata", Shape::Message, &kObjectMeta},
                          {2, "data", Shape::StringMap},
                          {3, "binaryData", Shape::BytesMap},
                          {4, "immutable", Shape::Bool}}};
const Message kNamespaceSpec{{{1, "finalizers", Shape::Strings}}};
const Message kNamespaceStatus{{{1, "phase", Shape::String}}};
const Message kNamespace{{{1, "metadata", Shape::Message, &kObjectMeta},
                          {2, "spec", Shape::Message, &kNamespaceSpec},
                          {3, "status", Shape::Message, &kNamespaceStatus}}};

const std::map<std::string, const Message*>& kinds() {
  static const std::map<std::string, const Message*> k = {
      {"v1/Secret", &kSecret}, {"v1/ConfigMap", &kConfigMap}, {"v1/Namespace", &kNamespace}};
  return k;
}

[[noreturn]] void malformed(const std::string& why) {
  throw StatusError::bad_request("the protobuf body could not be decoded: " + why);
}

// A cursor over protobuf wire format: only the wire types generated Kubernetes messages use.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) malformed("truncated varint");
      auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    malformed("varint too long");
  }
  std::string_view bytes() {
    uint64_t n = varint();
    if (n > data_.size() - pos_) malformed("length beyond the end of the message");
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  void skip(int wire_type) {
    switch (wire_type) {
      case 0:
        varint();
        break;
      case 1:
        advance(8);
        break;
      case 2:
        bytes();
        break;
      case 5:
        advance(4);
        break;
      default:
        malformed("unsupported wire type " + std::to_string(wire_type));
    }
  }

 private:
  void advance(std::size_t n) {
    if (n > data_.size() - pos_) malformed("truncated fixed-size field");
    pos_ += n;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

// A map entry {1 key, 2 value}.
std::pair<std::string, std::string> map_entry(std::string_view entry) {
  Reader r(entry);
  std::string key, value;
  while (!r.done()) {
    uint64_t tag = r.varint();
    int wire = static_cast<int>(tag & 7);
    if (wire != 2) {
      r.skip(wire);
      continue;
    }
    if ((tag >> 3) == 1)
      key = r.bytes();
    else if ((tag >> 3) == 2)
      value = r.bytes();
    else
      r.skip(wire);
  }
  return {key, value};
}

// metav1.Time {1 seconds, 2 nanos} as RFC 3339 at second precision, as metav1.Time marshals to JSON.
std::string time_of(std::string_view message) {
  Reader r(message);
  int64_t seconds = 0;
  while (!r.done()) {
    uint64_t tag = r.varint();
    if ((tag >> 3) == 1 && (tag & 7) == 0)
      seconds = static_cast<int64_t>(r.varint());
    else
      r.skip(static_cast<int>(tag & 7));
  }
  if (seconds == 0) return "";
  std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json decode(std::string_view data, const Message& message) {
  json out = json::object();
  Reader r(data);
  while (!r.done()) {
    uint64_t tag = r.varint();
    int number = static_cast<int>(tag >> 3);
    int wire = static_cast<int>(tag & 7);
    const Field* field = nullptr;
    for (const auto& f : message.fields)
      if (f.number == number) field = &f;
    bool varint_shape = field && (field->shape == Shape::Int || field->shape == Shape::Bool);
    if (!field || wire != (varint_shape ? 0 : 2)) {
      r.skip(wire);  // unknown or newer field: ignored, as an older apiserver would
      continue;
    }
    switch (field->shape) {
      case Shape::String:
        out[field->name] = std::string(r.bytes());
        break;
      case Shape::Bytes:
        out[field->name] = base64_encode(std::string(r.bytes()));
        break;
      case Shape::Int:
        out[field->name] = static_cast<int64_t>(r.varint());
        break;
      case Shape::Bool:
        out[field->name] = r.varint() != 0;
        break;
      case Shape::Message:
        out[field->name] = decode(r.bytes(), *field->message);
        break;
      case Shape::Time:
        out[field->name] = time_of(r.bytes());
        break;
      case Shape::StringMap:
      case Shape::BytesMap: {
        auto [k, v] = map_entry(r.bytes());
        out[field->name][k] = field->shape == Shape::BytesMap ? base64_encode(v) : v;
        break;
      }
      case Shape::Strings:
        out[field->name].push_back(std::string(r.bytes()));
        break;
      case Shape::Messages:
        out[field->name].push_back(decode(r.bytes(), *field->message));
        break;
    }
  }
  // Go's omitempty: generated marshalers write every scalar, JSON leaves the zero ones out.
  for (auto it = out.begin(); it != out.end();) {
    const json& v = *it;
    bool zero = (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_number() && v == 0) ||
                (v.is_boolean() && !v.get<bool>()) || (v.is_object() && v.empty());
    it = zero ? out.erase(it) : std::next(it);
  }
  return out;
}

}  // namespace

bool is_kubernetes_protobuf(const std::string& body) {
  return body.size() >= 4 && body.compare(0, 4, "k8s\0", 4) == 0;
}

json protobuf_to_json(const std::string& body) {
  if (!is_kubernetes_protobuf(body)) malformed("missing the k8s protobuf envelope");
  Reader envelope(std::string_view(body).substr(4));
  json type_meta = json::object();
  std::string_view raw;
  while (!envelope.done()) {
    uint64_t tag = envelope.varint();
    int wire = static_cast<int>(tag & 7);
    if (wire == 2 && (tag >> 3) == 1)
      type_meta =
          decode(envelope.bytes(), Message{{{1, "apiVersion", Shape::String}, {2, "kind", Shape::String}}});
    else if (wire == 2 && (tag >> 3) == 2)
      raw = envelope.bytes();
    else
      envelope.skip(wire);
  }
  std::string api_version = type_meta.value("apiVersion", "");
  std::string kind = type_meta.value("kind", "");
  auto it = kinds().find(api_version + "/" + kind);
  if (it == kinds().end())
    throw StatusError::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: application/json, "
        "application/yaml");
  json object = decode(raw, *it->second);
  json out = {{"apiVersion", api_version}, {"kind", kind}};
  out.update(object);
  return out;
}

}  // namespace kubeemu
