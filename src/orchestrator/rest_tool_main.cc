// orchestrator_rest_tool (test-only): serves AddAirflowRoutes over a FakeOrchestrator holding
// SeedExampleHistory, on 127.0.0.1 and a free port, for tests/orchestrator/
// test_airflow_rest.py. Prints "listening on 127.0.0.1:PORT" once it accepts connections and
// serves until its standard input closes (so a test that dies takes the server with it).
//
//   orchestrator_rest_tool [--port N]
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "common/clock.h"
#include "http/http.h"
#include "orchestrator/fake_orchestrator.h"
#include "orchestrator/orchestrator.h"

int main(int argc, char** argv) {
  using namespace kappa;
  uint16_t port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = static_cast<uint16_t>(std::stoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
      return 2;
    }
  }
  orchestrator::FakeOrchestrator fake(Clock::Real());
  orchestrator::SeedExampleHistory(&fake);
  auto router = std::make_shared<http::Router>();
  orchestrator::AddAirflowRoutes(&fake, router.get());
  http::ListenerOptions l;
  l.port = port;
  l.router = router;
  auto server = http::Server::Start({}, {l});
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u\n", unsigned((*server)->port()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  (*server)->Stop();
  return 0;
}
