// SPDX-License-Identifier: MIT
// host.cpp - the same libraries from C++17: a map from a point to a count
// through the generic hmap_put / hmap_get (a struct key), a map that grows
// from no hint, an iteration, the version macro, and arena poisoning when
// the library was built with it.  Exits 0 only if every entry came back as
// it went in and every page went back to the arena.
#include <cstdint>
#include <cstdio>

#include <tidemark/arena.h>
#include <tidemark/hmap.h>
#include <tidemark/version.h>

static_assert(TIDEMARK_VERSION_MAJOR == 0 && TIDEMARK_VERSION_MINOR >= 1,
              "tidemark 0.x, x >= 1");

namespace {

// Keys are hashed and compared as bytes: a key type must have no padding.
struct point {
    std::int32_t x, y;
};
static_assert(sizeof(point) == 8, "no padding in the key");

constexpr std::size_t page = 4096;
constexpr std::int32_t count = 500;
alignas(page) std::uint8_t region[32 * page];

std::uint32_t value_of(std::int32_t i)
{
    return static_cast<std::uint32_t>(i) * 3u + 1u;
}

}  // namespace

int main()
{
    const hmap_type type = {sizeof(point), sizeof(std::uint32_t), nullptr, nullptr};
    arena a;
    hmap m;
    if (arena_init(&a, region, sizeof region, page) != ARENA_OK)
        return 1;
    int err = hmap_init(&m, &type, &a, 0, 42); // no hint: it grows as Go's does
    for (std::int32_t i = 0; i < count && err == HMAP_OK; i++) {
        const point p = {i, -i};
        const std::uint32_t n = value_of(i);
        err = hmap_put(&m, &p, &n);
    }
    if (err != HMAP_OK) {
        std::printf("put: %s\n", hmap_strerror(err));
        return 2;
    }

    std::uint64_t seen = 0;
    hmap_iter it;
    const void *key;
    void *val;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &key, &val)) {
        const auto *p = static_cast<const point *>(key);
        if (p->y != -p->x || *static_cast<const std::uint32_t *>(val) != value_of(p->x))
            return 3;
        seen++;
    }
    const point absent = {count, -count};
    if (hmap_iter_error(&it) != HMAP_OK || seen != count || hmap_get(&m, &absent) != nullptr)
        return 4;

    const point first = {0, 0};
    const auto *slot = static_cast<const std::uint8_t *>(hmap_get(&m, &first));
    hmap_reset(&m);
    arena_stats s;
    arena_get_stats(&a, &s);
    // With poisoning, the freed bucket page reads the poison byte.
    if (slot == nullptr || s.in_use != 0 || (ARENA_POISON && *slot != ARENA_POISON_BYTE))
        return 5;
    std::printf("tidemark %s from C++: %llu entries back, watermark %zu bytes, arena poison %s\n",
                TIDEMARK_VERSION_STRING, static_cast<unsigned long long>(seen), s.watermark,
                ARENA_POISON ? "on" : "off");
    return 0;
}
