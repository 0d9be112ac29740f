// HTTP Basic authentication for `kappa up`'s HTTP listener (the schema registry's REST API,
// Airflow's REST API v1, /metrics): checks the data directory's users (security::UserStore).
// Private to src/app.
#pragma once

#include <memory>

#include "http/http.h"
#include "security/security.h"

namespace kappa::app {

// A Router middleware: once `users` holds any user, every route needs an
// `Authorization: Basic` header of one of them (401 with WWW-Authenticate otherwise; 429
// after 30 failed logins of an address in a minute, each logged with the peer address,
// never the password). /health and /ready stay open; /metrics too unless `metrics_auth`.
// With no users, everything is open (PlanUp allows that only on loopback or --insecure).
// With `authorizer` enabled (security.acls.enabled), a logged-in user also needs DESCRIBE
// on the cluster to read (GET, HEAD) and ALTER on the cluster to change anything (POST,
// PUT, PATCH, DELETE), else 403 (error_code 40301, Confluent's "denied" code); super users
// may do everything.
http::Middleware HttpBasicAuth(std::shared_ptr<const security::UserStore> users,
                               bool metrics_auth,
                               std::shared_ptr<const security::Authorizer> authorizer = nullptr);

}  // namespace kappa::app
