/* SPDX-License-Identifier: MIT */
// bench/abseil/main.cc - the six host workloads on Abseil's
// absl::flat_hash_map<uint64_t, uint64_t>, the fast general-purpose C++
// reference, printed as the same TSV as
// tidemark_bench (bench/bench.c) with "abseil" as the implementation.
//
// Same inputs (bench/keys.c and keyset.c, linked in), same workloads in the same order on
// the same kind of map state, same clock and summary (bench/samples.c), and
// the same checks after the clock stops: see bench.c for what each workload
// is.  The map is made fresh for every workload that starts from empty, as
// tidemark's is; (2) reserves N first (flat_hash_map's "hint").  Time only:
// memory is not compared with Abseil (its layout is not the Go map's).  Its
// memory comes from glibc's heap, kept between repetitions (see main).
//
// Built by bench/report with g++ -O2 -DNDEBUG (a release build, Abseil's
// internal assertions off) and pkg-config's flags for Abseil (Debian's
// libabsl-dev, installed by `scripts/setup bench`), not by CMake: the C
// project has no C++ in it otherwise.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <malloc.h>

#include "absl/container/flat_hash_map.h"

extern "C" {
#include "keyset.h"
#include "samples.h"
}

namespace {

using Map = absl::flat_hash_map<uint64_t, uint64_t>;

enum Workload { kInsert, kInsertHint, kLookupHit, kLookupMiss, kDelete, kChurn, kCount };
const char *const kName[kCount] = {"insert", "insert_hint", "lookup_hit",
                                   "lookup_miss", "delete", "churn"};

[[noreturn]] void Die(size_t n, Workload w, const char *what)
{
    std::fprintf(stderr, "abseil_bench: N=%zu %s: %s\n", n, kName[w], what);
    std::exit(1);
}

void InsertAll(Map &m, const uint64_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m.insert_or_assign(keys[i], value_of(keys[i]));
}

size_t LookupAll(const Map &m, const uint64_t *keys, size_t n, uint64_t *bad)
{
    size_t hits = 0;
    uint64_t wrong = 0;
    for (size_t i = 0; i < n; i++) {
        auto it = m.find(keys[i]);
        if (it != m.end()) {
            hits++;
            wrong |= it->second ^ value_of(keys[i]);
        }
    }
    *bad = wrong;
    return hits;
}

size_t DeleteAll(Map &m, const uint64_t *keys, size_t n)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++)
        found += m.erase(keys[i]);
    return found;
}

size_t Churn(Map &m, const uint64_t *out, const uint64_t *in, size_t n)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        found += m.erase(out[i]);
        m.insert_or_assign(in[i], value_of(in[i]));
    }
    return found;
}

void RunN(size_t n, size_t reps, size_t warmup)
{
    keyset ks;
    if (keys_make(&ks, n) != 0)
        Die(n, kInsert, "out of memory for the keys");
    std::printf("keys\t%zu\t%016" PRIx64 "\n", n, keys_fingerprint(&ks));

    static samples s[kCount];
    std::memset(s, 0, sizeof s);
    for (size_t r = 0; r < warmup + reps; r++) {
        bool keep = r >= warmup;
        uint64_t t0, bad;
        size_t got;
        {
            // (1), then (3), (4), (5) on the map it built.
            Map m;
            t0 = now_ns();
            InsertAll(m, ks.present, n);
            if (keep)
                samples_add(&s[kInsert], now_ns() - t0, n);
            if (m.size() != n)
                Die(n, kInsert, "wrong size");

            t0 = now_ns();
            got = LookupAll(m, ks.shuffled, n, &bad);
            if (keep)
                samples_add(&s[kLookupHit], now_ns() - t0, n);
            if (got != n || bad != 0)
                Die(n, kLookupHit, "a present key was not found, or had a wrong value");

            t0 = now_ns();
            got = LookupAll(m, ks.absent, n, &bad);
            if (keep)
                samples_add(&s[kLookupMiss], now_ns() - t0, n);
            if (got != 0)
                Die(n, kLookupMiss, "an absent key was found");

            t0 = now_ns();
            got = DeleteAll(m, ks.shuffled, n);
            if (keep)
                samples_add(&s[kDelete], now_ns() - t0, n);
            if (got != n || !m.empty())
                Die(n, kDelete, "a delete did not find its key");
        }
        {
            // (2)
            Map m;
            m.reserve(n);
            t0 = now_ns();
            InsertAll(m, ks.present, n);
            if (keep)
                samples_add(&s[kInsertHint], now_ns() - t0, n);
            if (m.size() != n)
                Die(n, kInsertHint, "wrong size");
        }
        {
            // (6) on a map built as in (1), untimed.
            Map m;
            InsertAll(m, ks.present, n);
            t0 = now_ns();
            got = Churn(m, ks.present, ks.fresh, n);
            if (keep)
                samples_add(&s[kChurn], now_ns() - t0, n);
            if (got != n || m.size() != n)
                Die(n, kChurn, "a churn delete did not find its key, or wrong size");
        }
    }
    for (int w = 0; w < kCount; w++)
        for (size_t i = 0; i < s[w].n; i++)
            std::printf("sample\tabseil\t%zu\t%s\t%.2f\n", n, kName[w], s[w].v[i]);
    std::fflush(stdout);
    keys_free(&ks);
}

[[noreturn]] void Usage()
{
    std::fputs("usage: abseil_bench --n N --reps R [--warmup W]\n", stderr);
    std::exit(2);
}

size_t Positive(const char *arg)
{
    char *end;
    unsigned long long v = std::strtoull(arg, &end, 10);
    if (end == arg || *end != '\0' || v == 0)
        Usage();
    return static_cast<size_t>(v);
}

}  // namespace

int main(int argc, char **argv)
{
    size_t n = 0, reps = 0, warmup = 1;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            Usage();
        if (std::strcmp(argv[i], "--n") == 0)
            n = Positive(argv[i + 1]);
        else if (std::strcmp(argv[i], "--reps") == 0)
            reps = Positive(argv[i + 1]);
        else if (std::strcmp(argv[i], "--warmup") == 0)
            warmup = std::strtoul(argv[i + 1], nullptr, 10);
        else
            Usage();
    }
    if (n == 0 || reps == 0 || reps > SAMPLES_MAX)
        Usage();
    // glibc: every allocation from the heap, which is never trimmed, so that
    // each repetition's tables reuse the memory the warm-up faulted in, as
    // tidemark's arena and Go's heap do: page faults are not timed.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, -1);
    std::printf("meta\tabseil\tcompiler\t%s\n", __VERSION__);
#ifdef NDEBUG
    // Abseil's internal assertions are off, as in its users' release builds.
    std::printf("meta\tabseil\tndebug\t1\n");
#else
    std::printf("meta\tabseil\tndebug\t0\n");
#endif
    RunN(n, reps, warmup);
    return 0;
}
