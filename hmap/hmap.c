/* hmap.c - work in progress: the implementation lands next. */
#include "hmap.h"
