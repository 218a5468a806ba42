/* xfrm_file.h - an XFRM dump recorded to a file (tests/tools/xfrm-record,
 * tests/data/xfrm/README), decoded as if it came from the kernel: the
 * agent's --xfrm-file, for tests on hosts without ESP. */
#ifndef LSW_KERNEL_XFRM_FILE_H
#define LSW_KERNEL_XFRM_FILE_H

#include "kernel/xfrm.h"

/* LSW_XFRM_OK and *out, or LSW_XFRM_FAILED with err (missing file, bad
 * framing, a truncated or failed dump). */
int lsw_xfrm_dump_file(const char *path, struct lsw_xfrm_dump **out, char *err, size_t errlen);

#endif
