/* SPDX-License-Identifier: MIT */
/*
 * noise.c - hostile console input from a fixed seed (see noise.h for the
 * guarantee that none of it can run a command that changes anything).
 *
 * The noise is a run of segments, each of one kind picked at random with
 * the weights below.  Every byte a segment draws at random goes through
 * draw_allowed (rejection: a forbidden byte is drawn again); the bytes of
 * fixed sequences (escape sequences, near-command words) go through gate(),
 * which replaces a forbidden byte with '_'.  Only seg_inject writes bytes
 * around the gate, and only whole command lines that change nothing: help,
 * get, and make lines that make refuses before allocating.
 */
#include "noise.h"

#include <string.h>

struct gen {
    char *buf;
    size_t n, cap;
    uint64_t rng;
    size_t injected;
};

bool noise_byte_allowed(unsigned char b)
{
    switch (b) {
    case 'e':
    case 'l':
    case 't':
    case 'E':
    case 'L':
    case 'T':
        return false;
    default:
        return true;
    }
}

static uint64_t next(struct gen *g)
{
    /* splitmix64 */
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t below(struct gen *g, size_t k)
{
    return (size_t)(next(g) % k);
}

/* Append one byte; past cap bytes are dropped (cannot happen when the
 * caller keeps noise.h's cap >= min_bytes + NOISE_SLACK). */
static void raw(struct gen *g, unsigned char b)
{
    if (g->n < g->cap)
        g->buf[g->n++] = (char)b;
}

static void gate(struct gen *g, unsigned char b)
{
    raw(g, noise_byte_allowed(b) ? b : '_');
}

static void gate_str(struct gen *g, const char *s)
{
    while (*s)
        gate(g, (unsigned char)*s++);
}

/* A random byte in [lo, hi] that is allowed. */
static unsigned char draw_allowed(struct gen *g, unsigned lo, unsigned hi)
{
    for (;;) {
        unsigned char b = (unsigned char)(lo + below(g, hi - lo + 1));
        if (noise_byte_allowed(b))
            return b;
    }
}

static void line_end(struct gen *g)
{
    static const char *const ends[] = {"\r", "\n", "\r\n", "\n\r", "\r\r", "\r\r\n", "\n\n"};
    gate_str(g, ends[below(g, sizeof ends / sizeof ends[0])]);
}

/* --- segments ---------------------------------------------------------------- */

static void seg_random(struct gen *g)
{
    for (size_t i = 1 + below(g, 48); i > 0; i--)
        raw(g, draw_allowed(g, 0x00, 0xff));
}

static void seg_run(struct gen *g, unsigned char b)
{
    for (size_t i = 1 + below(g, 16); i > 0; i--)
        raw(g, b);
}

static void seg_esc(struct gen *g)
{
    /* What terminals send (arrows, keypad, function keys, bracketed paste,
     * replies to queries) and a lone ESC.  Forbidden letters in them (e.g.
     * ESC [ ? 25 l) come out as '_' through gate(). */
    static const char *const seqs[] = {
        "\x1b[A",
        "\x1b[B",
        "\x1b[C",
        "\x1b[D",
        "\x1b[H",
        "\x1b[2J",
        "\x1b[K",
        "\x1b[1;5C",
        "\x1bOP",
        "\x1bOQ",
        "\x1b[200~",
        "\x1b[201~",
        "\x1b[?25h",
        "\x1b[?25l",
        "\x1b[6n",
        "\x1b[24;80R",
        "\x1b]0;tidemark\x07",
        "\x1b"
        "c",
        "\x1b[3~",
        "\x1b[15;2~",
        "\x1b",
        "\x1b\x1b[A",
        "\x1bP+q544e\x1b\\",
        "\x9b"
        "A",
    };
    for (size_t i = 1 + below(g, 3); i > 0; i--)
        gate_str(g, seqs[below(g, sizeof seqs / sizeof seqs[0])]);
}

static void seg_long(struct gen *g, size_t len)
{
    for (size_t i = 0; i < len; i++)
        raw(g, draw_allowed(g, 0x20, 0x7e));
    line_end(g);
}

/* Printable lines that look like commands: words that are command names
 * with their forbidden letters removed or replaced, random words, numbers
 * of every form the parser meets (decimal, hex, too large, signed, bad). */
static void seg_garbage(struct gen *g)
{
    static const char *const words[] = {
        "pu",
        "g",
        "ga",
        "s",
        "sa",
        "sas",
        "fi",
        "f",
        "d",
        "da",
        "dmo",
        "dm",
        "c",
        "cmpac",
        "comp",
        "rs",
        "r",
        "x",
        "ix",
        "bnch",
        "hp",
        "h",
        "pa",
        "rap",
        "sacks",
        "ok",
        "ERR",
        "STATS",
        "PUT",
        "HELP",
        "GET",
        "?",
        "quit",
        "q",
        "ls",
        "cd",
        "/bin/sh",
        "AT",
        "+++",
        "0",
        "1",
        "3",
        "5000",
        "0x",
        "0x1g",
        "0xffffffffffffffff",
        "18446744073709551616",
        "99999999999999999999",
        "-1",
        "+5",
        "1e9",
        "0b101",
        "1,000",
        "'",
        "\"",
        "\\",
        ";",
    };
    if (below(g, 4) == 0)
        for (size_t i = 1 + below(g, 3); i > 0; i--)
            raw(g, ' ');
    for (size_t w = 1 + below(g, 6); w > 0; w--) {
        if (below(g, 3) == 0) {
            for (size_t i = 1 + below(g, 10); i > 0; i--)
                raw(g, draw_allowed(g, 0x21, 0x7e));
        } else {
            gate_str(g, words[below(g, sizeof words / sizeof words[0])]);
        }
        for (size_t i = 1 + (below(g, 5) == 0 ? below(g, 3) : 0); i > 0; i--)
            raw(g, ' ');
    }
    line_end(g);
}

/* Characters and erasures mixed, sometimes more erasures than characters. */
static void seg_erase(struct gen *g)
{
    for (size_t i = 1 + below(g, 30); i > 0; i--) {
        if (below(g, 2) == 0)
            raw(g, draw_allowed(g, 0x20, 0x7e));
        else
            raw(g, below(g, 2) == 0 ? 0x08 : 0x7f);
    }
    if (below(g, 3) == 0)
        line_end(g);
}

static void seg_high(struct gen *g)
{
    for (size_t i = 1 + below(g, 16); i > 0; i--)
        raw(g, draw_allowed(g, 0x80, 0xfe));
}

static void seg_ctrl(struct gen *g)
{
    for (size_t i = 1 + below(g, 8); i > 0; i--) {
        unsigned char b = draw_allowed(g, 0x01, 0x1f);
        if (b != '\r' && b != '\n' && b != 0x08)
            raw(g, b);
    }
}

/* make lines make refuses before it allocates (an unknown generation
 * word, a hint that is no number): they change nothing, and answer alike
 * on every width (a hint out of range would quote the width's SIZE_MAX). */
static const char *const refused_makes[] = {
    "make swissy 1", "make bucket x", "make swiss bucket", "make swiss 0x", "make swiss -1"};
#define NREFUSED (sizeof refused_makes / sizeof refused_makes[0])

/* A whole read-only command line, around the gate (see noise.h). */
static void seg_inject(struct gen *g)
{
    char line[48];
    size_t kind = below(g, 8);
    if (kind == 0) {
        strcpy(line, "help");
    } else if (kind == 1) {
        /* make's generation words, only in lines it refuses before it
         * allocates anything (an unknown word, a hint too large to size),
         * so they change nothing either */
        strcpy(line, refused_makes[below(g, NREFUSED)]);
    } else {
        static const char *const fixed[] = {"5000", "3", "424242", "18446744073709551615"};
        size_t pick = below(g, 8);
        if (pick < 4) {
            strcpy(line, "get ");
            strcat(line, fixed[pick]);
        } else {
            /* a key the test's fill put (0..999) or just beyond it */
            size_t k = below(g, 1100);
            char num[24];
            size_t len = 0;
            do {
                num[len++] = (char)('0' + k % 10);
                k /= 10;
            } while (k);
            strcpy(line, "get ");
            size_t at = strlen(line);
            while (len)
                line[at++] = num[--len];
            line[at] = '\0';
        }
    }
    raw(g, '\n');
    for (const char *p = line; *p; p++)
        raw(g, (unsigned char)*p);
    raw(g, '\n');
    g->injected++;
}

/* --- the whole noise ------------------------------------------------------------ */

enum kind {
    RANDOM,
    NUL,
    FF,
    ESC,
    END,
    LONG,
    GARBAGE,
    ERASE,
    HIGH,
    CTRL,
    INJECT,
    NKINDS,
};

/* Relative weights of the kinds. */
static const unsigned weights[NKINDS] = {
    [RANDOM] = 10,
    [NUL] = 4,
    [FF] = 4,
    [ESC] = 6,
    [END] = 10,
    [LONG] = 1,
    [GARBAGE] = 20,
    [ERASE] = 8,
    [HIGH] = 5,
    [CTRL] = 5,
    [INJECT] = 2,
};

static enum kind pick_kind(struct gen *g)
{
    unsigned total = 0;
    for (int k = 0; k < NKINDS; k++)
        total += weights[k];
    unsigned r = (unsigned)below(g, total);
    for (int k = 0; k < NKINDS; k++) {
        if (r < weights[k])
            return (enum kind)k;
        r -= weights[k];
    }
    return GARBAGE;
}

static void tally(const char *buf, size_t n, struct noise_stats *st)
{
    size_t line = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        bool after_cr = i > 0 && buf[i - 1] == '\r';
        if (b == '\r' || (b == '\n' && !after_cr))
            st->line_ends++;
        if (b == '\r' || b == '\n') {
            if (line > st->longest_line)
                st->longest_line = line;
            if (line > 80)
                st->long_lines++;
            line = 0;
        } else {
            line++;
        }
        if (b == '\r' && (i + 1 == n || buf[i + 1] != '\n'))
            st->bare_cr++;
        st->nul += b == 0x00;
        st->ff += b == 0xff;
        st->esc += b == 0x1b;
        st->high += b >= 0x80 && b <= 0xfe;
        st->erase += b == 0x08 || b == 0x7f;
    }
}

