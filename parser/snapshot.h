/* snapshot.h - one parsed view of libreswan's status, immutable once built.
 *
 * The parser (parser.h) builds a snapshot from status text; everything else
 * (the SNMP tables, lswstat, the diff that drives notifications) only reads
 * it. All strings and arrays belong to the snapshot and live until
 * lsw_snapshot_free(). A snapshot is never edited after the parser hands it
 * out, so any number of threads may read it at once.
 *
 * Every string is valid UTF-8 without control characters, ready for an
 * SnmpAdminString: text that was not (a peer's ID or XAUTH username, most
 * often) holds \xNN for each such byte (utf8.h, VIOLATIONS.md).
 *
 * Words are libreswan's: a "state" is an IKE SA or a Child SA, each with a
 * serial number (#N, 0 = none); a connection has a name and, for instances
 * of a template, an instance suffix ("[1]", "[1][2]").
 */
#ifndef LSW_SNAPSHOT_H
#define LSW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A numeric field that the text did not carry. */
#define LSW_ABSENT (-1)

/* Normalized state of an SA, the same for every release. */
enum lsw_sa_state {
	LSW_SA_NEGOTIATING = 1, /* on its way up (STATE_MAIN_I1, "sent IKE_SA_INIT request", ...) */
	LSW_SA_ESTABLISHED = 2, /* established (STATE_V2_ESTABLISHED_*, STATE_QUICK_I2, ...) */
	LSW_SA_OTHER = 3,       /* deleting, zombie, informational, unknown */
};

enum lsw_ike_version {
	LSW_IKE_UNKNOWN = 0,
	LSW_IKEV1 = 1,
	LSW_IKEV2 = 2,
};

/* Initiator or responder, when the state name tells (STATE_MAIN_I3, STATE_PARENT_R2). */
enum lsw_role {
	LSW_ROLE_UNKNOWN = 0,
	LSW_ROLE_INITIATOR = 1,
	LSW_ROLE_RESPONDER = 2,
};

/* A connection's operational status, derived from its SAs (see lsw_connection). */
enum lsw_conn_oper {
	LSW_CONN_DOWN = 1,       /* no SA at all */
	LSW_CONN_CONNECTING = 2, /* some SA, but no established Child SA */
	LSW_CONN_UP = 3,         /* at least one established Child SA */
};

/* What kind of connection a row is (pluto's CK_PERMANENT, CK_TEMPLATE or
 * CK_GROUP, CK_INSTANCE), from what the status prints: see classify() in
 * snapshot.c. */
enum lsw_conn_kind {
	LSW_KIND_PERMANENT = 1,
	LSW_KIND_TEMPLATE = 2, /* instantiated per peer: never up itself */
	LSW_KIND_INSTANCE = 3, /* "NAME"[N] */
};

/* What the configuration asks of a connection (auto=), from its policy:
 * +UP (auto=start, every release), +ROUTE (auto=route/ondemand, 5.x),
 * GROUTED or routing "prospective erouted" (auto=route before 5.0). */
enum lsw_conn_admin {
	LSW_ADMIN_START = 1,
	LSW_ADMIN_ONDEMAND = 2,
	LSW_ADMIN_ADD = 3,
};

/* Child SA encapsulation mode: tunnel when the SPI line has tun.0@ pairs. */
enum lsw_mode {
	LSW_MODE_UNKNOWN = 0,
	LSW_MODE_TUNNEL = 1,
	LSW_MODE_TRANSPORT = 2,
};

/* An IP address as parsed; family 0 when the text held none (%any,
 * %opportunistic, <address>, a DNS name, a sanitized placeholder). */
