/* SPDX-License-Identifier: MIT */
/*
 * swiss_fast64.c - the 8-byte calls (Go's runtime_fast64.go): keys and
 * values of 8 bytes, the built-in hash, a slot of 16 bytes at a constant
 * stride, so the probe compares keys as words and never calls memcmp.
 * Anything rare (no table yet, the small map, a table to grow) goes to
 * the general code's rare paths with the same hash.  swiss_get_u64 itself
 * is defined inline in swiss_probe.h, with the probe's steps, so that
 * callers may inline it; its external definition is made here.
 */
#include "swiss_internal.h"

/*
 * The one external definition of swiss_get_u64 (C99: swiss_probe.h's
 * inline definition makes none; this declaration makes this file's).  The
 * probe's steps it uses need none: they are always inlined, so nothing
 * ever calls them.  Put and delete below use the same steps.
 */
extern bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val);

/*
 * The 8-byte calls' fast paths below run only on a map with tables and no
 * write under way (u64_gate's U64_SHUT clear), and call nothing that could
 * re-enter the map (no hash or equal of the caller's, no arena call), so
 * they need no write bracket: only the rest, out of line and reached by a
 * tail call, takes it.  With no call, the fast paths need no stack frame.
 */

/* key's slot in the small map's one group (head 0), or NULL; *c as
 * sw_u64_find's.  The map has that group. */
static SW_ALWAYS_INLINE uint64_t *u64_small_find(const struct swiss *m, uint64_t key, uint8_t **c)
{
    struct sw_u64_swar w = sw_u64_swar_of(m, sw_u64_hash(m, key));
    return sw_u64_find(m->small, 0, sw_load_ctrl(m->small), &w, key, c);
}

/* swiss_get_u64 (swiss_probe.h) off its fast path: the contract's
 * refusals, a read inside a write (misuse), and the small map's one group. */
__attribute__((noinline)) bool sw_get_u64_rest(struct swiss *m, uint64_t key, uint64_t *val)
{
    if (m == NULL || m->general)
        return false;
    if (m->writing) {
        m->misuse++;
        return false;
    }
    if (m->small == NULL) /* no group at all (a table would be fast) */
        return false;
    uint8_t *c;
    uint64_t *s = u64_small_find(m, key, &c);
    if (s == NULL)
        return false;
    if (val != NULL)
        *val = *sw_u64_val(s, 0);
    return true;
}

/*
 * swiss_put_u64 off its fast path: the contract's refusals, then the
 * general put from the first group (no table yet, the small map, a
 * tombstone on the way, a table to prune or grow), inside the write
 * bracket: it may allocate, and an arena observer may call in.
 */
static __attribute__((noinline)) int u64_put_rest(struct swiss *m, uint64_t key, uint64_t val)
{
    if (m == NULL)
        return SWISS_ERR_ARG;
    if (m->general)
        return SWISS_ERR_SIZE;
    if (!write_begin(m))
        return SWISS_ERR_BUSY;
    int rc = sw_put_slow(m, sw_u64_hash(m, key), &key, &val);
    write_end(m);
    return rc;
}

/*
 * table_put (swiss.c) for 8-byte keys, where the probe meets no tombstone:
 * overwrite, or take the empty slot that ends the probe while growth_left
 * lasts.  At a tombstone (Go's put may reuse it) or when the table must
 * prune or grow, the general put does it, from the start.
 */
int swiss_put_u64(struct swiss *m, uint64_t key, uint64_t val)
{
    uint64_t gate;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return u64_put_rest(m, key, val);
    uint64_t hash = sw_u64_hash(m, key);
    struct swiss_table *t = sw_table_at(m, hash, gate);
    struct sw_u64_swar w = sw_u64_swar_of(m, hash);
    for (size_t o7 = (size_t)hash & t->mask7, step = 0;;
         o7 = (o7 + (step += 128)) & t->mask7) {
        uint8_t *base = sw_u64_group(&t, o7, true);
        uint64_t ctrl = sw_load_ctrl(base + SW_TABLE_HEAD);
        uint8_t *c;
        uint64_t *s = sw_u64_find(base, SW_TABLE_HEAD, ctrl, &w, key, &c);
        if (s != NULL) {
            *sw_u64_val(s, SW_TABLE_HEAD) = val;
            return SWISS_OK;
        }
        uint64_t free_slots = ctrl & w.msb;
        if (free_slots == 0)
            continue;
        /* A group with a tombstone has no empty slot: its first free slot
         * is a tombstone, else an empty slot, which ends the probe. */
        size_t o = sw_u64_first_offset(free_slots, &w);
        s = sw_u64_slot_at(base, o);
        c = sw_u64_ctrl(base, o);
        if (c[SW_TABLE_HEAD - 1] == CTRL_DELETED || t->growth_left == 0)
            return u64_put_rest(m, key, val);
        t->growth_left--;
        *sw_u64_key(s, SW_TABLE_HEAD) = key;
        *sw_u64_val(s, SW_TABLE_HEAD) = val;
        c[SW_TABLE_HEAD - 1] = (uint8_t)w.hb;
        m->used++;
        return SWISS_OK;
    }
}

/* A delete's "not there", out of line: returned in line, false and the
 * found path's true would meet in one return block, and the found path
 * would carry its result in another register than the one that returns it
 * (the map's pointer holds a0 until the emptied test). */
static __attribute__((noinline)) bool u64_absent(void)
{
    return false;
}

/* The last entry gone: Go reseeds the map.  Reached by a tail call, so that
 * delete makes no call of its own. */
static __attribute__((noinline)) bool u64_emptied(struct swiss *m)
{
    sw_reseed(m);
    return true;
}

/* swiss_delete_u64 off its fast path: the contract's refusals, a delete
 * inside a write, and the small map, which always empties the slot. */
static __attribute__((noinline)) bool u64_delete_rest(struct swiss *m, uint64_t key)
{
    if (m == NULL || m->general || m->used == 0)
        return false;
    if (m->writing) { /* write_begin's refusal; nothing below can re-enter */
        m->misuse++;
        return false;
    }
    uint8_t *c; /* a map with entries and no table has the small group */
    uint64_t *v = u64_small_find(m, key, &c);
    if (v == NULL)
        return false;
    c[-1] = CTRL_EMPTY; /* the small map's group: head 0 */
    if (--m->used == 0)
        return u64_emptied(m);
    return true;
}

/* delete_hashed (swiss.c) for 8-byte keys in a table. */
bool swiss_delete_u64(struct swiss *m, uint64_t key)
{
    uint64_t gate;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return u64_delete_rest(m, key);
    uint64_t hash = sw_u64_hash(m, key);
    struct swiss_table *t = sw_table_at(m, hash, gate);
    struct sw_u64_swar w = sw_u64_swar_of(m, hash);
    uint64_t ctrl;
    uint8_t *c;
    uint64_t *v = sw_u64_probe(&t, hash, key, &w, true, &ctrl, &c);
    if (v == NULL)
        return u64_absent();
    /* Empty when the group has an empty slot, else a tombstone (see
     * delete_hashed). */
    if (sw_match_empty(ctrl, w.msb) != 0) {
        c[SW_TABLE_HEAD - 1] = CTRL_EMPTY;
        t->growth_left++;
    } else {
        c[SW_TABLE_HEAD - 1] = CTRL_DELETED;
        t->tombstones++;
        m->tombstone_possible = true;
    }
    if (--m->used == 0)
        return u64_emptied(m);
    return true;
}
