/* mibindex.h - OIDs of LIBRESWAN-STATUS-MIB and the encoding of row indexes.
 *
 * One place for the numbers, so the tables (mib_*.c) and the notifications
 * (notify.c) build the same instance OIDs: a varbind is
 * column OID + row index, e.g. lsConnOperStatus."west"."" is
 *   LSW_OID_CONN_ENTRY, LSW_CONN_OPER_STATUS, 4,'w','e','s','t', 0
 */
#ifndef LSW_MIBINDEX_H
#define LSW_MIBINDEX_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/* enterprises.41286 (Libreswan Project) .1 (lsStatusMIB, proposed upstream) */
#define LSW_OID_STATUS_MIB       1, 3, 6, 1, 4, 1, 41286, 1
#define LSW_OID_NOTIFICATIONS    LSW_OID_STATUS_MIB, 0
#define LSW_OID_OBJECTS          LSW_OID_STATUS_MIB, 1
#define LSW_OID_SCALARS          LSW_OID_OBJECTS, 1
#define LSW_OID_CONN_TABLE       LSW_OID_OBJECTS, 2
#define LSW_OID_CONN_ENTRY       LSW_OID_CONN_TABLE, 1
#define LSW_OID_IKESA_TABLE      LSW_OID_OBJECTS, 3
#define LSW_OID_IKESA_ENTRY      LSW_OID_IKESA_TABLE, 1
#define LSW_OID_IPSECSA_TABLE    LSW_OID_OBJECTS, 4
#define LSW_OID_IPSECSA_ENTRY    LSW_OID_IPSECSA_TABLE, 1
#define LSW_OID_EVENTS           LSW_OID_OBJECTS, 5
#define LSW_OID_EVENT_LAST_INDEX LSW_OID_EVENTS, 1
#define LSW_OID_EVENT_TABLE      LSW_OID_EVENTS, 2
#define LSW_OID_EVENT_ENTRY      LSW_OID_EVENT_TABLE, 1
#define LSW_OID_KERNEL           LSW_OID_OBJECTS, 6
#define LSW_OID_XFRMSTAT_ENTRY   LSW_OID_KERNEL, 10, 1
#define LSW_OID_IKE              LSW_OID_OBJECTS, 7
#define LSW_OID_IKESTAT_ENTRY    LSW_OID_IKE, 10, 1

/* lsScalars columns (each instance is .0). */
enum lsw_scalar {
	LSW_SC_PLUTO_VERSION = 1,
	LSW_SC_COLLECTOR_STATUS,
	LSW_SC_SNAPSHOT_AGE,
	LSW_SC_POLL_SUCCESSES,
	LSW_SC_POLL_FAILURES,
	LSW_SC_UNPARSED_LINES,
	LSW_SC_CONN_COUNT,
	LSW_SC_IKESA_COUNT,
	LSW_SC_IPSECSA_COUNT,
	LSW_SC_PLUTO_IKESA_TOTAL,
	LSW_SC_PLUTO_IKESA_HALF_OPEN,
	LSW_SC_PLUTO_IKESA_OPEN,
	LSW_SC_PLUTO_IKESA_AUTHENTICATED,
	LSW_SC_PLUTO_IKESA_ANONYMOUS,
	LSW_SC_PLUTO_IPSECSA_TOTAL,
	LSW_SC_PLUTO_IPSECSA_AUTHENTICATED,
	LSW_SC_PLUTO_IPSECSA_ANONYMOUS,
	LSW_SC_PLUTO_CONNS_LOADED,
	LSW_SC_PLUTO_CONNS_ACTIVE,
	LSW_SC_LAST_ERROR,
	LSW_SC_LAST_POLL_TIME,
	LSW_SC_POLL_INTERVAL,
	LSW_SC_SNAPSHOT_LINES,
	LSW_SC_CONN_UP_COUNT,
	LSW_SC_TRAPS_SENT,
	LSW_SC_TRAPS_DROPPED,
	LSW_SC_CONNS_NOT_SERVED,
	LSW_SC_AGENT_START_TIME,
	LSW_SC_MAX = LSW_SC_AGENT_START_TIME,
};

