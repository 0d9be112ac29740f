// Turns a registry's error answer into a Status (the table in registry/client.h). Internal to
// kappa_registry_client; separate so it is tested without a server.
#pragma once

#include <string_view>

#include "common/status.h"

namespace kappa::registry::client {

// `status` is the HTTP status (not 2xx), `body` the answer. The Status message is the
// registry's "message" (or the start of a non-JSON body), prefixed with nothing else: the
// caller adds context. protocol_code() is the body's error_code, else the HTTP status.
Status ErrorFromAnswer(std::string_view method, std::string_view path, int status,
                       std::string_view body);

}  // namespace kappa::registry::client
