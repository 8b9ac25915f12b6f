/* bb_hardening.c — black-box tests of the process hardening of `qorgau serve`: the
 * running server may write no core file (RLIMIT_CORE 0, soft and hard, as
 * /proc/PID/limits shows) and is not dumpable (a process of the same user without
 * CAP_SYS_PTRACE may not open its /proc/PID/mem, while it may open that of an ordinary
 * process: the control that proves the probe can tell). When the kernel
 * refuses either call (a seccomp filter makes it), the server stops at once with exit
 * status 1 and a message. The tests raise their own soft core limit first and ask ASan
 * not to lower it, so only the server itself can have made it 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/qgtest.h"

#define LIMITS_LINE "Max core file size"
#define EXIT_TIMEOUT_S 20

#if defined(__x86_64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* ---- setting the stage --------------------------------------------------------- */

/* Raises this process's soft core limit (inherited by the server) to its hard limit,
 * capped at 1 GiB, and lets ASan leave it alone. Returns false when the hard limit is
 * already 0: then a core limit of 0 proves nothing about the server. */
static bool allow_core_dumps_here(void)
{
    struct rlimit lim;
    assert_int_equal(getrlimit(RLIMIT_CORE, &lim), 0);
    if (lim.rlim_max == 0)
        return false;
    rlim_t cap = (rlim_t)1 << 30;
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max > cap ? cap : lim.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_CORE, &lim), 0);
    const char *old = getenv("ASAN_OPTIONS");
    char opts[1024];
    snprintf(opts, sizeof opts, "%s%sdisable_coredump=0", old ? old : "", old && *old ? ":" : "");
    assert_int_equal(setenv("ASAN_OPTIONS", opts, 1), 0);
    return true;
}

/* Reads the soft and hard "Max core file size" of process pid from /proc/PID/limits
 * ("unlimited" reads as -1). Returns false when the line is missing. */
static bool core_limits(pid_t pid, long long *soft, long long *hard)
{
    char path[64], line[256], a[32], b[32];
    snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
    FILE *f = fopen(path, "r");
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f)) {
        if (strncmp(line, LIMITS_LINE, strlen(LIMITS_LINE)) != 0)
            continue;
        found = sscanf(line + strlen(LIMITS_LINE), "%31s %31s", a, b) == 2;
    }
    if (f)
        fclose(f);
    if (!found)
        return false;
    *soft = strcmp(a, "unlimited") == 0 ? -1 : strtoll(a, NULL, 10);
    *hard = strcmp(b, "unlimited") == 0 ? -1 : strtoll(b, NULL, 10);
    return true;
}

/* Gives up CAP_SYS_PTRACE for good in this process and all it starts (bounding set,
 * permitted and effective), as an ordinary user never has it: with it, the kernel lets
 * anyone of the same user read a process's memory, dumpable or not. Returns false when
 * it is held and cannot be dropped. */
static bool give_up_ptrace_capability(void)
{
    struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &head, data) != 0)
        return false;
    if (!(data[0].permitted & (1u << CAP_SYS_PTRACE)))
        return true;
    if (prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0) != 0)
        return false;
    data[0].effective &= ~(1u << CAP_SYS_PTRACE);
    data[0].permitted &= ~(1u << CAP_SYS_PTRACE);
    return syscall(SYS_capset, &head, data) == 0;
}

/* From a child process, opens /proc/PID/mem for reading (ptrace-guarded: the kernel
 * refuses it for a process that is not dumpable). Returns 0 when it opened, EACCES
 * when the kernel refused, -1 when the probe itself failed. */
