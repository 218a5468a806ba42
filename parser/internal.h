/* internal.h - what the parser's files share; not part of the API.
 *
 * The files call downwards only, never back up:
 *   lines.c (the parser object, split into lines, dispatch)
 *     -> conn.c, state.c, traffic.c, other.c (one kind of line each)
 *       -> records.c (find or make a record by key, intern strings)
 *         -> arena.c, maps.c, util.c, utf8.c (valid UTF-8 for what is stored)
 *   lines.c -> snapshot.c (records -> snapshot) -> arena.c, maps.c
 *   carry.c (connections of an earlier snapshot) -> records.c
 */
#ifndef LSW_PARSER_INTERNAL_H
#define LSW_PARSER_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parser.h"
#include "snapshot.h"

/* arena.c: bump allocator for the snapshot's strings and event arrays: one free at
 * the end and no per-string header, so memory stays close to what is kept. */
struct lsw_arena_block;
struct lsw_arena {
	struct lsw_arena_block *head;
};

void *lsw_arena_alloc(struct lsw_arena *a, size_t n);
char *lsw_arena_strndup(struct lsw_arena *a, const char *s, size_t n);
void lsw_arena_free(struct lsw_arena *a);

/* maps.c: serial -> SA: open addressing, val 0 = empty slot. Key and value side
 * by side: a probe reads one cache line. */
struct lsw_serial_slot {
	uint32_t key;
	uint32_t val; /* (index + 1) << 1 | is_child */
};
struct lsw_serial_map {
	struct lsw_serial_slot *slots;
	size_t cap, n;
	/* pluto numbers states 1, 2, 3 ...: serials in [dense_base, dense_base +
	 * dense_cap) are kept in a plain array (val, 0 = none), read in serial
	 * order without the hash's cache misses. The range grows only up to 4
	 * slots per SA (+ 4096), so memory stays bounded by the input. */
	uint32_t *dense;
	uint32_t dense_base;
	size_t dense_cap, dense_n;
};

/* (name, instance) -> connection index. */
struct lsw_conn_slot {
	uint32_t idx; /* index + 1, 0 = empty */
	uint32_t hash;
};
struct lsw_conn_map {
	struct lsw_conn_slot *slots;
	size_t cap, n;
};

/* The state names last looked up: a status repeats a few names thousands
 * of times, so most lookups end here instead of in a binary search. */
struct lsw_state_info;
struct lsw_state_memo {
	const struct lsw_state_info *info[4];
	size_t len[4];
	unsigned next;
};

/* Strings recently stored, by a hash of length and a few bytes: a status
 * repeats the same policy, algorithms, local host and ID, routing ... for
 * every connection, and those are then stored once. */
#define LSW_INTERN_SLOTS 256
struct lsw_intern {
	const char *s;
	size_t n;
};

struct lsw_parser {
	struct lsw_arena arena;
	struct lsw_intern intern[LSW_INTERN_SLOTS];
	bool oom;
	bool carried; /* lsw_parser_carry(): connections from an earlier snapshot */
	/* per carried connection (the first n_carried): an instance that had
	 * SAs in that snapshot (carry.c drops it when it has none now) */
	bool *carried_had_sa;
	size_t n_carried;

	char *carry;                 /* the unfinished last line of the previous feed */
	size_t carry_len, carry_cap; /* carry_cap <= LSW_LINE_MAX + 1 */
	bool skipping;               /* in a line past LSW_LINE_MAX: its bytes are dropped */
	char *scratch; /* NUL-terminated copy of the current line (<= LSW_LINE_MAX + 1) */
	size_t scratch_cap;
	const char *line_end; /* the NUL of that copy (after trailing blanks are cut) */
	char *name_buf;       /* a connection name escaped for lookup (records.c) */
	size_t name_buf_cap;

	size_t lines, unparsed;
	size_t unparsed_line[LSW_UNPARSED_LINES_KEPT];