/* lsConnEntry columns. */
enum lsw_conn_col {
	LSW_CONN_NAME = 1, /* index, not-accessible */
	LSW_CONN_INSTANCE, /* index, not-accessible */
	LSW_CONN_OPER_STATUS,
	LSW_CONN_LOCAL_ADDR_TYPE,
	LSW_CONN_LOCAL_ADDR,
	LSW_CONN_REMOTE_ADDR_TYPE,
	LSW_CONN_REMOTE_ADDR,
	LSW_CONN_LOCAL_HOST,
	LSW_CONN_REMOTE_HOST,
	LSW_CONN_LOCAL_ID,
	LSW_CONN_REMOTE_ID,
	LSW_CONN_LOCAL_SUBNET,
	LSW_CONN_REMOTE_SUBNET,
	LSW_CONN_IKE_VERSION,
	LSW_CONN_ROUTING,
	LSW_CONN_ROUTED_TUNNEL,
	LSW_CONN_POLICY,
	LSW_CONN_NEWEST_IKESA,
	LSW_CONN_NEWEST_IPSECSA,
	LSW_CONN_EROUTE_OWNER,
	LSW_CONN_IKE_ALGORITHM,
	LSW_CONN_ESP_ALGORITHM,
	LSW_CONN_IKESA_COUNT,
	LSW_CONN_IPSECSA_COUNT,
	LSW_CONN_IN_OCTETS,
	LSW_CONN_OUT_OCTETS,
	LSW_CONN_LAST_CHANGE,
	LSW_CONN_DISPLAY_NAME,
	LSW_CONN_NAME_TEXT,
	LSW_CONN_INSTANCE_TEXT,
	LSW_CONN_KIND,
	LSW_CONN_ADMIN_STATUS,
	LSW_CONN_COUNTER_DISCONTINUITY_TIME,
	LSW_CONN_IN_PKTS, /* 34: the kernel's (no instance without it) */
	LSW_CONN_OUT_PKTS,
	LSW_CONN_IKESA_REKEYS,
	LSW_CONN_IPSECSA_REKEYS,
	LSW_CONN_IKE_LIFETIME,
	LSW_CONN_IPSEC_LIFETIME,
	LSW_CONN_REKEY_MARGIN,
	LSW_CONN_COL_MIN = LSW_CONN_OPER_STATUS,
	LSW_CONN_COL_MAX = LSW_CONN_REKEY_MARGIN,
};

/* lsIkeSaEntry columns. */
enum lsw_ikesa_col {
	LSW_IKESA_SERIAL = 1, /* index, not-accessible */
	LSW_IKESA_CONN_NAME,
	LSW_IKESA_CONN_INSTANCE,
	LSW_IKESA_PEER_ADDR_TYPE,
	LSW_IKESA_PEER_ADDR,
	LSW_IKESA_PEER_PORT,
	LSW_IKESA_TRANSPORT,
	LSW_IKESA_STATE_NAME,
	LSW_IKESA_STATE,
	LSW_IKESA_IKE_VERSION,
	LSW_IKESA_ROLE,
	LSW_IKESA_NEWEST,
	LSW_IKESA_NEXT_EVENT,
	LSW_IKESA_NEXT_EVENT_SECONDS,
	LSW_IKESA_STORY,
	LSW_IKESA_LAST_DPD,
	LSW_IKESA_CREATED,
	LSW_IKESA_COL_MIN = LSW_IKESA_CONN_NAME,
	LSW_IKESA_COL_MAX = LSW_IKESA_CREATED,
};

/* lsIpsecSaEntry columns. */
enum lsw_ipsecsa_col {
	LSW_IPSECSA_SERIAL = 1, /* index, not-accessible */
	LSW_IPSECSA_IKESA,
	LSW_IPSECSA_CONN_NAME,
	LSW_IPSECSA_CONN_INSTANCE,
	LSW_IPSECSA_PEER_ADDR_TYPE,
	LSW_IPSECSA_PEER_ADDR,
	LSW_IPSECSA_STATE_NAME,
	LSW_IPSECSA_STATE,
	LSW_IPSECSA_NEWEST,
	LSW_IPSECSA_EROUTE_OWNER,
	LSW_IPSECSA_ESP_SPI_IN,
	LSW_IPSECSA_ESP_SPI_OUT,
	LSW_IPSECSA_AH_SPI_IN,
	LSW_IPSECSA_AH_SPI_OUT,
	LSW_IPSECSA_IPCOMP_CPI_IN,
	LSW_IPSECSA_IPCOMP_CPI_OUT,
	LSW_IPSECSA_MODE,
	LSW_IPSECSA_IN_OCTETS,
	LSW_IPSECSA_OUT_OCTETS,
	LSW_IPSECSA_OCTETS_EXACT,
	LSW_IPSECSA_ADD_TIME,
	LSW_IPSECSA_REMOTE_ID,
	LSW_IPSECSA_USERNAME,
	LSW_IPSECSA_LEASE,
	LSW_IPSECSA_NEXT_EVENT,
	LSW_IPSECSA_NEXT_EVENT_SECONDS,
	LSW_IPSECSA_STORY,
	LSW_IPSECSA_ROLE,
	LSW_IPSECSA_CREATED,
	LSW_IPSECSA_KERNEL_STATE, /* 30..35: the kernel's XFRM state */
	LSW_IPSECSA_IN_PKTS,
	LSW_IPSECSA_OUT_PKTS,
	LSW_IPSECSA_REPLAY_ERRORS,
	LSW_IPSECSA_REPLAY_WINDOW_ERRORS,
	LSW_IPSECSA_INTEGRITY_FAILURES,
	LSW_IPSECSA_COL_MIN = LSW_IPSECSA_IKESA,
	LSW_IPSECSA_COL_MAX = LSW_IPSECSA_INTEGRITY_FAILURES,
};

