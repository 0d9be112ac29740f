// Checks of a listener address that `kappa up` and `kappa broker` make before they open
// the data directory, so a bad or busy address fails before anything is written.
#pragma once

#include <string>
#include <string_view>

#include "common/host_port.h"
#include "common/status.h"
#include "kafka/kafka.h"

namespace kappa::cli {

// The rules of a Kafka listener (issue 24): a PLAINTEXT or SSL listener (no
// authentication) any other machine can reach is refused, and so is a SASL_PLAINTEXT or
// SASL_SSL listener while the data directory has no users (`has_users`), unless `insecure`
// (then a warning is logged). `where` names the setting in the message ("--listen",
// "kappa.yaml:45:10: listeners.kafka"); `allow` says how to accept the risk ("--insecure");
// `users_hint` how to add users ("kappa users add NAME --data-dir D"). InvalidArgument when
// refused.
Status CheckKafkaListener(const kafka::KafkaListenerOptions& l, bool has_users, bool insecure,
                          std::string_view where, std::string_view allow,
                          std::string_view users_hint);

// Binds `hp` (resolving a host name) and closes the socket again: Unavailable "address
// already in use" / "cannot assign requested address" before the data directory is opened.
// Port 0 always binds. A race with another process binding the port afterwards is still
// reported by the server's own bind.
Status ProbeListen(const HostPort& hp);

}  // namespace kappa::cli
