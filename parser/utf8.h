/* utf8.h - text for SnmpAdminString (RFC 3411: UTF-8) and terminals.
 *
 * Every string the parser stores (names, IDs, usernames, hosts, ...) is
 * valid UTF-8 without control characters: lsw_strdup() writes each byte
 * that is not part of a valid UTF-8 character (RFC 3629: no overlong form,
 * no surrogate, nothing past U+10FFFF), and each byte of a control
 * character (C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F), as the four
 * characters \xNN (two lower-case hex digits). Other text is kept as
 * printed; a backslash is not doubled (pluto's own \ooo escapes and the \,
 * of DNs stay as they are), so the escape is for reading, not reversible.
 */
#ifndef LSW_UTF8_H
#define LSW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The longest prefix of s[0..len) that is at most max bytes long and does
 * not end inside a UTF-8 character: a cut at that length splits no
 * character (a character that was already incomplete at len is dropped
 * too). Bytes that are not UTF-8 count as one character each. */
size_t lsw_utf8_cut(const char *s, size_t len, size_t max);

/* s[0..n) is valid UTF-8 and holds no control character: stored as is. */
bool lsw_utf8_clean(const char *s, size_t n);

/* Write the escaped form of s[0..n) (see above) to dst, which has room
 * for lsw_utf8_escape(NULL, s, n) bytes; no NUL is added. Returns its
 * length; dst NULL only measures. */
size_t lsw_utf8_escape(char *dst, const char *s, size_t n);

#endif
