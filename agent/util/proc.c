/* proc.c - child-process runner, see proc.h. */
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Reads of 16 KiB per descriptor per lsw_proc_drain() call: 1 MiB. */
#define LSW_PROC_DRAIN_CHUNKS 64

struct lsw_proc {
	pid_t pid;
	int out_fd;
	int err_fd;
	bool out_eof;
	bool err_eof;
	bool reaped;
	int wstatus;
	size_t max_output;
	char *out; /* out_cap bytes, always NUL-terminated */
	size_t out_len;
	size_t out_cap;
	size_t out_total; /* bytes stored, also those cleared since */
	bool truncated;
	char err[LSW_PROC_STDERR_MAX + 1];
	size_t err_len;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Checked in the parent so the usual mistakes get a clear message; a race
 * with the file changing is still caught by execve() in the child. */
static int check_program(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (path == NULL || path[0] != '/') {
		set_err(err, errlen, "%s: not an absolute path", path ? path : "(null)");
		return -1;
	}
	if (stat(path, &st) < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (access(path, X_OK) < 0) {
		set_err(err, errlen, "%s: not executable (%s)", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Between fork() and execve(): async-signal-safe calls only. Reports errno
 * on errfd (close-on-exec, so a successful exec closes it silently). */
static void child_exec(const char *const argv[], int devnull, int out_w, int err_w, int errfd)
{
	static const char *const envp[] = {"LC_ALL=C", "PATH=" LSW_PROC_PATH, NULL};
	sigset_t none;
	int e;

	setpgid(0, 0);
	/* Ignored signals stay ignored across exec; the daemon may ignore SIGPIPE. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		goto fail;
	/* Descriptors the parent opened without O_CLOEXEC (net-snmp's) must not leak. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = 3; fd < (max > 0 ? max : 1024); fd++)
			if (fd != errfd)
				close((int)fd);
	}
	execve(argv[0], (char *const *)(uintptr_t)argv, (char *const *)(uintptr_t)envp);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0) {
		/* nothing left to tell anybody */
	}
	_exit(127);
}

int lsw_proc_start(struct lsw_proc **out, const char *const argv[], size_t max_output, char *err,
                   size_t errlen)
{
	struct lsw_proc *p = NULL;
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, execp[2] = {-1, -1};
	int devnull = -1, child_errno = 0;
	ssize_t n;

	*out = NULL;
	if (argv == NULL || check_program(argv[0], err, errlen) < 0)
		return -1;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		goto oom;
	p->pid = -1;
	p->out_fd = p->err_fd = -1;
	p->max_output = max_output;
	p->out_cap = 4096;
	if (max_output < p->out_cap - 1)
		p->out_cap = max_output + 1;
	p->out = malloc(p->out_cap);
	if (p->out == NULL)
		goto oom;
	p->out[0] = '\0';

	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    pipe2(execp, O_CLOEXEC) < 0) {
		set_err(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		set_err(err, errlen, "/dev/null: %s", strerror(errno));
		goto fail;
	}
	p->pid = fork();
	if (p->pid < 0) {
		set_err(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (p->pid == 0)
		child_exec(argv, devnull, outp[1], errp[1], execp[1]);

	/* Also here: the parent may kill the group before the child ran setpgid(). */
	setpgid(p->pid, p->pid);
	close(outp[1]);
	close(errp[1]);
	close(execp[1]);
	close(devnull);
	outp[1] = errp[1] = execp[1] = devnull = -1;
	p->out_fd = outp[0];
	p->err_fd = errp[0];
	outp[0] = errp[0] = -1;

	/* EOF: exec worked; an int: exec failed with that errno. */
	do
		n = read(execp[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(execp[0]);
	execp[0] = -1;
	if (n == (ssize_t)sizeof(child_errno)) {
		set_err(err, errlen, "%s: exec: %s", argv[0], strerror(child_errno));
		goto fail;
	}
	if (fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(p->err_fd, F_SETFL, O_NONBLOCK) < 0) {
		set_err(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	*out = p;
	return 0;

oom:
	set_err(err, errlen, "out of memory");
fail:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (execp[i] >= 0)
			close(execp[i]);
	}
	if (devnull >= 0)
		close(devnull);
	lsw_proc_free(p);
	return -1;
}

int lsw_proc_fd(const struct lsw_proc *p)
{
	return p->out_fd;
}

int lsw_proc_err_fd(const struct lsw_proc *p)
{
	return p->err_fd;
}

pid_t lsw_proc_pid(const struct lsw_proc *p)
{
	return p->pid;
}

/* Keep up to max_output bytes, doubling the buffer as needed. */
static int store_output(struct lsw_proc *p, const char *buf, size_t n)
{
	size_t room = p->max_output - p->out_total;

	if (n > room) {
		p->truncated = true;
		n = room;
	}
	if (n == 0)
		return 0;
	if (p->out_len + n + 1 > p->out_cap) {
		size_t cap = p->out_cap;
		char *b;

		while (cap < p->out_len + n + 1)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		if (p->max_output < SIZE_MAX && cap > p->max_output + 1)
			cap = p->max_output + 1;
		b = realloc(p->out, cap);
		if (b == NULL) {
			errno = ENOMEM;
			return -1;
		}
		p->out = b;
		p->out_cap = cap;
	}
	memcpy(p->out + p->out_len, buf, n);
	p->out_len += n;
	p->out_total += n;
	p->out[p->out_len] = '\0';
	return 0;
}

static void store_stderr(struct lsw_proc *p, const char *buf, size_t n)
{
	size_t room = LSW_PROC_STDERR_MAX - p->err_len;

	if (n > room)
		n = room;
	memcpy(p->err + p->err_len, buf, n);
	p->err_len += n;
	p->err[p->err_len] = '\0';
}

/* Read fd until EAGAIN or EOF. Returns 0, or -1 on error. */
static int drain_fd(struct lsw_proc *p, int fd, bool is_stdout, bool *eof)
{
	char buf[16384];

	/* Bounded: a child that writes without end must not keep the caller
	 * here, away from its timers (the timeout that would kill it). */
	for (size_t i = 0; i < LSW_PROC_DRAIN_CHUNKS && !*eof; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			if (is_stdout) {
				if (store_output(p, buf, (size_t)n) < 0)
					return -1;
			} else {
				store_stderr(p, buf, (size_t)n);
			}
		} else if (n == 0) {
			*eof = true;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return 0;
		} else {
			return -1;
		}
	}
	return 0;
}

int lsw_proc_drain(struct lsw_proc *p)
{
	if (drain_fd(p, p->out_fd, true, &p->out_eof) < 0)
		return -1;
	if (drain_fd(p, p->err_fd, false, &p->err_eof) < 0)
		return -1;
	return p->out_eof && p->err_eof ? 1 : 0;
}

int lsw_proc_reap(struct lsw_proc *p)
{
	pid_t r;

	if (p->reaped)
		return 1;
	do
		r = waitpid(p->pid, &p->wstatus, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	p->reaped = true;
	return 1;
}

void lsw_proc_kill(struct lsw_proc *p)
{
	pid_t r;

	if (p == NULL || p->pid <= 0)
		return;
	/* Once the leader is reaped its pid (= group id) stays reserved only
	 * while group members live; they matter only if they hold our pipes. */
	if (!p->reaped || !p->out_eof || !p->err_eof)
		kill(-p->pid, SIGKILL);
	if (p->reaped)
		return;
	do
		r = waitpid(p->pid, &p->wstatus, 0);
	while (r < 0 && errno == EINTR);
	p->reaped = true;
	if (r < 0) /* not ours to reap (SIGCHLD ignored?); report as killed */
		p->wstatus = SIGKILL;
}

const char *lsw_proc_output(const struct lsw_proc *p, size_t *len)
{
	if (len != NULL)
		*len = p->out_len;
	return p->out;
}

void lsw_proc_output_clear(struct lsw_proc *p)
{
	p->out_len = 0;
	p->out[0] = '\0';
}

bool lsw_proc_truncated(const struct lsw_proc *p)
{
	return p->truncated;
}

const char *lsw_proc_stderr(const struct lsw_proc *p, size_t *len)
{
	if (len != NULL)
		*len = p->err_len;
	return p->err;
}

int lsw_proc_exit_status(const struct lsw_proc *p)
{
	if (!p->reaped)
		return -1;
	if (WIFEXITED(p->wstatus))
		return WEXITSTATUS(p->wstatus);
	if (WIFSIGNALED(p->wstatus))
		return 128 + WTERMSIG(p->wstatus);
	return -1;
}

void lsw_proc_describe_status(const struct lsw_proc *p, char *buf, size_t len)
{
	if (!p->reaped)
		snprintf(buf, len, "still running");
	else if (WIFEXITED(p->wstatus))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(p->wstatus));
	else if (WIFSIGNALED(p->wstatus))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(p->wstatus),
		         strsignal(WTERMSIG(p->wstatus)));
	else
		snprintf(buf, len, "ended with wait status 0x%x", (unsigned)p->wstatus);
}

void lsw_proc_free(struct lsw_proc *p)
{
	if (p == NULL)
		return;
	if (p->pid > 0)
		lsw_proc_kill(p);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(p->out);
	free(p);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lsw_proc_run(const char *const argv[], int timeout_ms, size_t max_output, struct lsw_proc **out,
                 char *err, size_t errlen)
{
	struct lsw_proc *p = NULL;
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	int rc;

	*out = NULL;
	if (lsw_proc_start(&p, argv, max_output, err, errlen) < 0)
		return -1;
	for (;;) {
		struct pollfd fds[2];
		nfds_t nfds = 0;
		int wait_ms = -1;

		rc = lsw_proc_drain(p);
		if (rc < 0) {
			set_err(err, errlen, "%s: reading output: %s", argv[0], strerror(errno));
			goto fail;
		}
		if (rc == 1) {
			rc = lsw_proc_reap(p);
			if (rc < 0) {
				set_err(err, errlen, "%s: waitpid: %s", argv[0], strerror(errno));
				goto fail;
			}
			if (rc == 1)
				break;
		}
		if (deadline >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				set_err(err, errlen, "%s: timed out after %d ms, killed", argv[0],
				        timeout_ms);
				goto fail;
			}
			wait_ms = left > INT32_MAX ? INT32_MAX : (int)left;
		}
		if (!p->out_eof)
			fds[nfds++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
		if (!p->err_eof)
			fds[nfds++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
		/* Both pipes closed but the child lives on: check back soon. */
		if (nfds == 0 && (wait_ms < 0 || wait_ms > 10))
			wait_ms = 10;
		if (poll(fds, nfds, wait_ms) < 0 && errno != EINTR) {
			set_err(err, errlen, "poll: %s", strerror(errno));
			goto fail;
		}
	}
	*out = p;
	return 0;
fail:
	lsw_proc_free(p);
	return -1;
}

void lsw_whack_argv(const char *argv[LSW_WHACK_ARGV_MAX], const char *ipsec, const char *ctlsocket,
                    enum lsw_whack_cmd cmd)
{
	size_t i = 0;

	argv[i++] = ipsec;
	argv[i++] = "whack";
	if (ctlsocket != NULL) {
		argv[i++] = "--ctlsocket";
		argv[i++] = ctlsocket;
	}
	argv[i++] = cmd == LSW_WHACK_TRAFFICSTATUS  ? "--trafficstatus"
	            : cmd == LSW_WHACK_GLOBALSTATUS ? "--globalstatus"
	            : cmd == LSW_WHACK_SHOWSTATES   ? "--showstates"
	                                            : "--status";
	argv[i] = NULL;
}
