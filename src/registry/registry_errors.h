// Confluent's error codes and messages as Status values (internal to src/registry). The
// REST layer reads the code back with Status::protocol_code(); the messages are Confluent
// Schema Registry 7.x's, word for word where clients match on them.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "registry/registry.h"

namespace kappa::registry {

// A Status carrying `code` as its protocol_code: 404xx NotFound, 409 AlreadyExists, 422xx
// InvalidArgument, 50001.. IOError.
Status RegistryError(ErrorCode code, std::string_view message);

Status SubjectNotFound(std::string_view subject);
Status VersionNotFound(int32_t version);
Status SchemaNotFound();  // lookup of a schema under a subject
Status SchemaIdNotFound(int32_t id);
Status SubjectSoftDeleted(std::string_view subject);
Status SubjectNotSoftDeleted(std::string_view subject);
Status VersionSoftDeleted(std::string_view subject, int32_t version);
Status VersionNotSoftDeleted(std::string_view subject, int32_t version);
Status InvalidSchema(std::string_view detail);
Status InvalidVersion(std::string_view version);
Status InvalidCompatibility(std::string_view level);
Status InvalidMode(std::string_view mode);
Status NotPermitted(std::string_view message);
Status ReadOnlyMode(std::string_view subject);
Status ReferenceExists(std::string_view subject, int32_t version);
Status Incompatible(std::string_view subject, const std::vector<std::string>& reasons);
Status StoreError(const Status& cause);

// HTTP status for a registry error code: 40401 -> 404, 42201 -> 422, 409 -> 409, 50001 -> 500.
int HttpStatusFor(int32_t error_code);

}  // namespace kappa::registry
