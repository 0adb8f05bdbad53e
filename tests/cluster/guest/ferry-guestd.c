/* ferry-guestd: tiny static helper inside the Ferry test guest (busybox initramfs).
 *
 * - Watches every /dev/input/event* device (the kernel's ACPI "Power Button"
 *   from button.ko, the AT keyboard, ...; evdev.ko provides the nodes).
 * - KEY_POWER pressed (what QEMU's ACPI power button, i.e. `virsh shutdown`
 *   and `virsh reboot`, produces) -> prints "FERRY-ACPI power-button" on
 *   /dev/ttyS0, syncs and powers the guest off at once. libvirt turns that
 *   power-off into a reset for `virsh reboot` (its "fake reboot").
 * - Any other key press -> prints "FERRY-KEYCODE <linux keycode>" on
 *   /dev/ttyS0 (one line per key press, no Enter needed; for VNC typing tests).
 *
 * `ferry-guestd mem RATE WSS` (ferry.load=mem:RATE:WSS) is a memory load
 * instead: it allocates WSS MiB, fills it, prints "FERRY-LOAD mem RATE WSS"
 * ("FERRY-LOAD-ERROR mem ..." if WSS does not fit into MemAvailable - 8 MiB)
 * and then keeps rewriting it at about RATE MiB/s, one byte per 4 KiB page,
 * page after page, each pass with a new non-zero value (libvirt's dirty-rate
 * calculation compares page contents: rewriting the same byte looks idle,
 * and QEMU sends zero pages nearly for free). RATE 0: fill once, then idle
 * (memory in use, nothing dirtied); RATE max: as fast as the vCPU goes.
 * Every 10 s: "FERRY-LOADSTAT mem MIBS" (the rate it reached). It runs at
 * nice 10 and paces itself in 10 ms steps, sleeping in between, so the
 * shell's heartbeat keeps running; after a pause of more than a second (a
 * migration's final stop, a busy host) it does not catch up.
 *
 * Build: gcc -static -Os -o ferry-guestd ferry-guestd.c
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAXDEV 32

static struct pollfd fds[MAXDEV];
static char names[MAXDEV][288];
static int ndev;

static void serial(const char *fmt, const char *s, int n)
{
    char buf[160];
    int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
    if (fd < 0)
        return;
    int len = s ? snprintf(buf, sizeof buf, fmt, s) : snprintf(buf, sizeof buf, fmt, n);
    if (len > 0)
        (void) !write(fd, buf, (size_t) len);
    close(fd);
}

static int known(const char *path)
{
    for (int i = 0; i < ndev; i++)
        if (strcmp(names[i], path) == 0)
            return 1;
    return 0;
}

static void scan(void)
{
    DIR *d = opendir("/dev/input");
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) && ndev < MAXDEV) {
        char path[288];
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
        if (known(path))
            continue;
        int fd = open(path, O_RDONLY | O_NONBLOCK);
        if (fd < 0)
            continue;
        char devname[80] = "?";
        ioctl(fd, EVIOCGNAME(sizeof devname - 1), devname);
        serial("FERRY-INPUT %s\n", devname, 0);
        fds[ndev].fd = fd;
        fds[ndev].events = POLLIN;
        snprintf(names[ndev], sizeof names[ndev], "%s", path);
        ndev++;
    }
    closedir(d);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static long mem_available_mib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char l[128];
    long kib = -1;
    if (!f)
        return -1;
    while (fgets(l, sizeof l, f))
        if (sscanf(l, "MemAvailable: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

static int mem_load(const char *rate_s, const char *wss_s)
{
    const size_t page = 4096;
    int unlimited = strcmp(rate_s, "max") == 0;
    long rate = unlimited ? 0 : strtol(rate_s, NULL, 10);
    long wss = strtol(wss_s, NULL, 10);
    char line[96];

    if (rate < 0 || wss <= 0) {
        serial("FERRY-LOAD-ERROR mem bad arguments %s\n", rate_s, 0);
        return 2;
    }
    /* The OOM killer would end us silently: say so instead. */
    long avail = mem_available_mib();
    if (avail >= 0 && wss > avail - 8) {
        snprintf(line, sizeof line, "%ld MiB do not fit (MemAvailable %ld MiB)", wss, avail);
        serial("FERRY-LOAD-ERROR mem %s\n", line, 0);
        return 1;
    }
    /* Below the shell loops (heartbeat, console): they must keep running. */
    (void) !setpriority(PRIO_PROCESS, 0, 10);
    size_t pages = (size_t) wss * 256;
    unsigned char *mem = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mem == MAP_FAILED) {
        serial("FERRY-LOAD-ERROR mem cannot allocate %d MiB\n", NULL, (int) wss);
        return 1;
    }
    unsigned char value = 1;
    for (size_t i = 0; i < pages; i++)
        mem[i * page] = value;
    value = 2;                                 /* the next pass changes every page */
    snprintf(line, sizeof line, "%s %ld", rate_s, wss);
    serial("FERRY-LOAD mem %s\n", line, 0);
    if (rate == 0 && !unlimited)
        for (;;)
            pause();

    const double step = 0.01;                  /* pacing granularity, s */
    double per_s = (double) rate * 256.0;      /* pages per second */
    double t0 = now_s(), next = t0, stat_t = t0;
    double due = 0;                            /* pages owed in this step */
    size_t idx = 0, stat_pages = 0;

    for (;;) {
        size_t n = unlimited ? 4096 : (size_t) due;
        for (size_t k = 0; k < n; k++) {
            mem[idx * page] = value;
            if (++idx == pages) {
                idx = 0;
                value = (unsigned char) (value % 255 + 1);   /* never 0 */
            }
        }
        due = unlimited ? 0 : due - (double) n;
        stat_pages += n;

        double t = now_s();
        if (t - stat_t >= 10.0) {
            serial("FERRY-LOADSTAT mem %d\n", NULL,
                   (int) ((double) stat_pages / 256.0 / (t - stat_t) + 0.5));
            stat_t = t;
            stat_pages = 0;
        }
        if (unlimited) {
            if (t >= next) {                   /* let the heartbeat run */
                sched_yield();
                next = t + step;
            }
            continue;
        }
        next += step;
        if (next < t - 1.0)                    /* paused (migration, busy host): */
            next = t;                          /* do not catch up a backlog */
        else if (next > t) {
            struct timespec ts = { 0, (long) ((next - t) * 1e9) };
            nanosleep(&ts, NULL);
        }
        due += per_s * step;
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "mem") == 0)
        return mem_load(argv[2], argv[3]);

    scan();
    for (;;) {
        int r = poll(fds, (nfds_t) ndev, 5000);
        if (r == 0) {          /* idle: pick up late devices */
            scan();
            continue;
        }
        for (int i = 0; i < ndev; i++) {
            if (!(fds[i].revents & POLLIN))
                continue;
            struct input_event ev[16];
            ssize_t n = read(fds[i].fd, ev, sizeof ev);
            for (ssize_t k = 0; n > 0 && k < n / (ssize_t) sizeof ev[0]; k++) {
                if (ev[k].type != EV_KEY || ev[k].value != 1)
                    continue;
                if (ev[k].code == KEY_POWER) {
                    serial("FERRY-ACPI %s\n", "power-button", 0);
                    sync();
                    reboot(RB_POWER_OFF);
                } else {
                    serial("FERRY-KEYCODE %d\n", NULL, ev[k].code);
                }
            }
        }
    }
}
