// jemalloc's options for the kappa binary, read at its first allocation. MALLOC_CONF in the
// environment still overrides them (jemalloc reads it after this string).
//
// oversize_threshold: jemalloc serves allocations above 8 MiB (its default) from a separate
// arena that gives freed pages back to the kernel at once. A Fetch response is one buffer of
// up to the client's fetch.max.bytes (librdkafka 50 MiB, Java 50 MiB; the log reads the
// records straight into it), so with the default every large fetch was mapped, zero-filled
// and unmapped again: 2,000 page faults per 8 MiB response, and a broker consuming at 0.55x
// of this setting (docs/benchmarks/kafka.md, "Large fetch responses"). Above 1 GiB nothing
// the servers allocate is oversize; large buffers return to the kernel after jemalloc's
// ordinary decay (10 s unused) instead.
//
// Only the kappa binary links jemalloc (src/cli/CMakeLists.txt); sanitizer builds keep the
// sanitizer's allocator and do not compile this file.
extern "C" {
// NOLINTNEXTLINE: jemalloc looks this symbol up by name.
const char* malloc_conf = "oversize_threshold:1073741824";
}