/* lsKernel scalars (each .0); lsXfrmStatTable is lsKernel.10. */
enum lsw_kernel_scalar {
	LSW_KSC_STATUS = 1,
	LSW_KSC_SA_COUNT,
	LSW_KSC_SA_MISSING,
	LSW_KSC_SA_UNCLAIMED,
	LSW_KSC_DUMP_FAILURES,
	LSW_KSC_LAST_ERROR,
	LSW_KSC_MAX = LSW_KSC_LAST_ERROR,
};

/* lsKernelStatus */
enum lsw_kernel_status {
	LSW_KERNEL_OK = 1,
	LSW_KERNEL_OFF = 2,
	LSW_KERNEL_NOT_PERMITTED = 3,
	LSW_KERNEL_UNAVAILABLE = 4,
	LSW_KERNEL_FAILED = 5,
};

/* lsIke scalars; lsIkeStatTable is lsIke.10. */
enum lsw_ike_scalar {
	LSW_ISC_V2_ESTABLISHED = 1,
	LSW_ISC_V2_FAILED,
	LSW_ISC_V1_ESTABLISHED,
	LSW_ISC_V1_FAILED,
	LSW_ISC_DISCONTINUITY_TIME,
	LSW_ISC_STATUS,
	LSW_ISC_MAX = LSW_ISC_STATUS,
};

/* lsIkeStatStatus */
enum lsw_ikestat_status {
	LSW_IKESTAT_OK = 1,
	LSW_IKESTAT_OFF = 2,
	LSW_IKESTAT_FAILED = 3,
};

/* lsXfrmStatEntry and lsIkeStatEntry: a name index (not-accessible), its
 * readable copy, the value. */
enum lsw_namedstat_col {
	LSW_NSTAT_NAME = 1,
	LSW_NSTAT_NAME_TEXT,
	LSW_NSTAT_VALUE,
};
#define LSW_XFRMSTAT_NAME_MAX 63
#define LSW_IKESTAT_NAME_MAX  96

/* lsEventEntry columns. A column that does not apply to an event (the SA
 * type of a connection event, ...) has no instance in its row. */
enum lsw_event_col {
	LSW_EVENT_INDEX = 1, /* index, not-accessible */
	LSW_EVENT_DATE_AND_TIME,
	LSW_EVENT_TYPE,
	LSW_EVENT_CONN_NAME,
	LSW_EVENT_CONN_INSTANCE,
	LSW_EVENT_SA_TYPE,
	LSW_EVENT_SERIAL,
	LSW_EVENT_PARENT_SERIAL,
	LSW_EVENT_REPLACED_SERIAL,
	LSW_EVENT_OLD_STATE,
	LSW_EVENT_NEW_STATE,
	LSW_EVENT_OLD_STATE_NAME,
	LSW_EVENT_NEW_STATE_NAME,
	LSW_EVENT_OLD_OPER_STATUS,
	LSW_EVENT_NEW_OPER_STATUS,
	LSW_EVENT_PEER_ADDR_TYPE,
	LSW_EVENT_PEER_ADDR,
	LSW_EVENT_REMOTE_ID,
	LSW_EVENT_TEXT,
	LSW_EVENT_NOTIFIED,
	LSW_EVENT_CONN_REMOTE_ID, /* the connection's lsConnRemoteId, for the traps */
	LSW_EVENT_COL_MIN = LSW_EVENT_DATE_AND_TIME,
	LSW_EVENT_COL_MAX = LSW_EVENT_CONN_REMOTE_ID,
};

/* Size limits of the connection index (lsConnName SIZE (1..90),
 * lsConnInstance SIZE (0..24)): entry (11) + column (1) + 1 + 90 + 1 + 24
 * = 128 sub-identifiers, the most an OID may have. */
#define LSW_CONN_NAME_MAX     90
#define LSW_CONN_INSTANCE_MAX 24
#define LSW_CONN_INDEX_MAX    (2 + LSW_CONN_NAME_MAX + LSW_CONN_INSTANCE_MAX)
/* A connection past these limits has no lsConnTable row (lsConnsNotServed,
 * logged once by view.c); its notifications are still complete, since
 * their declared objects are lsEventTable columns instanced by the event
 * index (notify.c). */

/* Encode the lsConnEntry index of (name, instance) into idx (room for
 * LSW_CONN_INDEX_MAX): length-prefixed name then length-prefixed instance
 * (instance NULL means ""). Returns the number of sub-identifiers, or -1
 * when name is empty or either string is too long to be an index. */
int lsw_mib_conn_index(oid *idx, const char *name, const char *instance);

/* Encode the index of lsXfrmStatEntry / lsIkeStatEntry, a counter's name
 * (length-prefixed, room for LSW_IKESTAT_NAME_MAX + 1): the number of
 * sub-identifiers, or -1 when name is longer than LSW_IKESTAT_NAME_MAX (the
 * views keep no such row). */
int lsw_mib_name_index(oid *idx, const char *name);

/* Build a full instance OID: entry OID (entry_len sub-ids) + column +
 * index, into out (room for MAX_OID_LEN). Returns its length, -1 when it
 * would not fit. */
int lsw_mib_instance_oid(oid *out, const oid *entry, size_t entry_len, unsigned column,
                         const oid *idx, size_t idx_len);

#endif
