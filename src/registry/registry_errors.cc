#include "registry/registry_errors.h"

#include <fmt/format.h>

#include <vector>

namespace kappa::registry {

Status RegistryError(ErrorCode code, std::string_view message) {
  Status s;
  int32_t c = int32_t(code);
  if (c == 409) {
    s = Status::AlreadyExists(message);
  } else if (c / 100 == 404) {
    s = Status::NotFound(message);
  } else if (c / 100 == 422) {
    s = Status::InvalidArgument(message);
  } else {
    s = Status::IOError(message);
  }
  return s.WithProtocolCode(c);
}

Status SubjectNotFound(std::string_view subject) {
  return RegistryError(kSubjectNotFound, fmt::format("Subject '{}' not found.", subject));
}
Status VersionNotFound(int32_t version) {
  return RegistryError(kVersionNotFound, fmt::format("Version {} not found.", version));
}
Status SchemaNotFound() { return RegistryError(kSchemaNotFound, "Schema not found"); }
Status SchemaIdNotFound(int32_t id) {
  return RegistryError(kSchemaNotFound, fmt::format("Schema {} not found", id));
}
Status SubjectSoftDeleted(std::string_view subject) {
  return RegistryError(kSubjectSoftDeleted,
                       fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete "
                                   "permanently",
                                   subject));
}
Status SubjectNotSoftDeleted(std::string_view subject) {
  return RegistryError(kSubjectNotSoftDeleted,
                       fmt::format("Subject '{}' was not deleted first before being deleted "
                                   "permanently",
                                   subject));
}
Status VersionSoftDeleted(std::string_view subject, int32_t version) {
  return RegistryError(kSchemaVersionSoftDeleted,
                       fmt::format("Subject '{}' Version {} was soft deleted.Set "
                                   "permanent=true to delete permanently",
                                   subject, version));
}
Status VersionNotSoftDeleted(std::string_view subject, int32_t version) {
  return RegistryError(kSchemaVersionNotSoftDeleted,
                       fmt::format("Subject '{}' Version {} was not deleted first before being "
                                   "deleted permanently",
                                   subject, version));
}
Status InvalidSchema(std::string_view detail) {
  return RegistryError(kInvalidSchema, fmt::format("Invalid schema {}", detail));
}
Status InvalidVersion(std::string_view version) {
  return RegistryError(kInvalidVersion,
                       fmt::format("The specified version '{}' is not a valid version id. "
                                   "Allowed values are between [1, 2^31-1] and the string "
                                   "\"latest\"",
                                   version));
}
Status InvalidCompatibility(std::string_view level) {
  return RegistryError(kInvalidCompatibilityLevel,
                       fmt::format("Invalid compatibility level. Valid values are none, "
                                   "backward, forward, full, backward_transitive, "
                                   "forward_transitive, and full_transitive (got '{}')",
                                   level));
}
Status InvalidMode(std::string_view mode) {
  return RegistryError(kInvalidMode,
                       fmt::format("Invalid mode. Valid values are READWRITE, READONLY and "
                                   "IMPORT (got '{}')",
                                   mode));
}
Status NotPermitted(std::string_view message) {
  return RegistryError(kOperationNotPermitted, message);
}
Status ReadOnlyMode(std::string_view subject) {
  return NotPermitted(fmt::format("Subject {} is in read-only mode", subject));
}
Status ReferenceExists(std::string_view subject, int32_t version) {
  return RegistryError(kReferenceExists,
                       fmt::format("One or more references exist to the schema "
                                   "{{magic=1,keytype=SCHEMA,subject={},version={}}}.",
                                   subject, version));
}
Status Incompatible(std::string_view subject, const std::vector<std::string>& reasons) {
  std::string list;
  for (const auto& r : reasons) list += (list.empty() ? "" : ", ") + r;
  return RegistryError(kIncompatibleSchema,
                       fmt::format("Schema being registered is incompatible with an earlier "
                                   "schema for subject \"{}\", details: [{}]",
                                   subject, list));
}
Status StoreError(const Status& cause) {
  return RegistryError(kStoreError, "Error in the backend data store: " + cause.message());
}

int HttpStatusFor(int32_t code) {
  if (code < 1000) return code;
  return code / 100;
}

}  // namespace kappa::registry
