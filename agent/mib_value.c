/* mib_value.c - typed column values and their varbinds. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mib_value.h"
#include "utf8.h"

int lsw_value_typed(struct lsw_value *v, u_char type, long n)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->num = n;
	return 0;
}

int lsw_value_int(struct lsw_value *v, long n)
{
	return lsw_value_typed(v, ASN_INTEGER, n);
}

int lsw_value_u64(struct lsw_value *v, uint64_t n)
{
	memset(v, 0, sizeof(*v));
	v->type = ASN_COUNTER64;
	v->u64 = n;
	return 0;
}

int lsw_value_string(struct lsw_value *v, const char *s)
{
	memset(v, 0, sizeof(*v));
	v->type = ASN_OCTET_STR;
	v->str = s ? s : "";
	/* the parser stores valid UTF-8: cut where no character is split */
	v->len =
	    s ? lsw_utf8_cut(s, strnlen(s, LSW_ADMIN_STRING_MAX + 1), LSW_ADMIN_STRING_MAX) : 0;
	return 0;
}

int lsw_value_bool(struct lsw_value *v, bool b)
{
	return lsw_value_int(v, b ? 1 : 2);
}

int lsw_value_addr_type(struct lsw_value *v, const struct lsw_addr *a)
{
	/* InetAddressType: unknown(0), ipv4(1), ipv6(2) */
	return lsw_value_int(v, a->family == AF_INET ? 1 : a->family == AF_INET6 ? 2 : 0);
}

int lsw_value_addr(struct lsw_value *v, const struct lsw_addr *a)
{
	memset(v, 0, sizeof(*v));
	v->type = ASN_OCTET_STR;
	v->len = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
	memcpy(v->buf, a->bytes, v->len);
	v->str = v->buf;
	return 0;
}

int lsw_value_date(struct lsw_value *v, long long t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	memset(v, 0, sizeof(*v));
	v->type = ASN_OCTET_STR;
	v->str = v->buf;
	if (t < 0 || gmtime_r(&tt, &tm) == NULL)
		return -1;
	/* DateAndTime: year (2 octets, network order), month, day, hour, min,
	 * sec, deci-sec, then direction from UTC, hours, minutes. The 8-octet
	 * form would mean local time (RFC 2579); ours is UTC, so say so. */
	v->buf[0] = (uint8_t)((tm.tm_year + 1900) >> 8);
	v->buf[1] = (uint8_t)((tm.tm_year + 1900) & 0xff);
	v->buf[2] = (uint8_t)(tm.tm_mon + 1);
	v->buf[3] = (uint8_t)tm.tm_mday;
	v->buf[4] = (uint8_t)tm.tm_hour;
	v->buf[5] = (uint8_t)tm.tm_min;
	v->buf[6] = (uint8_t)tm.tm_sec;
	v->buf[7] = 0;
	v->buf[8] = '+';
	v->buf[9] = 0;
	v->buf[10] = 0;
	v->len = 11;
	return 0;
}

void lsw_value_to_varbind(const struct lsw_value *v, netsnmp_variable_list *var)
{
	switch (v->type) {
	case ASN_OCTET_STR:
		snmp_set_var_typed_value(var, ASN_OCTET_STR, v->str, v->len);
		break;
	case ASN_COUNTER64: {
		struct counter64 c = {.high = (u_long)(v->u64 >> 32),
		                      .low = (u_long)(v->u64 & 0xffffffffu)};

		snmp_set_var_typed_value(var, ASN_COUNTER64, &c, sizeof(c));
		break;
	}
	case ASN_INTEGER: {
		long n = v->num;

		snmp_set_var_typed_value(var, ASN_INTEGER, &n, sizeof(n));
		break;
	}
	default: {
		/* Unsigned32 / Gauge32 / Counter32 / TimeTicks: net-snmp wants a u_long. */
		u_long n = (u_long)v->num;

		snmp_set_var_typed_value(var, v->type, &n, sizeof(n));
		break;
	}
	}
}

const struct lsw_event *lsw_next_event(const struct lsw_event *events, size_t n)
{
	const struct lsw_event *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (best == NULL ||
		    (events[i].seconds != LSW_ABSENT &&
		     (best->seconds == LSW_ABSENT || events[i].seconds < best->seconds)))
			best = &events[i];
	}
	return best;
}

unsigned long lsw_timestamp_at(uint64_t at, uint64_t now, unsigned long uptime)
{
	uint64_t age;

	if (at == 0 || at > now)
		return at == 0 ? 0 : uptime; /* a clock read before at: age 0 */
	age = now - at;
	/* TimeTicks are 32 bits: sysUpTime wraps after 497 days, and so do we */
	return age > uptime ? 0 : (unsigned long)((uptime - age) & 0xffffffffu);
}

int lsw_value_timestamp(struct lsw_value *v, uint64_t at, uint64_t now)
{
	return lsw_value_typed(v, ASN_TIMETICKS,
	                       (long)lsw_timestamp_at(at, now, netsnmp_get_agent_uptime()));
}