	struct lsw_connection *conns;
	size_t n_conns, cap_conns;
	struct lsw_ike_sa *ikes;
	size_t n_ikes, cap_ikes;
	struct lsw_child_sa *childs;
	size_t n_childs, cap_childs;
	struct lsw_serial_map sa_map;
	struct lsw_conn_map conn_map;
	/* per IKE / Child SA: index + 1 of its connection when it was known as
	 * the SA was made, else 0 (derive() then looks it up by name) */
	uint32_t *ike_conn, *child_conn;
	size_t cap_ike_conn, cap_child_conn;
	/* the connection the previous new SA named (SAs of one come together) */
	long sa_conn;
	size_t sa_name_len, sa_inst_len;

	struct lsw_totals totals;
	const char *pluto_version;
	/* the connection of the previous connection line: a block of ~25
	 * lines names the same one, so most lookups end here */
	long last_conn;
	size_t last_name_len, last_inst_len;
	struct lsw_state_memo token_memo, story_memo;
	/* '"NAME"[N]:' as the last connection line printed it, for the
	 * connection at index prefix_conn: the detail lines that follow start
	 * with the same bytes, which then name the same connection */
	char *conn_prefix;
	size_t conn_prefix_len, conn_prefix_cap;
	long prefix_conn;
	/* the (interned) address string parsed last, and its address */
	const char *addr_str;
	size_t addr_len;
	struct lsw_addr addr;
	/* the policy last looked at for NEVER_NEGOTIATE, and the answer */
	const char *shunt_policy;
	bool shunt;
};

/* What a line meant. */
enum lsw_line_result {
	LSW_LINE_UNKNOWN = 0,
	LSW_LINE_KNOWN = 1,
};

/* A connection reference at the start of a state/traffic/connection line:
 * "NAME"[N][M]. */
struct lsw_conn_ref {
	const char *name;
	size_t name_len;
	const char *inst;
	size_t inst_len;
};

/* util.c */
/* s past prefix when s starts with it, else NULL. A byte loop, not
 * strncmp: most calls fail on the first byte, where a libc call (and its
 * setup) costs ten times the compare; it stops at s's NUL like strncmp. */
static inline const char *lsw_skip_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (*s != *prefix)
			return NULL;
	return s;
}
/* n bytes of a and b equal; for the short names and tokens compared per
 * line, where a memcmp call costs more than the loop. */
static inline bool lsw_mem_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}
/* n bytes of a and b equal, both at least n long: 8 bytes per compare
 * (fixed-size memcpy is a plain load), no call. */
static inline bool lsw_eq_words(const char *a, const char *b, size_t n)
{
	uint64_t x, y, x2, y2;

	if (n >= 8 && n <= 16) {
		/* two overlapping words cover it (names, prefixes, addresses) */
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + n - 8, 8);
		memcpy(&y2, b + n - 8, 8);
		return x == y && x2 == y2;
	}
	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	for (; n; a++, b++, n--)
		if (*a != *b)
			return false;
	return true;
}
/* Decimal numbers at *pp; *pp is moved past them. false (and *pp kept) on
 * no digit or overflow. Inline: a status has several per line. */
static inline bool lsw_parse_u64(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	/* 19 digits cannot overflow: no check on those */
	for (int i = 0; i < 19 && *p >= '0' && *p <= '9'; i++, p++)
		v = v * 10 + (unsigned)(*p - '0');
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		/* v * 10 + d > UINT64_MAX, without a division per digit */
		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	*pp = p;
	return true;
}

