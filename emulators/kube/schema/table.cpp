#include "table.hpp"

#include <memory>
#include <optional>

#include "builtin_types.hpp"
#include "field_error.hpp"
#include "jsonpath.hpp"
#include "meta_docs.hpp"

namespace kubeemu {
namespace {

json definition(const std::string& name, const std::string& type, const std::string& format,
                const std::string& description, int priority) {
  return {{"name", name},
          {"type", type},
          {"format", format},
          {"description", description},
          {"priority", priority}};
}

// The column the apiserver adds to a CRD that declares none.
PrinterColumn default_age_column() {
  return PrinterColumn{"Age", "date", "", meta_docs::kCreationTimestamp, 0, ".metadata.creationTimestamp"};
}

std::string string_cell(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return go_float(v.get<double>());
  return v.dump();  // integers, booleans, and objects/arrays as compact JSON
}

json metadata_of(const json& object) {
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : json::object();
}

json row_object(const json& object, const std::string& include_object) {
  if (include_object == "None") return nullptr;
  if (include_object == "Object") return object;
  return {
      {"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata_of(object)}};
}

// tableconvertor.go's cell for one column whose JSONPath is already parsed.
json cell(const PrinterColumn& column, const JsonPath& path, const json& object, Clock::time_point now) {
  std::vector<json> results = path.find(object);
  if (results.empty() || results.front().is_null()) return nullptr;
  const json& value = results.front();  // "we only support simple JSON path": the first result only
  if (column.type == "string") return string_cell(value);
  if (column.type == "integer" && value.is_number())
    return value.is_number_float() ? json(value.get<int64_t>()) : value;
  if (column.type == "number" && value.is_number()) return value.get<double>();
  if (column.type == "boolean" && value.is_boolean()) return value;
  if (column.type == "date" && value.is_string()) {
    auto when = parse_rfc3339(value.get<std::string>());
    if (!when) return "<invalid>";
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *when));
  }
  return nullptr;
}

}  // namespace

json evaluate_column(const PrinterColumn& column, const json& object, Clock::time_point now) {
  try {
    return cell(column, JsonPath(column.json_path), object, now);
  } catch (const std::invalid_argument&) {
    return nullptr;  // crd_types rejects such columns; a hand-made column just renders empty
  }
}

json evaluate_column(const PrinterColumn& column, const json& object) {
  return evaluate_column(column, object, Clock::now());
}

json to_table(const ResourceType& t, const json& list_or_object, const std::string& include_object,
              Clock::time_point now) {
  json table = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", json::object()}};
  bool is_list = list_or_object.is_object() && list_or_object.contains("items");
  const json meta = metadata_of(list_or_object);
  if (meta.contains("resourceVersion") && meta["resourceVersion"] != "")
    table["metadata"]["resourceVersion"] = meta["resourceVersion"];
  if (is_list) {
    if (meta.contains("continue") && meta["continue"] != "") table["metadata"]["continue"] = meta["continue"];
    if (meta.contains("remainingItemCount"))
      table["metadata"]["remainingItemCount"] = meta["remainingItemCount"];
  }

  json defs = json::array();
  std::function<json(const json&)> cells;
  const RowPrinter* printer = t.is_crd ? nullptr : builtin_row_printer(t.group, t.kind);
  if (t.is_crd) {
    std::vector<PrinterColumn> columns = t.columns.empty() ? std::vector{default_age_column()} : t.columns;
    defs.push_back(definition("Name", "string", "name", meta_docs::kName, 0));
    for (const auto& c : columns) {
      std::string description = c.description.empty()
                                    ? "Custom resource definition column (in JSONPath format): " + c.json_path
                                    : c.description;
      defs.push_back(definition(c.name, c.type, c.format, description, c.priority));
    }
    // Parsed once per table, not once per cell.
    auto paths = std::make_shared<std::vector<std::optional<JsonPath>>>();
    for (const auto& c : columns) {
      try {
        paths->emplace_back(JsonPath(c.json_path));
      } catch (const std::invalid_argument&) {
        paths->emplace_back(std::nullopt);
      }
    }
    cells = [columns, paths, now](const json& o) {
      json row = json::array({metadata_of(o).value("name", "")});
      for (std::size_t i = 0; i < columns.size(); ++i)
        row.push_back((*paths)[i] ? cell(columns[i], *(*paths)[i], o, now) : json(nullptr));
      return row;
    };
  } else if (printer) {
    for (const auto& c : t.columns)
      defs.push_back(definition(c.name, c.type, c.format, c.description, c.priority));
    cells = [printer, now](const json& o) { return json((*printer)(o, now)); };
  } else {
    defs.push_back(definition("Name", "string", "name", meta_docs::kName, 0));
    defs.push_back(definition("Created At", "date", "", meta_docs::kCreationTimestamp, 0));
    cells = [](const json& o) {
      json m = metadata_of(o);
      return json::array({m.value("name", ""), m.value("creationTimestamp", "0001-01-01T00:00:00Z")});
    };
  }
  table["columnDefinitions"] = std::move(defs);

  json rows = json::array();
  auto add_row = [&](const json& object) {
    rows.push_back({{"cells", cells(object)}, {"object", row_object(object, include_object)}});
  };
  if (is_list) {
    for (const auto& item : list_or_object["items"])
      add_row(item);
  } else {
    add_row(list_or_object);
  }
  table["rows"] = std::move(rows);
  return table;
}

json to_table(const ResourceType& t, const json& list_or_object, const std::string& include_object) {
  return to_table(t, list_or_object, include_object, Clock::now());
}

}  // namespace kubeemu