struct lsw_addr {
	int family; /* 0, AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

/* A timer event of a state: "EVENT_SA_REPLACE in 27s" -> {"EVENT_SA_REPLACE", 27}.
 * seconds is LSW_ABSENT when sanitized ("XXs"). Names are kept as printed. */
struct lsw_event {
	const char *name;
	long seconds;
};

/* SPIs of one protocol of a Child SA; spi values are host order. */
struct lsw_spi_pair {
	bool present; /* the SPI line named this protocol */
	uint32_t in;  /* inbound SPI (SAID @local) */
	uint32_t out; /* outbound SPI (SAID @peer) */
};

struct lsw_connection {
	const char *name;       /* without quotes */
	const char *instance;   /* printed suffix: "" or "[3]" or "[1][2]"; never NULL */
	const char *local_host; /* as printed (address, %any, %dns..., ...); NULL when absent */
	const char *remote_host;
	struct lsw_addr local_addr; /* parsed from local_host when it is an address */
	struct lsw_addr remote_addr;
	const char *local_id; /* "@west", "C=CA, ST=...", NULL when the host address is the ID */
	const char *remote_id;
	const char *local_client; /* subnet / selector ("192.0.1.0/24"), NULL when none */
	const char *remote_client;
	const char *routing; /* as printed: "erouted", "routed-tunnel", "unrouted", ... */
	bool routed_tunnel; /* routing means "tunnel up" (erouted / routed-tunnel / unrouted-tunnel)
	                     */
	enum lsw_ike_version ike_version;
	const char *policy;       /* "IKEv2+PSK+ENCRYPT+TUNNEL+..." as printed, NULL when absent */
	uint32_t newest_ike_sa;   /* newest ISAKMP/IKE SA serial, 0 = none */
	uint32_t newest_child_sa; /* newest IPsec/Child SA serial, 0 = none */
	uint32_t eroute_owner;    /* serial owning the kernel policy, 0 = none */
	const char *ike_alg_newest; /* "IKEv2 algorithm newest: ..." value, NULL when absent */
	const char *esp_alg_newest; /* "ESP algorithm newest: ..." value, NULL when absent */
	/* The configured lifetimes of the "ike_life: Ns; ipsec_life: Ns; ...
	 * rekey_margin: Ns;" line (ikelifetime=, salifetime=, rekeymargin=),
	 * in seconds; LSW_ABSENT when not printed. */
	long ike_life, ipsec_life, rekey_margin;

	/* Derived by the parser from the SAs of the snapshot: */
	enum lsw_conn_oper oper;
	enum lsw_conn_kind kind;   /* from the instance, its siblings, the remote host */
	enum lsw_conn_admin admin; /* from the policy flags and routing */
	size_t n_ike_sas;          /* IKE SAs naming this connection */
	size_t n_child_sas;        /* Child SAs naming this connection */
	uint64_t in_bytes;         /* sum over its Child SAs (this snapshot only) */
	uint64_t out_bytes;
};

/* What an IKE SA and a Child SA share: both are libreswan states (one
 * struct state inside struct ike_sa and struct child_sa in pluto's
 * state.h). It is the first member of both, so code for the shared part
 * is written once and takes a struct lsw_sa *. */
struct lsw_sa {
	uint32_t serial;
	enum lsw_sa_state state; /* a Child SA named only by trafficstatus: ESTABLISHED */
	enum lsw_ike_version ike_version;
	enum lsw_role role;
	const char *connection; /* name, without quotes */
	const char *instance;   /* "" when none; never NULL */
	/* The snapshot's connection of that name and instance, NULL when the
	 * snapshot has none (trafficstatus or showstates alone). */
	const struct lsw_connection *conn;
	const char *peer; /* peer address as printed, NULL when absent */
	struct lsw_addr peer_addr;
	long peer_port;         /* LSW_ABSENT when absent or sanitized (EPHEM) */
	bool tcp;               /* "(tcp)" after the port */
	bool newest;            /* "newest ISAKMP", "newest IPSEC", "newest" */
	bool from_status;       /* seen in a --status/--showstates line */
	const char *state_name; /* "STATE_V2_ESTABLISHED_IKE_SA"; the story in 5.4, which
	                           prints no name; NULL when only trafficstatus named it */
	const char *story;      /* "(established IKE SA)" without parens; NULL when not printed */
	size_t n_events;
	const struct lsw_event *events;
};

struct lsw_ike_sa {
	struct lsw_sa sa;
	long lastdpd; /* "lastdpd=Ns" seconds, LSW_ABSENT when not printed */
};

struct lsw_child_sa {
	struct lsw_sa sa;
	uint32_t ike_sa; /* parent IKE/ISAKMP SA serial, 0 when not printed */
	bool eroute_owner;
	struct lsw_spi_pair esp, ah, ipcomp;
	enum lsw_mode mode;
	bool has_bytes;   /* in_bytes/out_bytes known */
	bool bytes_exact; /* from trafficstatus (exact), not the rounded ESPin=12KB */
	uint64_t in_bytes;
	uint64_t out_bytes;
	long long add_time;    /* epoch seconds, LSW_ABSENT when absent */
	const char *type;      /* trafficstatus type= ("ESP", "AH", ...), NULL when absent */
	const char *username;  /* XAUTH username, NULL when absent */
	const char *remote_id; /* trafficstatus id='...', NULL when absent */
	const char *lease;     /* trafficstatus lease=, NULL when absent */
	bool from_traffic;     /* seen in a --trafficstatus line */
};

/* The totals pluto prints itself; LSW_ABSENT where the text had none. */
struct lsw_totals {
	long conns_loaded, conns_routed, conns_active; /* Total IPsec connections: */
	long ike_total, ike_half_open, ike_open, ike_authenticated, ike_anonymous; /* IKE SAs: */
	long ipsec_total, ipsec_authenticated, ipsec_anonymous;                    /* IPsec SAs: */
};

/* Up to this many line numbers of not-understood lines are kept; all are counted. */
#define LSW_UNPARSED_LINES_KEPT 32

struct lsw_snapshot {
	/* The three arrays are never NULL, also when empty (n == 0). */
	/* Sorted by (name, instance) with strcmp. */
	size_t n_connections;
	const struct lsw_connection *connections;
	/* Sorted by serial. */
	size_t n_ike_sas;
	const struct lsw_ike_sa *ike_sas;
	size_t n_child_sas;
	const struct lsw_child_sa *child_sas;