static inline bool lsw_parse_u32(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint64_t v;

	if (!lsw_parse_u64(&p, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	*pp = p;
	return true;
}

static inline bool lsw_parse_long(const char **pp, long *out)
{
	const char *p = *pp;
	bool neg = *p == '-';
	uint64_t v;

	if (neg)
		p++;
	if (!lsw_parse_u64(&p, &v) || v > (uint64_t)LONG_MAX)
		return false;
	*out = neg ? -(long)v : (long)v;
	*pp = p;
	return true;
}
const char *lsw_parse_conn_ref(const char *s, const char *limit, struct lsw_conn_ref *ref);
void lsw_parse_addr(const char *s, size_t n, struct lsw_addr *out);
/* lsw_parse_addr() of a string stored in the arena (never changed, so its
 * address names its text): an IKE SA and its Child SA share the peer. */
void lsw_parse_stored_addr(struct lsw_parser *p, const char *s, size_t n, struct lsw_addr *out);
const char *lsw_peer_address(const char *s, size_t n, size_t *len);
bool lsw_is_blank(const char *s);
/* The first n bytes lit in s..end (strstr within a known end, no NUL
 * scan), or NULL; LSW_FIND for a string literal. */
const char *lsw_find(const char *s, const char *end, const char *lit, size_t n);
#define LSW_FIND(s, end, lit) lsw_find((s), (end), (lit), sizeof(lit) - 1)
/* The first ", " in s..end (strstr without the NUL scan), or NULL. */
const char *lsw_find_sep(const char *s, const char *end);
/* The first " Traffic:" in s..end (strstr without the NUL scan), or NULL. */
const char *lsw_find_traffic(const char *s, const char *end);

/* maps.c (the map structs are above) */
int lsw_serial_map_get(const struct lsw_serial_map *m, uint32_t serial, size_t *idx, bool *child);
int lsw_serial_map_put(struct lsw_serial_map *m, uint32_t serial, size_t idx, bool child);
void lsw_serial_map_free(struct lsw_serial_map *m);
long lsw_conn_map_get(const struct lsw_conn_map *m, const struct lsw_connection *conns,
                      const char *name, size_t name_len, const char *inst, size_t inst_len);
int lsw_conn_map_put(struct lsw_conn_map *m, const struct lsw_connection *conns, size_t idx);
void lsw_conn_map_free(struct lsw_conn_map *m);

/* records.c: find or make. NULL when out of memory (p->oom is then set) or
 * when the serial is already a different kind of SA. */
struct lsw_connection *lsw_get_conn(struct lsw_parser *p, const struct lsw_conn_ref *ref);
/* The IKE SA (child false) or Child SA (child true) of that serial; its
 * struct lsw_ike_sa or lsw_child_sa is around it (sa is the first member,
 * see lsw_ike_of()/lsw_child_of()). */
struct lsw_sa *lsw_get_sa(struct lsw_parser *p, uint32_t serial, const struct lsw_conn_ref *ref,
                          bool child);
static inline struct lsw_ike_sa *lsw_ike_of(struct lsw_sa *sa)
{
	return (struct lsw_ike_sa *)sa; /* NULL stays NULL: sa is at offset 0 */
}
static inline struct lsw_child_sa *lsw_child_of(struct lsw_sa *sa)
{
	return (struct lsw_child_sa *)sa;
}
const char *lsw_strdup(struct lsw_parser *p, const char *s, size_t n);

/* Line handlers (conn.c, state.c, traffic.c, other.c), called by lines.c:
 * return LSW_LINE_KNOWN when the line was understood. */
enum lsw_line_result lsw_line_conn(struct lsw_parser *p, const char *s);
/* s..end (a raw line, no NUL in it, after the whack RC prefix) is a detail
 * line of the connection the previous line named that carries nothing the
 * snapshot keeps: lsw_line_conn() would only say LSW_LINE_KNOWN. Lets the
 * most frequent lines skip the copy and the dispatch. */
bool lsw_conn_detail_skip(const struct lsw_parser *p, const char *s, const char *end);
enum lsw_line_result lsw_line_sa(struct lsw_parser *p, const char *s);
enum lsw_line_result lsw_line_state(struct lsw_parser *p, uint32_t serial,
                                    const struct lsw_conn_ref *ref, const char *rest);
enum lsw_line_result lsw_line_spi(struct lsw_parser *p, uint32_t serial,
                                  const struct lsw_conn_ref *ref, const char *rest);
enum lsw_line_result lsw_line_traffic(struct lsw_parser *p, uint32_t serial,
                                      const struct lsw_conn_ref *ref, const char *rest);
enum lsw_line_result lsw_line_other(struct lsw_parser *p, const char *s);

/* carry.c: after derive(), drop the carried instances whose SAs are all
 * gone (pluto deletes an unused instance), keeping the SAs' links. */
void lsw_carry_drop_unused(struct lsw_parser *p);

/* snapshot.c */
struct lsw_snapshot *lsw_build_snapshot(struct lsw_parser *p);

#endif
