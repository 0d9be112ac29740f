// systemd's readiness protocol (sd_notify(3)) without libsystemd: a unit with Type=notify
// sets NOTIFY_SOCKET to a Unix datagram socket, and the service sends newline-separated
// assignments such as "READY=1" or "STOPPING=1" to it. kappa up sends READY=1 once its
// servers listen (deploy/systemd/kappa.service), so `systemctl start` returns when kappa is
// ready and units ordered After=kappa.service start against a ready kappa.
// Thread-safe (one datagram per call, no shared state).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa {

// Sends `state` (e.g. "READY=1\nSTATUS=serving") to $NOTIFY_SOCKET: a filesystem path, or an
// abstract socket when it starts with '@'. OK without sending when NOTIFY_SOCKET is unset or
// empty (not started by systemd with Type=notify). InvalidArgument for a NOTIFY_SOCKET that
// is neither; IOError when the datagram cannot be sent (systemd then times the start out,
// so the caller logs it and goes on).
Status NotifySystemd(std::string_view state);

// The same, to the socket at `socket_path` ('@' for abstract); for tests and for callers that
// read the variable themselves.
Status NotifySocket(const std::string& socket_path, std::string_view state);

}  // namespace kappa
