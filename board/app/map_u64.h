/* SPDX-License-Identifier: MIT */
/*
 * map_u64.h - the type of every map the firmware's code makes (the
 * console's, the experiment's, the bench's): 8-byte keys and values, hmap's
 * built-in seeded hash and byte equality, the maps the hmap_*_u64 paths
 * serve, like Go's map[uint64]uint64.
 */
#ifndef TIDEMARK_MAP_U64_H
#define TIDEMARK_MAP_U64_H

#include "hmap.h"

extern const struct hmap_type map_u64_type;

#endif /* TIDEMARK_MAP_U64_H */
