// The console's API routes, one function per part (each defined in its routes_<part>.cc);
// ConsoleRoutes calls them all. Private to src/console.
#pragma once

#include "console/console.h"
#include "http/http.h"

namespace kappa::console {

// Topics, messages and consumer groups: /api/console/topics..., /api/console/groups...
// (routes_topics.cc, routes_messages.cc, routes_groups.cc). Answers 503 "not configured"
// when sources.kafka is null.
void AddKafkaRoutes(http::Router& router, const Sources& sources);

}  // namespace kappa::console