size_t noise_make(uint64_t seed, size_t min_bytes, char *buf, size_t cap,
                  struct noise_stats *st)
{
    struct gen g = {.buf = buf, .cap = cap, .rng = seed};

    /* Each kind at least once, whatever the seed. */
    seg_long(&g, 16384);
    raw(&g, '\n');
    seg_run(&g, 0x00);
    raw(&g, '\n');
    seg_run(&g, 0xff);
    raw(&g, '\n');
    gate_str(&g, "\x1b[A\n");
    gate_str(&g, "ab\rcd\r");

    while (g.n < min_bytes) {
        switch (pick_kind(&g)) {
        case RANDOM: seg_random(&g); break;
        case NUL: seg_run(&g, 0x00); break;
        case FF: seg_run(&g, 0xff); break;
        case ESC: seg_esc(&g); break;
        case END: line_end(&g); break;
        case LONG: seg_long(&g, 81 + below(&g, 2500)); break;
        case GARBAGE: seg_garbage(&g); break;
        case ERASE: seg_erase(&g); break;
        case HIGH: seg_high(&g); break;
        case CTRL: seg_ctrl(&g); break;
        case INJECT: seg_inject(&g); break;
        case NKINDS: break;
        }
    }
    raw(&g, '\n');

    memset(st, 0, sizeof *st);
    st->bytes = g.n;
    st->injected = g.injected;
    tally(buf, g.n, st);
    return g.n;
}

/* Length of the injected line at buf[i] ("\n" cmd "\n"), or 0 if none. */
static size_t injected_at(const char *buf, size_t n, size_t i)
{
    if (n - i >= 6 && memcmp(buf + i, "\nhelp\n", 6) == 0)
        return 6;
    for (size_t r = 0; r < NREFUSED; r++) {
        size_t len = strlen(refused_makes[r]);
        if (n - i >= len + 2 && memcmp(buf + i + 1, refused_makes[r], len) == 0 &&
            buf[i + 1 + len] == '\n')
            return len + 2;
    }
    if (n - i < 7 || memcmp(buf + i, "\nget ", 5) != 0)
        return 0;
    size_t j = i + 5;
    while (j < n && buf[j] >= '0' && buf[j] <= '9')
        j++;
    if (j == i + 5 || j == n || buf[j] != '\n')
        return 0;
    return j + 1 - i;
}

size_t noise_check(const char *buf, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = buf[i] == '\n' ? injected_at(buf, n, i) : 0;
        if (len) {
            i += len;
            continue;
        }
        if (!noise_byte_allowed((unsigned char)buf[i]))
            return i;
        i++;
    }
    return n;
}
