/* mib_value.h - one column value of one row, before it becomes a varbind.
 *
 * The per-table mapping functions (lsw_conn_value(), ...) fill this from a
 * row; the handler turns it into the varbind. Strings point into the
 * snapshot, small binary values (an IP address, a DateAndTime) live in buf:
 * nothing is static, so two requests can never overwrite each other.
 */
#ifndef LSW_MIB_VALUE_H
#define LSW_MIB_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "mibindex.h"
#include "snapshot.h"

/* SnmpAdminString is SIZE (0..255): longer strings are cut there, at a
 * character boundary. */
#define LSW_ADMIN_STRING_MAX 255

struct lsw_value {
	u_char type;     /* ASN_INTEGER, ASN_OCTET_STR, ASN_COUNTER64, ... */
	long num;        /* INTEGER, Unsigned32, Gauge32, Counter32, TimeTicks */
	uint64_t u64;    /* Counter64 */
	const void *str; /* OCTET STRING: points into the snapshot or into buf */
	size_t len;
	uint8_t buf[16];
};

/* Setters for the mapping functions; each returns 0. */
int lsw_value_int(struct lsw_value *v, long n);
int lsw_value_typed(struct lsw_value *v, u_char type, long n);
int lsw_value_u64(struct lsw_value *v, uint64_t n);
/* SnmpAdminString: NULL is the empty string; cut at 255 octets or less,
 * never inside a UTF-8 character (lsw_utf8_cut()). */
int lsw_value_string(struct lsw_value *v, const char *s);
/* InetAddressType / InetAddress of a parsed address (family 0: unknown(0), ''). */
int lsw_value_addr_type(struct lsw_value *v, const struct lsw_addr *a);
int lsw_value_addr(struct lsw_value *v, const struct lsw_addr *a);
/* DateAndTime of epoch seconds: the 11-octet form in UTC (+0:0), the one
 * encoding of every DateAndTime we serve or send. -1 (no instance) when t
 * is LSW_ABSENT or negative: an all-zero DateAndTime (month 0) is not a
 * date. */
int lsw_value_date(struct lsw_value *v, long long t);
/* The TimeStamp (RFC 2579) of an event at monotonic time at (centiseconds,
 * lsw_mono_cs()) when the clock reads now and snmpd's sysUpTime is uptime:
 * uptime minus the event's age, 0 when the event is older than snmpd's
 * last start (or at is 0: none). Pure, for the unit tests. */
unsigned long lsw_timestamp_at(uint64_t at, uint64_t now, unsigned long uptime);
/* The TimeStamp of an event at monotonic time at, now being lsw_mono_cs(),
 * against snmpd's sysUpTime as the subagent knows it:
 * netsnmp_get_agent_uptime(), which net-snmp resets from the master's at
 * every AgentX response (Open, Register, each Ping: agentx_synch_input()),
 * so it starts again with a restarted snmpd. */
int lsw_value_timestamp(struct lsw_value *v, uint64_t at, uint64_t now);
/* TruthValue: true(1) / false(2). */
int lsw_value_bool(struct lsw_value *v, bool b);

/* Store v into a varbind. */
void lsw_value_to_varbind(const struct lsw_value *v, netsnmp_variable_list *var);

/* The row mapping of each table: 0 and *out set, or -1 when col is not a
 * readable column or the row has no value for it (the column is sparse:
 * no instance in that row, never a made-up sentinel). */
struct lsw_view;
struct lsw_conn_row;
int lsw_conn_value(const struct lsw_view *view, const struct lsw_conn_row *row, unsigned col,
                   struct lsw_value *out);
int lsw_ikesa_value(const struct lsw_ike_sa *sa, unsigned col, struct lsw_value *out);
int lsw_ipsecsa_value(const struct lsw_child_sa *sa, unsigned col, struct lsw_value *out);

/* The next timer event of an SA (the one due first), or NULL. */
const struct lsw_event *lsw_next_event(const struct lsw_event *events, size_t n);

#endif
