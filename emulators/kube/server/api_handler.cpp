#include "api_handler.hpp"

#include <charconv>

#include "api_route.hpp"
#include "discovery.hpp"
#include "request_target.hpp"
#include "schema_api.hpp"

namespace kubeemu {

namespace {

StatusError unknown_path() {
  return {404, "NotFound", "the server could not find the requested resource"};
}
StatusError method_not_allowed() {
  return StatusError::method_not_allowed("the server does not allow this method on the requested resource");
}

ApiResponse json_response(int status, const json& document) {
  return {status, "application/json", to_body(document), {}};
}

std::string query_value(const RequestTarget& target, const std::string& key) {
  const auto it = target.query.find(key);
  return it == target.query.end() ? std::string{} : it->second;
}

bool query_bool(const RequestTarget& target, const std::string& key) {
  const std::string value = query_value(target, key);
  if (value.empty()) return false;
  const auto parsed = parse_go_bool(value);
  if (!parsed) {
    throw StatusError::bad_request("invalid value for " + key + ": strconv.ParseBool: parsing \"" + value +
                                   "\": invalid syntax");
  }
  return *parsed;
}

int64_t query_int(const RequestTarget& target, const std::string& key) {
  const std::string value = query_value(target, key);
  if (value.empty()) return 0;
  int64_t parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw StatusError::bad_request("invalid value for " + key + ": strconv.ParseInt: parsing \"" + value +
                                   "\": invalid syntax");
  }
  return parsed;
}

ListOptions list_options(const RequestTarget& target) {
  ListOptions o;
  o.label_selector = query_value(target, "labelSelector");
  o.field_selector = query_value(target, "fieldSelector");
  o.limit = query_int(target, "limit");
  o.continue_token = query_value(target, "continue");
  o.resource_version = query_value(target, "resourceVersion");
  o.allow_bookmarks = query_bool(target, "allowWatchBookmarks");
  return o;
}

WriteOptions write_options(const RequestTarget& target) {
  WriteOptions o;
  const std::string dry_run = query_value(target, "dryRun");
  if (dry_run == "All") {
    o.dry_run = true;
  } else if (!dry_run.empty()) {
    throw StatusError::bad_request("Invalid dry run value: " + dry_run + ": supported values: \"All\"");
  }
  o.field_manager = query_value(target, "fieldManager");
  const std::string validation = query_value(target, "fieldValidation");
  if (validation == "Strict") {
    o.field_validation = FieldValidation::Strict;
  } else if (validation == "Ignore") {
    o.field_validation = FieldValidation::Ignore;
  } else if (validation == "Warn" || validation.empty()) {
    o.field_validation = FieldValidation::Warn;  // the apiserver's default since 1.25
  } else {
    throw StatusError::bad_request("fieldValidation: Unsupported value: \"" + validation +
                                   "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }
  o.force = query_bool(target, "force");
  return o;
}

json parse_object_body(const std::string& body) {
  json object = json::parse(body, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    throw StatusError::bad_request(
        "the object provided is unrecognized (must be a JSON object): couldn't get version/kind; json parse "
        "error");
  }
  return object;
}

// DeleteOptions from the body (possibly empty) with the query's propagationPolicy/dryRun folded in.
json delete_options(const std::string& body, const RequestTarget& target, WriteOptions& wopts) {
  json options = json::object();
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) options = parse_object_body(body);
  const std::string policy = query_value(target, "propagationPolicy");
  if (!policy.empty()) options["propagationPolicy"] = policy;
  if (options.contains("dryRun") && options["dryRun"].is_array()) {
    for (const auto& v : options["dryRun"]) {
      if (v == "All") wopts.dry_run = true;
    }
  }
  return options;
}

std::string request_name(const json& object) {
  if (object.contains("metadata") && object["metadata"].is_object()) {
    return object["metadata"].value("name", object["metadata"].value("generateName", std::string{}));
  }
  return {};
}

json as_table(const ResourceType& type, const json& list_or_object, const ResponseFormat& format,
              const std::string& include_object) {
  json table = to_table(type, list_or_object, include_object);
  table["apiVersion"] = format.table_api_version;
  return table;
}

std::string include_object_param(const RequestTarget& target) {
  const std::string v = query_value(target, "includeObject");
  return v.empty() ? "Metadata" : v;
}

std::string resource_verb(const std::string& method, const ResourcePath& p, bool watch) {
  if (method == "GET") return p.name.empty() ? (watch ? "watch" : "list") : "get";
  if (method == "POST") return p.name.empty() ? "create" : "";
  if (method == "PUT") return p.name.empty() ? "" : "update";
  if (method == "PATCH") return p.name.empty() ? "" : "patch";
  if (method == "DELETE") return p.name.empty() ? "deletecollection" : "delete";
  return "";
}

}  // namespace

std::string to_body(const json& document) {
  return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// {"type":...,"object":...} written around the object's own text: wrapping the object in a json document
// first would copy it, once per event and watcher.
std::string watch_line(const std::string& type, const json& object) {
  return "{\"type\":" + to_body(json(type)) + ",\"object\":" + to_body(object) + "}\n";
}

}  // namespace

std::string encode_watch_event(const std::string& type, const json& object, const WatchPlan& plan,
                               bool with_columns) {
  const bool row_event = type == "ADDED" || type == "MODIFIED" || type == "DELETED";
  if (!plan.format.table || !row_event) return watch_line(type, object);
  json table = as_table(plan.type, object, plan.format, plan.include_object);
  if (!with_columns) table["columnDefinitions"] = json::array();
  return watch_line(type, table);
}

std::string encode_watch_event(const WatchEvent& event, const WatchPlan& plan, bool with_columns) {
  return encode_watch_event(event.type, event.object, plan, with_columns);
}

ApiHandler::ApiHandler(Store& store, Faults& faults, RequestStats& stats, std::string server_address)
    : store_(store), faults_(faults), stats_(stats), server_address_(std::move(server_address)) {}

ApiOutcome ApiHandler::handle(const ApiRequest& request) {
  try {
    return dispatch(request);
  } catch (const StatusError& e) {
    return {json_response(e.code(), e.to_status()), std::nullopt};
  } catch (const std::exception& e) {
    return {json_response(500, StatusError::internal(e.what()).to_status()), std::nullopt};
  }
}

ApiOutcome ApiHandler::dispatch(const ApiRequest& request) {
  const RequestTarget target = parse_request_target(request.target);
  const Route route = route_path(target.path);
  using Kind = Route::Kind;
  if (route.kind == Kind::NotFound || route.kind == Kind::Admin) throw unknown_path();

  if (route.kind != Kind::Resource) {
    // Discovery, OpenAPI, version and health are read-only; `?timeout=32s` on them is ignored.
    if (request.method != "GET") throw method_not_allowed();
    const auto types = store_.types();
    std::optional<json> document;
    std::string what = "discovery";
    switch (route.kind) {
      case Kind::CoreVersions:
        document = core_api_versions(server_address_);
        break;
      case Kind::GroupList:
        document = api_group_list(types);
        break;
      case Kind::Group:
        document = api_group(types, route.group);
        break;
      case Kind::ResourceList:
        document = api_resource_list(types, route.group, route.version);
        break;
      case Kind::Version:
        document = version_info();
        what = "version";
        break;
      case Kind::OpenApiV3Root:
        document = openapi_v3_root(types);
        what = "openapi";
        break;
      case Kind::OpenApiV3Document: {
        json doc = openapi_v3_group_version(types, route.rest);
        if (!doc.is_null()) document = std::move(doc);
        what = "openapi";
        break;
      }
      case Kind::Health:
        stats_.record("get", "health", "");
        return {{200, "text/plain; charset=utf-8", "ok", {}}, std::nullopt};
      default:
        break;
    }
    stats_.record("get", what, "");
    if (!document) throw unknown_path();
    return {json_response(200, *document), std::nullopt};
  }

  const ResourcePath& p = route.resource;
  const ResourceType* found = store_.find_type(p.group, p.version, p.plural);
  if (found == nullptr) throw unknown_path();
  // Types are all registered before the server starts, and map nodes never move: no copy is needed.
  const ResourceType& type = *found;
  if (!type.namespaced && !p.ns.empty()) throw unknown_path();
  if (type.namespaced && p.ns.empty() && !p.name.empty()) throw unknown_path();
  if (!p.subresource.empty() && (p.subresource != "status" || !type.has_status || p.name.empty())) {
    throw unknown_path();
  }

  const bool watch = p.legacy_watch_path || query_bool(target, "watch");
  const std::string verb = resource_verb(request.method, p, watch);
  if (verb.empty()) throw method_not_allowed();
  // Writes to a namespaced collection need the namespace in the path.
  if (type.namespaced && p.ns.empty() && (verb == "create" || verb == "deletecollection"))
    throw method_not_allowed();
  if (p.legacy_watch_path && verb != "watch") throw unknown_path();
  if (!p.subresource.empty() && verb != "get" && verb != "update" && verb != "patch")
    throw method_not_allowed();
  stats_.record(verb, type.qualified_resource(), p.subresource);

  if (const int code = faults_.roll_error()) {
    const std::string reason = code == 503   ? "ServiceUnavailable"
                               : code == 429 ? "TooManyRequests"
                                             : "InternalError";
    throw StatusError(code, reason, "injected fault: the server is currently unable to handle the request");
  }

  const ResponseFormat format = negotiate_response_format(request.accept);
  const std::string include_object = include_object_param(target);

  if (verb == "watch") {
    WatchPlan plan{type, std::nullopt, std::nullopt, format, include_object, std::nullopt, false};
    ListOptions options = list_options(target);
    plan.bookmarks = options.allow_bookmarks;
    if (const int64_t timeout = query_int(target, "timeoutSeconds"); timeout > 0) {
      plan.timeout = std::chrono::seconds(timeout);
    }
    if (faults_.roll_expire_watch()) {
      const std::string current = std::to_string(store_.resource_version());
      const std::string requested = options.resource_version.empty() ? current : options.resource_version;
      plan.error_event =
          StatusError::gone_expired("too old resource version: " + requested + " (" + current + ")")
              .to_status();
      return {{}, std::move(plan)};
    }
    try {
      plan.watch = store_.watch(type, p.ns, options);
    } catch (const StatusError& e) {
      // The real server's watch cache answers a too-old RV inside a 200 stream: one ERROR event, then the
      // end.
      if (e.code() != 410) throw;
      plan.error_event = e.to_status();
    }
    return {{}, std::move(plan)};
  }
  if (verb == "list") {
    json list = store_.list(type, p.ns, list_options(target));
    return {json_response(200, format.table ? as_table(type, list, format, include_object) : list),
            std::nullopt};
  }
  if (verb == "get") {
    json object = store_.get(type, p.ns, p.name);
    return {json_response(200, format.table ? as_table(type, object, format, include_object) : object),
            std::nullopt};
  }

  WriteOptions wopts = write_options(target);
  json object;
  if (verb == "create" || verb == "update") {
    // kubectl's typed clients (create secret, configmap, namespace) send protobuf and never fall back to
    // JSON.
    object = request.content_type.find(kProtobufContentType) != std::string::npos
                 ? protobuf_to_json(request.body)
                 : parse_object_body(request.body);
  }
  json options;
  if (verb == "delete") options = delete_options(request.body, target, wopts);
  std::optional<PatchType> patch_type;
  if (verb == "patch") {
    patch_type = patch_type_from_content_type(request.content_type);
    if (!patch_type) {
      throw StatusError::unsupported_media_type(
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    }
  }
  if (faults_.roll_conflict()) {
    const std::string name = p.name.empty() ? request_name(object) : p.name;
    throw StatusError::modified_conflict(type, name);
  }

  WriteResult result;
  if (verb == "create") {
    result = store_.create(type, p.ns, std::move(object), wopts);
  } else if (verb == "update") {
    result = store_.update(type, p.ns, p.name, std::move(object), p.subresource, wopts);
  } else if (verb == "patch") {
    result = store_.patch(type, p.ns, p.name, *patch_type, request.body, p.subresource, wopts);
  } else if (verb == "delete") {
    result = store_.remove(type, p.ns, p.name, options, wopts);
  } else {
    result = store_.remove_collection(type, p.ns, list_options(target), wopts);
  }
  ApiResponse response = json_response(result.http_code, result.object);
  response.warnings = std::move(result.warnings);
  return {std::move(response), std::nullopt};
}

}  // namespace kubeemu