	/* Built from a full listing (--status), or, when false, from the
	 * states alone (--showstates, lsw_parser_carry()): the connections,
	 * totals and pluto_version are then those of the last full listing,
	 * copied, and only what derives from the SAs is new. */
	bool full;
	struct lsw_totals totals;
	const char *pluto_version; /* when printed (5.x "pluto_version=", ...), else NULL */
	size_t lines;              /* lines read */
	size_t unparsed;           /* lines not understood (skipped) */
	size_t unparsed_line[LSW_UNPARSED_LINES_KEPT]; /* 1-based numbers of the first ones */
};

/* Free a snapshot and everything it owns; NULL is fine. */
void lsw_snapshot_free(struct lsw_snapshot *snap);

/* Lookups by stable key, O(log n); NULL when not there. The result
 * belongs to the snapshot. instance NULL means "". */
const struct lsw_connection *lsw_snapshot_find_connection(const struct lsw_snapshot *snap,
                                                          const char *name, const char *instance);
const struct lsw_ike_sa *lsw_snapshot_find_ike_sa(const struct lsw_snapshot *snap, uint32_t serial);
const struct lsw_child_sa *lsw_snapshot_find_child_sa(const struct lsw_snapshot *snap,
                                                      uint32_t serial);

/* Short words for enums ("established", "up", "IKEv2", "initiator", "tunnel"). Static strings. */
const char *lsw_sa_state_name(enum lsw_sa_state s);
const char *lsw_conn_oper_name(enum lsw_conn_oper o);
const char *lsw_conn_kind_name(enum lsw_conn_kind k);
const char *lsw_conn_admin_name(enum lsw_conn_admin a);

/* The admin status of a policy as pluto prints it ("IKEv2+PSK+...+UP+...")
 * and a routing state ("prospective erouted"); either may be NULL. */
enum lsw_conn_admin lsw_conn_admin_of(const char *policy, const char *routing);
const char *lsw_ike_version_name(enum lsw_ike_version v);
const char *lsw_role_name(enum lsw_role r);
const char *lsw_mode_name(enum lsw_mode m);

#endif
