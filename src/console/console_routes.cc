// ConsoleRoutes (console.h): the security middleware in front of every route, then each
// part's route group. No sockets here (the HTTP fuzzer links this without the server).
#include "console/routes.h"
#include "console/security.h"

namespace kappa::console {

std::shared_ptr<http::Router> ConsoleRoutes(const Sources& sources,
                                            const ConsoleOptions& options) {
  auto router = std::make_shared<http::Router>();
  auto security = std::make_shared<Security>(options);
  router->Use([security](http::Request& req, const http::Handler& next) {
    return security->Guard(req, next);
  });
  AddSessionRoutes(*router, security, sources);
  AddAssetRoutes(*router);
  AddOverviewRoutes(*router, sources);
  AddKafkaRoutes(*router, sources);
  AddPipelineRoutes(*router, sources);
  AddSchemasRoutes(*router, sources);
  AddDagsRoutes(*router, sources);
  // Each part adds its one line here (routes.h).
  return router;
}

}  // namespace kappa::console
