/* SPDX-License-Identifier: MIT */
/*
 * hmap_table.c - bucket arrays and overflow buckets, in arena pages.  What
 * a table is and where its overflow buckets come from (the array's tail,
 * then chunks of pages): docs/design.md.
 *
 * Chunks are linked through their first word, so that they can be given
 * back when the table goes (growth's end, clear, reset), never one by one.
 *
 * Free-list buckets are linked through their overflow field and have an
 * all-EMPTY_REST tophash, so a bucket taken from the list is ready to link.
 */
#include "hmap_internal.h"

unsigned hm_b_for_hint(size_t hint)
{
    /* Stop at HM_B_LIMIT, which hmap_init refuses. */
    unsigned B = 0;
    while (B < HM_B_LIMIT && hint > load_max_for(B))
        B++;
    return B;
}

/* Buckets in the array run: regular ones, then the preallocated overflow. */
size_t hm_table_array_capacity(const struct hmap *m, const struct hmap_table *t)
{
    return (t->array_pages * arena_page_size(m->arena)) / m->bucket_size;
}

size_t hm_table_pages(const struct hmap_table *t)
{
    return t->array_pages + t->chunk_pages;
}

/* Put buckets [first, first + n) of a run on t's free list, zeroed, so that
 * the lowest address is taken first. */
static void push_free(const struct hmap *m, struct hmap_table *t,
                      uint8_t *first, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        uint8_t *b = first + i * m->bucket_size;
        hm_store64(b, 0); /* all EMPTY_REST */
        set_overflow(m, b, t->free_ovf);
        t->free_ovf = b;
    }
    t->nfree_ovf += n;
}

void hm_table_limits(struct hmap_table *t)
{
    t->mask = t->load_max = t->overflow_max = 0;
    if (t->buckets == NULL)
        return;
    t->mask = bucket_mask(t->B);
    t->load_max = load_max_for(t->B);
    t->overflow_max = overflow_max_for(t->B);
}

size_t hm_array_pages(const struct hmap *m, unsigned B)
{
    size_t bytes;
    if (__builtin_mul_overflow(((size_t)1 << B) + prealloc_for(B), m->bucket_size, &bytes))
        return SIZE_MAX; /* more than any arena of this width: a growth to it fails */
    return arena_pages_for(m->arena, bytes);
}

size_t hm_table_chunk_pages(const struct hmap_table *t)
{
    size_t pages = 0;
    for (const uint8_t *c = t->chunks; c != NULL;) {
        struct chunk_header h = chunk_header_of(c);
        pages += h.npages;
        c = h.next;
    }
    return pages;
}

/* Every run the map takes goes through here, so that the map can say what
 * it last asked for (what a console names when the arena refuses it). */
ALWAYS_INLINE uint8_t *request_pages(struct hmap *m, size_t pages, bool overflow)
{
    m->last_request = overflow ? 0 - pages : pages; /* see struct hmap */
    return arena_alloc_pages(m->arena, pages);
}

int hm_table_make(struct hmap *m, struct hmap_table *t, unsigned B)
{
    size_t nb = (size_t)1 << B;
    size_t pages = hm_array_pages(m, B);
    uint8_t *p = request_pages(m, pages, false);
    if (p == NULL)
        return HMAP_ERR_NOMEM;

    *t = (struct hmap_table){.buckets = p, .array_pages = pages, .B = B};
    hm_table_limits(t);
    size_t bytes = nb * m->bucket_size; /* the regular buckets, then the spare */
    memset(p, 0, bytes);
    push_free(m, t, p + bytes, hm_table_array_capacity(m, t) - nb);
    return HMAP_OK;
}

int hm_table_reserve(struct hmap *m, struct hmap_table *t, size_t n)
{
    if (t->nfree_ovf >= n)
        return HMAP_OK;
    size_t want = CHUNK_HEADER + (n - t->nfree_ovf) * m->bucket_size;
    size_t pages = arena_pages_for(m->arena, want);
    uint8_t *c = request_pages(m, pages, true);
    if (c == NULL)
        return HMAP_ERR_NOMEM;

    struct chunk_header h = {.next = t->chunks, .npages = pages};
    memcpy(__builtin_assume_aligned(c, HM_BUCKET_ALIGN), &h, sizeof h); /* a page */
    t->chunks = c;
    t->chunk_pages += pages;
    size_t bytes = pages * arena_page_size(m->arena) - CHUNK_HEADER;
    push_free(m, t, c + CHUNK_HEADER, bytes / m->bucket_size);
    return HMAP_OK;
}

/* A draw of the map's random source (Go's fastrand, here per map):
 * xorshift64, whose state is never 0; Go's draw is its low 32 bits. */
ALWAYS_INLINE uint32_t overflow_draw(struct hmap *m)
{
    uint64_t x = m->ovf_rand;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    m->ovf_rand = x;
    return (uint32_t)x;
}

/* Go's incrnoverflow beside the exact count: from B = 16 on, a bucket Go
 * leaves out of its estimate (a draw whose low B - 15 bits are not all 0)
 * raises overflow_max instead, so that noverflow >= overflow_max is Go's
 * test on its estimate.  t->mask >> HM_OVERFLOW_CAP_B is Go's mask,
 * 2^(B-15) - 1 (where that passes 32 bits, its low 32 are all the draw
 * meets, as Go's 32-bit mask), and 0 below B = 16, where Go draws nothing. */
uint8_t *hm_table_new_overflow(struct hmap *m, struct hmap_table *t, uint8_t *b)
{
    uint8_t *ovf = t->free_ovf;
    t->free_ovf = bucket_overflow(m, ovf);
    t->nfree_ovf--;
    set_overflow(m, ovf, NULL);
    set_overflow(m, b, ovf);
    t->noverflow++;
    size_t go_mask = t->mask >> HM_OVERFLOW_CAP_B;
    if (go_mask != 0 && (overflow_draw(m) & go_mask) != 0)
        t->overflow_max++;
    return ovf;
}

/* The table forgets its runs before they go back, so that the map never
 * counts a page the arena has taken back (an arena observer, run inside
 * arena_free_pages, reads the map's bytes). */
ALWAYS_INLINE void free_chunks(const struct hmap *m, struct hmap_table *t)
{
    uint8_t *c = t->chunks;
    t->chunks = NULL;
    t->chunk_pages = 0;
    while (c != NULL) {
        struct chunk_header h = chunk_header_of(c); /* before the pages go */
        arena_free_pages(m->arena, c, h.npages);
        c = h.next;
    }
}

void hm_table_free(const struct hmap *m, struct hmap_table *t)
{
    free_chunks(m, t);
    size_t pages = t->array_pages;
    t->array_pages = 0;
    /* A table with no array frees NULL: the arena refuses it and changes
     * nothing (arena.h), which spares the minimal firmware a test. */
    (void)arena_free_pages(m->arena, t->buckets, pages);
    *t = (struct hmap_table){.B = t->B};
}

void hm_table_clear(const struct hmap *m, struct hmap_table *t)
{
    free_chunks(m, t);
    size_t nb = (size_t)1 << t->B;
    memset(t->buckets, 0, nb * m->bucket_size);
    t->free_ovf = NULL;
    t->nfree_ovf = 0;
    t->noverflow = 0;
    hm_table_limits(t); /* overflow_max: no bucket left out of Go's count */
    push_free(m, t, bucket_at(m, t, nb), hm_table_array_capacity(m, t) - nb);
}
