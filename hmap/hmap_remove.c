/* SPDX-License-Identifier: MIT */
/*
 * hmap_remove.c - delete with the error-code convention: hmap_delete and
 * hmap_delete_u64 answer false both for a key that is not there and for a
 * call refused from inside a write; hmap_remove and hmap_remove_u64 tell
 * the two apart (HMAP_ERR_NOT_FOUND, HMAP_ERR_BUSY), and say why an 8-byte
 * call does not apply (HMAP_ERR_SIZE).  They are the delete calls, after the
 * one test that the bool cannot report: a refusal counts as misuse exactly
 * as the delete's own refusal does.
 */
#include "hmap_internal.h"

int hmap_remove(struct hmap *m, const void *key)
{
    if (m == NULL || key == NULL)
        return HMAP_ERR_ARG;
    if (m->writing) {
        m->misuse++;
        return HMAP_ERR_BUSY;
    }
    return hmap_delete(m, key) ? HMAP_OK : HMAP_ERR_NOT_FOUND;
}

int hmap_remove_u64(struct hmap *m, uint64_t key)
{
    if (m == NULL)
        return HMAP_ERR_ARG;
    if (!m->fast64)
        return HMAP_ERR_SIZE;
    if (m->writing) {
        m->misuse++;
        return HMAP_ERR_BUSY;
    }
    return hmap_delete_u64(m, key) ? HMAP_OK : HMAP_ERR_NOT_FOUND;
}
