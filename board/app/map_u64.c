/* SPDX-License-Identifier: MIT */
/* map_u64.c - see map_u64.h. */
#include "map_u64.h"

#include <stddef.h>

const struct hmap_type map_u64_type = {8, 8, NULL, NULL};
