// The operator's heap is jemalloc's (linked by controller/CMakeLists.txt when not sanitizing), tuned here.
//
// Why not glibc malloc: every reconcile, watch event and HTTP reply builds and frees many small
// nlohmann::json nodes and strings from 8 workers and the I/O threads. Under glibc the bench's 10,000-port
// deletion spent a third of the operator's CPU in malloc and free (arena locks, malloc_consolidate on each
// reply body): 67 s of operator CPU, against 40 s with jemalloc on the same machine (bench/operator, see
// README "Benchmarks").
//
// narenas:2 — two arenas, not jemalloc's default of 4 per CPU: the workers share the machine's cores anyway,
// and every arena keeps its own partly used pages (peak RSS 58 MiB at 10,000 ports; 63 MiB with the default).
// dirty_decay_ms:1000, muzzy_decay_ms:0 — pages freed after a burst go back to the kernel within a second, so
// a deletion wave does not leave the process at its peak.
extern "C" {
// jemalloc reads this symbol once, at its first allocation.
extern const char* malloc_conf;
const char* malloc_conf = "narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
