// Checks of a listener address that `kappa up` and `kappa broker` make before they open
// the data directory, so a bad or busy address fails before anything is written.
#pragma once

#include <string>
#include <string_view>

#include "common/host_port.h"
#include "common/status.h"

namespace kappa::cli {

// kappa has no Kafka authentication yet, so a Kafka listener any other machine can reach is
// refused unless `insecure` (then a warning is logged once). `where` names the setting in
// the message ("--listen", "kappa.yaml:45:10: listeners.kafka"); `allow` says how to accept
// the risk ("--insecure"). InvalidArgument when refused.
Status CheckKafkaExposure(const HostPort& hp, bool insecure, std::string_view where,
                          std::string_view allow);

// Binds `hp` (resolving a host name) and closes the socket again: Unavailable "address
// already in use" / "cannot assign requested address" before the data directory is opened.
// Port 0 always binds. A race with another process binding the port afterwards is still
// reported by the server's own bind.
Status ProbeListen(const HostPort& hp);

}  // namespace kappa::cli
