/* parser.h - libreswan status text in, snapshot out. No I/O, no globals.
 *
 * Feed any mix of `ipsec whack --status`, `--trafficstatus`, `--showstates`,
 * `--briefstatus` and `connectionstatus` output, from 3.x to 5.x, in any
 * order and in pieces of any size: each line is understood on its own and
 * lines that say something about the same SA (by serial) or connection (by
 * name + instance) are merged. Lines it does not know are counted and
 * skipped. Trafficstatus byte counts are exact and win over the rounded
 * ESPin=12KB of a status SPI line.
 */
#ifndef LSW_PARSER_H
#define LSW_PARSER_H

#include <stddef.h>

#include "snapshot.h"

struct lsw_parser;

/* The longest line read, in bytes without its newline. A longer line is
 * counted in the snapshot's unparsed lines and none of it is kept: the
 * parser's memory for a line stays bounded whatever the input. */
#define LSW_LINE_MAX 65536

/* A new parser; NULL when out of memory. */
struct lsw_parser *lsw_parser_new(void);

/* Feed len bytes; a line may be split across calls. Returns 0, or -1 when
 * out of memory (the parser must then only be freed). */
int lsw_parser_feed(struct lsw_parser *p, const char *buf, size_t len);

/* End the current input: a last line without a newline is taken as a
 * whole line now, so it does not run into the first line of the next
 * input fed (a second file, trafficstatus after status). No-op at a line
 * start. Returns 0, or -1 when out of memory (then only free). */
int lsw_parser_end_input(struct lsw_parser *p);

/* Finish (a last line without newline counts) and return the snapshot,
 * owned by the caller (lsw_snapshot_free()). Frees the parser whatever
 * happens. NULL only when out of memory. */
struct lsw_snapshot *lsw_parser_finish(struct lsw_parser *p);

/* A partial listing (`whack --showstates`: the states only) is coming:
 * take from's connections, pluto's totals and version as this snapshot's
 * (copied: from is only read during the call, and may be NULL for none).
 * What the SAs say of a connection (oper, SA counts, bytes, newest IKE and
 * Child SA and eroute owner from the states' "newest" and "eroute owner")
 * is derived from the SAs fed after, and the snapshot says full = false.
 * Call before any feed. 0, or -1 when out of memory (then only free). */
int lsw_parser_carry(struct lsw_parser *p, const struct lsw_snapshot *from);

/* Lines read so far, and how many of them were not understood: a caller
 * feeding two texts tells each one's by asking between them. */
void lsw_parser_counts(const struct lsw_parser *p, size_t *lines, size_t *unparsed);

/* Discard a parser without building a snapshot; NULL is fine. */
void lsw_parser_free(struct lsw_parser *p);

/* One-shot: parse len bytes of text. Caller owns the result. */
struct lsw_snapshot *lsw_parse(const char *text, size_t len);

#endif
