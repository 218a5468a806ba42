/* proc.h - run a program without a shell and collect what it prints.
 *
 * Built for `ipsec whack --status`: pluto writes its status into the
 * whack socket as fast as the reader drains it and stalls when nobody
 * reads, so stdout is a non-blocking pipe drained as data arrives.
 *
 * The child gets: argv[0] as an absolute path (checked before fork), an
 * environment of only LC_ALL=C and a minimal PATH, stdin /dev/null, stdout
 * and stderr on two pipes, its own process group (so a timeout kills the
 * grandchildren too), default signal dispositions and an empty signal
 * mask, and no other descriptor of the parent. Every descriptor this
 * module opens is close-on-exec.
 *
 * Two ways to use it:
 *   - event loop (the daemon): lsw_proc_start(), watch lsw_proc_fd() and
 *     lsw_proc_err_fd() for readability (net-snmp register_readfd), call
 *     lsw_proc_drain() when readable, lsw_proc_reap() once drain says EOF,
 *     lsw_proc_kill() when the caller's own deadline passes, lsw_proc_free().
 *   - blocking (lswstat): lsw_proc_run(), poll() inside, with a timeout.
 *
 * Caveat: waitpid() needs SIGCHLD not to be SIG_IGN in the calling process.
 */
#ifndef LSW_UTIL_PROC_H
#define LSW_UTIL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Bytes of stderr kept; the rest is read and dropped. */
#define LSW_PROC_STDERR_MAX 4096

/* PATH given to the child (ipsec is a shell script that calls other tools). */
#define LSW_PROC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct lsw_proc;

/* Start argv[0] (an absolute path to an executable file) with argv.
 * At most max_output bytes of stdout are stored; the rest is drained and
 * dropped, and lsw_proc_truncated() becomes true. On success *out is a new
 * handle the caller owns (lsw_proc_free()). On failure returns -1 with a
 * message in err ("/usr/sbin/ipsec: No such file or directory"), and *out
 * is NULL; a failed execve() in the child is reported here too. */
int lsw_proc_start(struct lsw_proc **out, const char *const argv[], size_t max_output, char *err,
                   size_t errlen);

/* The read ends of the child's stdout and stderr, non-blocking. They stay
 * open (also after EOF) until lsw_proc_free(), so an event loop must stop
 * watching them before freeing, and once lsw_proc_drain() returned 1. */
int lsw_proc_fd(const struct lsw_proc *p);
int lsw_proc_err_fd(const struct lsw_proc *p);

/* The child's pid, which is also its process group id. */
pid_t lsw_proc_pid(const struct lsw_proc *p);

/* Read what is available on both pipes without blocking, at most about
 * 1 MiB from each per call (so a child that never stops writing cannot hold
 * an event loop; the descriptor stays readable and the loop calls again).
 * 1 = EOF on stdout and stderr, 0 = more to come, -1 = read error or out of
 * memory (errno set; the handle can still be killed and freed). */
int lsw_proc_drain(struct lsw_proc *p);

/* Non-blocking waitpid(). 1 = the child has exited (status known),
 * 0 = still running, -1 = error. */
int lsw_proc_reap(struct lsw_proc *p);

/* SIGKILL the child's whole process group and reap the child (blocking,
 * but SIGKILL cannot be ignored). Harmless after the child was reaped. */
void lsw_proc_kill(struct lsw_proc *p);

/* Stdout so far; NUL-terminated, len (may be NULL) excludes the NUL.
 * Owned by the handle. */
const char *lsw_proc_output(const struct lsw_proc *p, size_t *len);

/* Forget the stdout stored so far, for a caller that consumes it after
 * each lsw_proc_drain() instead of keeping it whole (the buffer then stays
 * about one drain's worth). What was stored still counts against
 * max_output; lsw_proc_output() restarts empty. */
void lsw_proc_output_clear(struct lsw_proc *p);

/* True when stdout went past max_output and the rest was dropped. */
bool lsw_proc_truncated(const struct lsw_proc *p);

/* Stderr so far, at most LSW_PROC_STDERR_MAX bytes, NUL-terminated, owned
 * by the handle. */
const char *lsw_proc_stderr(const struct lsw_proc *p, size_t *len);

/* Exit code 0..255 when the child exited, 128 + signal number when a
 * signal killed it, -1 while not reaped. */
int lsw_proc_exit_status(const struct lsw_proc *p);

/* "exited with status 3" / "killed by signal 9" / "still running" into buf. */
void lsw_proc_describe_status(const struct lsw_proc *p, char *buf, size_t len);

/* Kill and reap the child if still running, close everything; NULL is fine. */
void lsw_proc_free(struct lsw_proc *p);

/* Blocking: start argv, drain until EOF and exit, at most timeout_ms in all
 * (<= 0: no timeout). Returns 0 when the child ran to its end, whatever its
 * exit status, and *out is then the caller's (lsw_proc_free()). Returns -1
 * with err set and *out NULL when it could not start, on a read error, or
 * on timeout (the process group is then killed and the child reaped). */
int lsw_proc_run(const char *const argv[], int timeout_ms, size_t max_output, struct lsw_proc **out,
                 char *err, size_t errlen);

/* The argv of `IPSEC whack [--ctlsocket PATH] --status` (or
 * --trafficstatus, --showstates). The strings are borrowed from the arguments and from
 * static storage; argv must have room for LSW_WHACK_ARGV_MAX pointers. */
enum lsw_whack_cmd {
	LSW_WHACK_STATUS,
	LSW_WHACK_TRAFFICSTATUS,
	LSW_WHACK_GLOBALSTATUS,
	LSW_WHACK_SHOWSTATES, /* 4.0 and later */
};
#define LSW_WHACK_ARGV_MAX 6
void lsw_whack_argv(const char *argv[LSW_WHACK_ARGV_MAX], const char *ipsec, const char *ctlsocket,
                    enum lsw_whack_cmd cmd);

#endif
