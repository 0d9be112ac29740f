// A test-only SchemaType (never in product code): a schema is a JSON object
//   {"fields": [{"name": "a", "default": 1}, {"name": "b", "type": "ref:Other"}]}
// canonical form: the JSON re-dumped (sorted keys, no whitespace). A reader reads a writer
// when every reader field without a "default" is a writer field. A field type "ref:N" needs
// a reference named N. Registered under the name it is given ("AVRO" to be the default).
#pragma once

#include "registry/schema_type.h"

namespace kappa::registry {

const SchemaType& FakeSchemaType(std::string_view name);

}  // namespace kappa::registry
