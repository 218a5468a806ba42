/* mibindex.c - row index encodings shared by the tables and notify.c. */
#include <string.h>

#include "mibindex.h"

static int put_string(oid *idx, const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len > max)
		return -1;
	idx[0] = len;
	for (size_t i = 0; i < len; i++)
		idx[1 + i] = (unsigned char)s[i];
	return (int)len + 1;
}

int lsw_mib_conn_index(oid *idx, const char *name, const char *instance)
{
	int n, m;

	if (name == NULL || name[0] == '\0')
		return -1;
	n = put_string(idx, name, LSW_CONN_NAME_MAX);
	if (n < 0)
		return -1;
	m = put_string(idx + n, instance ? instance : "", LSW_CONN_INSTANCE_MAX);
	if (m < 0)
		return -1;
	return n + m;
}

int lsw_mib_name_index(oid *idx, const char *name)
{
	return put_string(idx, name, LSW_IKESTAT_NAME_MAX);
}

int lsw_mib_instance_oid(oid *out, const oid *entry, size_t entry_len, unsigned column,
                         const oid *idx, size_t idx_len)
{
	if (entry_len + 1 + idx_len > MAX_OID_LEN)
		return -1;
	memcpy(out, entry, entry_len * sizeof(oid));
	out[entry_len] = column;
	memcpy(out + entry_len + 1, idx, idx_len * sizeof(oid));
	return (int)(entry_len + 1 + idx_len);
}
