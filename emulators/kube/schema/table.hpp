#pragma once
// meta.k8s.io/v1 Tables, as the apiserver renders them for `Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io`: custom resources through apiextensions' tableconvertor
// (Name, then additionalPrinterColumns, or Name and Age), built-in kinds through their row printers
// (builtin_types.hpp), anything else through the default convertor (Name, Created At).

#include <string>

#include "human_time.hpp"
#include "resource_type.hpp"

namespace kubeemu {

// list_or_object: a list (an object with "items") or a single object, e.g. one watch event's object.
// include_object: "Metadata" (or ""): rows[].object is a PartialObjectMetadata; "Object": the whole object;
// "None": null. Ages and date columns are computed against `now` (human durations such as "5m", like the
// server).
json to_table(const ResourceType& t, const json& list_or_object, const std::string& include_object);
json to_table(const ResourceType& t, const json& list_or_object, const std::string& include_object,
              Clock::time_point now);

// One custom-resource cell (tableconvertor.go): the first value the column's JSONPath selects; for string
// columns printed as JSONPath prints it (objects and arrays as JSON); integer/number/boolean cells typed,
// anything of the wrong type or missing null (kubectl shows <none>); date columns as an age, "<invalid>" when
// not a timestamp.
json evaluate_column(const PrinterColumn& column, const json& object);
json evaluate_column(const PrinterColumn& column, const json& object, Clock::time_point now);

}  // namespace kubeemu