static int probe_memory(pid_t pid)
{
    pid_t child = fork();
    if (child == 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
        int fd = open(path, O_RDONLY);
        if (fd >= 0)
            _exit(0);
        _exit(errno == EACCES || errno == EPERM ? 1 : 101);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return -1;
    int rc = WEXITSTATUS(status);
    return rc == 0 ? 0 : rc == 1 ? EACCES : -1;
}

/* ---- the running server ------------------------------------------------------------- */

static void test_serve_forbids_core_dumps(void **state)
{
    (void)state;
    if (!allow_core_dumps_here() || !give_up_ptrace_capability()) {
        skip(); /* a hard core limit of 0, or a ptrace capability that stays: no proof */
        return;
    }
    qgt_env e;
    assert_true(qgt_env_init(&e));
    assert_true(qgt_server_start(&e, NULL));
    long long soft = -2, hard = -2;
    assert_true(core_limits(e.server, &soft, &hard));
    assert_int_equal(soft, 0);
    assert_int_equal(hard, 0);
    /* The control: a plain child of this test (dumpable) is open to the probe. */
    pid_t plain = fork();
    if (plain == 0) {
        pause();
        _exit(0);
    }
    assert_true(plain > 0);
    int control = probe_memory(plain);
    kill(plain, SIGKILL);
    waitpid(plain, NULL, 0);
    assert_int_equal(control, 0);
    assert_int_equal(probe_memory(e.server), EACCES);
    assert_int_equal(qgt_server_stop(&e), 0);
    qgt_env_free(&e);
}

/* ---- the kernel refuses ------------------------------------------------------------- */

#ifdef THIS_AUDIT_ARCH
/* Installs a seccomp filter that makes syscall nr fail with EPERM when its argument
 * arg (0-based) is value; every other call passes. Returns false when it cannot. */
static bool refuse_syscall(long nr, int arg, unsigned value)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, args[arg])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

/* Runs `qorgau serve --port 0 --db DB` under a filter refusing syscall nr when its
 * argument arg is value, with stderr into errout (size bytes). Returns its exit
 * status, or -1 when it was killed (it did not stop by itself) or could not run. */
static int serve_refused(qgt_env *e, long nr, int arg, unsigned value, char *errout, size_t size)
{
    char errfile[QGT_PATH + 16];
    snprintf(errfile, sizeof errfile, "%s/refused.err", e->dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || dup2(fd, 2) < 0 || !refuse_syscall(nr, arg, value))
            _exit(126);
        execl(getenv("QORGAU_BIN"), "qorgau", "serve", "--port", "0", "--db", e->db, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status = 0;
    for (int waited = 0; waited < EXIT_TIMEOUT_S * 10; waited++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (waited == EXIT_TIMEOUT_S * 10 - 1) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        usleep(100 * 1000);
    }
    size_t len = 0;
    char *text = qgt_read_file(errfile, &len);
    snprintf(errout, size, "%s", text ? text : "");
    free(text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect_refusal(long nr, int arg, unsigned value, const char *call_name)
{
    qgt_env e;
    char errout[4096];
    assert_true(qgt_env_init(&e));
    assert_int_equal(serve_refused(&e, nr, arg, value, errout, sizeof errout), 1);
    assert_non_null(strstr(errout, "qorgau serve: core-dumps: could not be turned off"));
    assert_non_null(strstr(errout, call_name));
    assert_null(strstr(errout, "serving http")); /* it never listened */
    qgt_env_free(&e);
}

static void test_serve_stops_when_not_dumpable_is_refused(void **state)
{
    (void)state;
    expect_refusal(SYS_prctl, 0, PR_SET_DUMPABLE, "PR_SET_DUMPABLE");
}

static void test_serve_stops_when_core_limit_is_refused(void **state)
{
    (void)state;
    /* glibc's setrlimit is prlimit64(0, resource, new, old) */
    expect_refusal(SYS_prlimit64, 1, RLIMIT_CORE, "RLIMIT_CORE");
}
#else
static void test_serve_stops_when_not_dumpable_is_refused(void **state)
{
    (void)state;
    skip(); /* no seccomp filter for this architecture in the test */
}

static void test_serve_stops_when_core_limit_is_refused(void **state)
{
    (void)state;
    skip();
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_forbids_core_dumps),
        cmocka_unit_test(test_serve_stops_when_not_dumpable_is_refused),
        cmocka_unit_test(test_serve_stops_when_core_limit_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
